package io.keyway.config.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;

/**
 * A pgjdbc {@code socketFactory} that reaches PostgreSQL over its Unix-domain socket instead of
 * the TCP address in the JDBC URL: loopback TCP costs both the server and the client kernel time
 * per byte that a Unix socket does not (decision 0017, session 6). pgjdbc instantiates it with the
 * socket file's path ({@code socketFactoryArg}); the host and port of the URL are then ignored.
 * Java 17's {@link SocketChannel} speaks {@link StandardProtocolFamily#UNIX}; the {@link Socket}
 * pgjdbc wants is a thin adapter around it, so no native library is needed.
 *
 * <p>Only for a server on this host: {@link #localSocket} finds the socket file for a URL's port.
 * pgjdbc's {@code connectTimeout} and {@code socketTimeout} hold as on TCP ({@link #properties} sets
 * both): a watchdog closes a connection whose connect or read has waited longer, and the waiting call
 * fails with a {@link SocketTimeoutException}. It looks once a second, so a timeout is kept to within
 * a second; a read that returns costs two volatile writes, nothing more.
 */
public final class UnixSocketFactory extends SocketFactory {
  /** Where PostgreSQL puts its socket unless {@code unix_socket_directories} says otherwise (zonky: /tmp). */
  public static final List<Path> DEFAULT_DIRECTORIES =
      List.of(Path.of("/tmp"), Path.of("/var/run/postgresql"), Path.of("/run/postgresql"));

  /** What {@link #properties} gives pgjdbc: seconds a connect, and a read of a server that has gone quiet, may wait. */
  static final int CONNECT_TIMEOUT_SECONDS = 10;
  static final int SOCKET_TIMEOUT_SECONDS = 120;

  private final Path socket;

  /** Called by pgjdbc with {@code socketFactoryArg}. */
  public UnixSocketFactory(String socketPath) {
    this.socket = Path.of(socketPath);
  }

  /**
   * The socket file of the PostgreSQL listening on {@code port} of this host, if {@code host} is
   * this host and one of {@code directories} holds {@code .s.PGSQL.<port>}: a socket itself (not a
   * symbolic link, not just a name) owned by this process's own OS user. The directories include
   * world-writable {@code /tmp}, where anyone could create that name and be sent the runtime role's
   * password before any check of the server; a socket of this process's user is one only this user
   * (who can read this process anyway) or the superuser made, such as the embedded server's. A server
   * run by another user (a packaged PostgreSQL, as {@code postgres}) is read over TCP. Whether the
   * server there is the one behind the TCP address is still for the caller to check.
   */
  public static Optional<Path> localSocket(String host, int port, List<Path> directories) {
    if (!isLoopback(host)) {
      return Optional.empty();
    }
    Optional<Integer> self = ownerUid(Path.of("/proc/self"), false);
    if (self.isEmpty()) {
      return Optional.empty();
    }
    for (Path dir : directories) {
      Path p = dir.resolve(".s.PGSQL." + port);
      try {
        var attributes = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
            java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (attributes.isOther() && ownerUid(p, true).equals(self)) {
          return Optional.of(p);
        }
      } catch (IOException | UnsupportedOperationException e) {
        // no such file, or no way to tell its owner: not this one
      }
    }
    return Optional.empty();
  }

  /** The uid owning {@code p} ({@code link}: of a symbolic link itself), where the file system tells it. */
  private static Optional<Integer> ownerUid(Path p, boolean link) {
    try {
      Object uid = link ? Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)
          : Files.getAttribute(p, "unix:uid");
      return uid instanceof Integer i ? Optional.of(i) : Optional.empty();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1") || host.equals("[::1]");
  }

  /** The connection properties that make pgjdbc connect through {@code socket}. */
  public static Properties properties(Path socket) {
    Properties p = new Properties();
    p.setProperty("socketFactory", UnixSocketFactory.class.getName());
    p.setProperty("socketFactoryArg", socket.toString());
    // PostgreSQL never offers TLS on a Unix socket: do not spend a round trip asking
    p.setProperty("sslmode", "disable");
    // a listener of this user that never answers must not hang a verification
    p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    p.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
    return p;
  }

  @Override
  public Socket createSocket() {
    return new ChannelSocket(socket);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return connected();
  }

  private Socket connected() throws IOException {
    ChannelSocket s = new ChannelSocket(socket);
    s.connect(null, 0);
    return s;
  }

  /**
   * The {@link Socket} face of a Unix-domain {@link SocketChannel}: connecting opens the channel
   * to the socket file whatever address pgjdbc names; TCP options are accepted and ignored.
   */
  private static final class ChannelSocket extends Socket {
    private final Path path;
    private SocketChannel channel;
    /** The channel from the moment it is opened, connected or not: what the watchdog closes. */
    private volatile SocketChannel opened;
    private InputStream in;
    private OutputStream out;
    private volatile int soTimeout;
    private boolean closed;
    /** When the connect or read under way started waiting (0: none), and for how long it may. */
    private volatile long waitingSince;
    private volatile long waitLimitNanos;
    /** Set by the watchdog before it closes the channel, so the waiting call says why it failed. */
    private volatile boolean timedOut;

    ChannelSocket(Path path) {
      this.path = path;
    }

