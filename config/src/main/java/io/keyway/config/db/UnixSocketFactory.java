package io.keyway.config.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
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
 * There is no read timeout on such a connection (pgjdbc's default {@code socketTimeout=0} too).
 */
public final class UnixSocketFactory extends SocketFactory {
  /** Where PostgreSQL puts its socket unless {@code unix_socket_directories} says otherwise (zonky: /tmp). */
  public static final List<Path> DEFAULT_DIRECTORIES =
      List.of(Path.of("/tmp"), Path.of("/var/run/postgresql"), Path.of("/run/postgresql"));

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
    private InputStream in;
    private OutputStream out;
    private int soTimeout;
    private boolean closed;

    ChannelSocket(Path path) {
      this.path = path;
    }

    @Override
    public synchronized void connect(SocketAddress ignored, int timeout) throws IOException {
      if (closed) {
        throw new SocketException("Socket is closed");
      }
      if (channel != null) {
        throw new SocketException("already connected");
      }
      SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        c.connect(UnixDomainSocketAddress.of(path));
      } catch (IOException | RuntimeException e) {
        c.close();
        throw e;
      }
      channel = c;
      in = Channels.newInputStream(c);
      out = Channels.newOutputStream(c);
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
      try {
        if (channel != null) {
          channel.close();
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

    // pgjdbc sets these on every connection; a Unix socket has no such options (and no read timeout here)

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
}
