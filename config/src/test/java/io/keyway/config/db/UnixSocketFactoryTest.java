package io.keyway.config.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keyway.config.DbUrl;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketFactoryTest {

  @Test
  @DisplayName("pgjdbc with the factory reaches the server over its Unix-domain socket (no client or server address), TCP without it")
  void connectsOverTheUnixSocket() throws Exception {
    DbUrl app = TestPostgres.freshDatabase().app();
    Optional<Path> socket = UnixSocketFactory.localSocket(app.host(), app.port(), UnixSocketFactory.DEFAULT_DIRECTORIES);
    assumeTrue(socket.isPresent(), "the test server has no Unix-domain socket here (a container)");

    try (Connection c = DatabaseBootstrap.connect(app, UnixSocketFactory.properties(socket.get()));
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT inet_client_addr() IS NULL, inet_server_port() IS NULL, current_user, count(*) FROM generate_series(1, 100000)")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("no client address: a Unix-domain socket").isTrue();
      assertThat(rs.getBoolean(2)).as("no server port: a Unix-domain socket").isTrue();
      assertThat(rs.getString(3)).isEqualTo(app.user());
      assertThat(rs.getLong(4)).isEqualTo(100_000);
    }
    try (Connection c = DatabaseBootstrap.connect(app);
         ResultSet rs = c.createStatement().executeQuery("SELECT inet_client_addr() IS NULL, inet_server_port()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("a TCP client has an address").isFalse();
      assertThat(rs.getInt(2)).isEqualTo(app.port());
    }
  }

  @Test
  @DisplayName("a listener that accepts and never answers fails pgjdbc's read after its socketTimeout, not never; one that never accepts fails the connect after connectTimeout")
  @org.junit.jupiter.api.Timeout(60)
  void silentListenerTimesOut(@TempDir Path dir) throws Exception {
    assertThat(UnixSocketFactory.properties(dir.resolve("s"))).containsEntry("socketTimeout", "120")
        .containsEntry("connectTimeout", "10");
    Path file = dir.resolve(".s.PGSQL.1");
    try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.bind(UnixDomainSocketAddress.of(file), 1);
      UnixSocketFactory factory = new UnixSocketFactory(file.toString());

      // accepted (queued) but never answered: the read gives up after the timeout
      try (Socket s = factory.createSocket()) {
        s.connect(null, 1_000);
        s.setSoTimeout(300);
        long start = System.nanoTime();
        assertThatThrownBy(() -> s.getInputStream().read(new byte[16], 0, 16))
            .isInstanceOf(SocketTimeoutException.class).hasMessageContaining(file.toString());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(10));
      }

      // nobody accepts: once the listener's backlog is full, a connect waits, and gives up after its timeout
      List<Socket> queued = new java.util.ArrayList<>();
      try {
        Throwable failed = null;
        for (int i = 0; i < 16 && failed == null; i++) {
          Socket s = factory.createSocket();
          queued.add(s);
          try {
            s.connect(null, 300);
          } catch (SocketTimeoutException e) {
            failed = e;
          }
        }
        assertThat(failed).as("a connect past the full backlog times out").isNotNull()
            .hasMessageContaining("did not answer within 300 ms");
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  @Test
  @DisplayName("a socket file nobody listens on fails the connection at once")
  void deadSocketFails(@TempDir Path dir) throws Exception {
    DbUrl app = TestPostgres.freshDatabase().app();
    Path file = dir.resolve(".s.PGSQL." + app.port());
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(file));
    }
    assertThatThrownBy(() -> DatabaseBootstrap.connect(app, UnixSocketFactory.properties(file)))
        .isInstanceOf(SQLException.class);
  }

  @Test
  @DisplayName("a socket is looked for only for this host, and only a socket file counts")
  void findsOnlyLocalSockets(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(".s.PGSQL.5999");
    assertThat(UnixSocketFactory.localSocket("127.0.0.1", 5999, List.of(dir))).isEmpty();
    Files.writeString(file, "not a socket");
    assertThat(UnixSocketFactory.localSocket("127.0.0.1", 5999, List.of(dir))).isEmpty();
    Files.delete(file);
    try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listening.bind(UnixDomainSocketAddress.of(file));
      assertThat(UnixSocketFactory.localSocket("127.0.0.1", 5999, List.of(dir))).contains(file);
      assertThat(UnixSocketFactory.localSocket("localhost", 5999, List.of(dir))).contains(file);
      assertThat(UnixSocketFactory.localSocket("db.example.com", 5999, List.of(dir))).isEmpty();
      assertThat(UnixSocketFactory.localSocket("127.0.0.1", 5998, List.of(dir))).isEmpty();
    }
  }

  @Test
  @DisplayName("a socket anyone could have planted is not used: not through a symbolic link, not one of another OS user")
  void refusesPlantedSockets(@TempDir Path dir, @TempDir Path elsewhere) throws Exception {
    Path real = elsewhere.resolve(".s.PGSQL.5997");
    Path link = dir.resolve(".s.PGSQL.5997");
    try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listening.bind(UnixDomainSocketAddress.of(real));
      assertThat(UnixSocketFactory.localSocket("127.0.0.1", 5997, List.of(elsewhere))).contains(real);
      Files.createSymbolicLink(link, real);
      assertThat(UnixSocketFactory.localSocket("127.0.0.1", 5997, List.of(dir))).as("a link to a socket").isEmpty();
      // another user's socket: only the superuser can give a file away, so this part needs root (CI runs as root)
      int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      org.junit.jupiter.api.Assumptions.assumeTrue(self == 0, "giving a file to another user needs root");
      Files.setAttribute(real, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      assertThat(UnixSocketFactory.localSocket("127.0.0.1", 5997, List.of(elsewhere))).as("another user's socket").isEmpty();
    }
  }
}