    @Override
    public void connect(SocketAddress ignored, int timeout) throws IOException {
      SocketChannel c;
      synchronized (this) {
        if (closed) {
          throw new SocketException("Socket is closed");
        }
        if (opened != null) {
          throw new SocketException("already connected");
        }
        c = SocketChannel.open(StandardProtocolFamily.UNIX);
        opened = c;
      }
      try {
        waitFor(timeout, () -> {
          c.connect(UnixDomainSocketAddress.of(path)); // blocking: true once connected
          return 0;
        });
      } catch (IOException | RuntimeException e) {
        c.close();
        throw e;
      }
      synchronized (this) {
        channel = c;
        in = new TimedInput(Channels.newInputStream(c));
        out = Channels.newOutputStream(c);
      }
    }

    /** A connect or read that may wait, answering what the read answers. */
    private interface Wait {
      int run() throws IOException;
    }

    /** Runs {@code call} under the watchdog when {@code timeoutMillis} is positive. */
    private int waitFor(int timeoutMillis, Wait call) throws IOException {
      if (timeoutMillis <= 0) {
        return call.run();
      }
      waitLimitNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      waitingSince = System.nanoTime() | 1; // never 0
      Watchdog.watch(this);
      try {
        return call.run();
      } catch (IOException e) {
        if (timedOut) {
          SocketTimeoutException timeout = new SocketTimeoutException(
              "PostgreSQL's socket " + path + " did not answer within " + timeoutMillis + " ms");
          timeout.initCause(e);
          throw timeout;
        }
        throw e;
      } finally {
        waitingSince = 0;
      }
    }

    /** Called by the watchdog: closes the channel if the call under way has waited too long. */
    boolean expireIfOverdue(long now) {
      long since = waitingSince;
      if (since == 0 || now - since < waitLimitNanos) {
        return false;
      }
      timedOut = true;
      try {
        SocketChannel c = opened;
        if (c != null) {
          c.close(); // the waiting connect or read fails at once
        }
      } catch (IOException ignored) {
        // closing is all that was wanted
      }
      return true;
    }

    /** Reads under the watchdog, with the socket's timeout (pgjdbc's {@code socketTimeout}). */
    private final class TimedInput extends java.io.FilterInputStream {
      TimedInput(InputStream in) {
        super(in);
      }

      @Override
      public int read() throws IOException {
        return waitFor(soTimeout, in::read);
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        return waitFor(soTimeout, () -> in.read(buffer, offset, length));
      }
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
      connect(endpoint, 0);
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
      throw new SocketException("a Unix-domain connection to PostgreSQL binds no local address");
    }

    @Override
    public synchronized boolean isConnected() {
      return channel != null;
    }

    @Override
    public boolean isBound() {
      return isConnected();
    }

    @Override
    public synchronized boolean isClosed() {
      return closed;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        throw new SocketException("Socket is not connected");
      }
      return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
      if (out == null) {
        throw new SocketException("Socket is not connected");
      }
      return out;
    }

    @Override
    public synchronized void close() throws IOException {
      closed = true;
      Watchdog.forget(this);
      try {
        if (opened != null) {
          opened.close();
        }
      } finally {
        super.close(); // the TCP socket the base class would have made, should anything have asked it for one
      }
    }

    @Override
    public void shutdownInput() throws IOException {
      if (channel != null) {
        channel.shutdownInput();
      }
    }

    @Override
    public void shutdownOutput() throws IOException {
      if (channel != null) {
        channel.shutdownOutput();
      }
    }

    // pgjdbc sets these on every connection; a Unix socket has no such options but the timeout

    @Override
    public void setSoTimeout(int timeout) {
      soTimeout = timeout;
    }

    @Override
    public int getSoTimeout() {
      return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
      // no Nagle on a Unix socket
    }

    @Override
    public boolean getTcpNoDelay() {
      return true;
    }

    @Override
    public void setKeepAlive(boolean on) {
      // no keepalive probes on a Unix socket
    }

    @Override
    public boolean getKeepAlive() {
      return false;
    }

    @Override
    public void setReceiveBufferSize(int size) {
      // the kernel's default for Unix sockets
    }

    @Override
    public int getReceiveBufferSize() {
      return 0;
    }

    @Override
    public void setSendBufferSize(int size) {
      // the kernel's default for Unix sockets
    }

    @Override
    public int getSendBufferSize() {
      return 0;
    }

    @Override
    public String toString() {
      return "UnixSocket[" + path + "]";
    }
  }

  /**
   * One daemon thread for every socket with a timeout, started with the first: once a second it
   * closes the connections whose connect or read has waited longer than allowed.
   */
  private static final class Watchdog {
    private static final java.util.Set<ChannelSocket> WATCHED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static volatile java.util.concurrent.ScheduledExecutorService timer;

    static void watch(ChannelSocket s) {
      if (WATCHED.add(s) && timer == null) {
        start();
      }
    }

    static void forget(ChannelSocket s) {
      WATCHED.remove(s);
    }

    private static synchronized void start() {
      if (timer != null) {
        return;
      }
      timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyway-pg-socket-watchdog");
        t.setDaemon(true);
        return t;
      });
      timer.scheduleWithFixedDelay(() -> {
        long now = System.nanoTime();
        WATCHED.removeIf(s -> s.expireIfOverdue(now));
      }, 1, 1, TimeUnit.SECONDS);
    }
  }
}
