package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keyway.config.DbUrl;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.EmbeddedPostgresServer;
import io.keyway.config.db.UnixSocketFactory;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Where the verifier reads: the server's Unix-domain socket when it is the same server, TCP otherwise. */
@ExtendWith(VertxExtension.class)
class LedgerVerifierTransportTest {
  private static LedgerFixture ledger;
  private static UUID tenant;
  private static UUID other;

  @BeforeAll
  static void deploy(Vertx vertx) {
    ledger = LedgerFixture.deploy(vertx);
    tenant = UUID.randomUUID();
    other = UUID.randomUUID();
    ledger.seed(tenant, UUID.randomUUID(), 25);
    ledger.seed(other, UUID.randomUUID(), 7);
    ledger.signNow(tenant);
  }

  @AfterAll
  static void close() {
    ledger.close();
  }

  @Test
  @DisplayName("on a server with a Unix-domain socket, the ranges are read over it, scoped to the tenant, with the report TCP gives")
  void readsOverTheUnixSocket() throws Exception {
    assumeTrue(UnixSocketFactory.localSocket(ledger.db.app().host(), ledger.db.app().port(),
        UnixSocketFactory.DEFAULT_DIRECTORIES).isPresent(), "the test server has no Unix-domain socket here (a container)");
    Optional<Checkpoint> newest = ledger.checkpoints.newest(tenant).await();
    for (int ranges = 1; ranges <= 3; ranges++) {
      LedgerVerifier socket = new LedgerVerifier(ledger.db.app(), ledger.signer, UnixSocketFactory.DEFAULT_DIRECTORIES, 0);
      VerifyReport overSocket = socket.verify(tenant, newest, ranges);
      assertThat(socket.lastTransport()).isEqualTo(LedgerVerifier.Transport.UNIX_SOCKET);

      LedgerVerifier tcp = new LedgerVerifier(ledger.db.app(), ledger.signer, List.of());
      VerifyReport overTcp = tcp.verify(tenant, newest, ranges);
      assertThat(tcp.lastTransport()).isEqualTo(LedgerVerifier.Transport.TCP);

      assertThat(overSocket.ok()).as(overSocket.problem()).isTrue();
      assertThat(overSocket.entries()).isEqualTo(25);
      assertThat(overSocket.headHash()).isEqualTo(overTcp.headHash());
      assertThat(overSocket.checkpoint()).isEqualTo(overTcp.checkpoint());
    }
    // the other tenant's chain, over the same socket: only its own 7 entries
    LedgerVerifier socket = new LedgerVerifier(ledger.db.app(), ledger.signer, UnixSocketFactory.DEFAULT_DIRECTORIES, 0);
    VerifyReport theirs = socket.verify(other, Optional.empty(), 2);
    assertThat(socket.lastTransport()).isEqualTo(LedgerVerifier.Transport.UNIX_SOCKET);
    assertThat(theirs.ok()).as(theirs.problem()).isTrue();
    assertThat(theirs.entries()).isEqualTo(7);
  }

  @Test
  @DisplayName("a chain shorter than 10,000 entries is read over TCP: the socket would not pay for the connection that proves it")
  void shortChainReadsOverTcp() throws Exception {
    assertVerifiedOverTcp(new LedgerVerifier(ledger.db.app(), ledger.signer));
  }

  @Test
  @DisplayName("a socket file nobody listens on: the verification reads over TCP and still verifies")
  void deadSocketFallsBackToTcp(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(".s.PGSQL." + ledger.db.app().port());
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(file));
    }
    assertThat(Files.exists(file)).isTrue();
    assertVerifiedOverTcp(new LedgerVerifier(ledger.db.app(), ledger.signer, List.of(dir), 0));
  }

  @Test
  @DisplayName("another server behind the socket's name, with the same database, role and password: the verification reads over TCP")
  void anotherServersSocketFallsBackToTcp(@TempDir Path dir) throws Exception {
    DbUrl app = ledger.db.app();
    try (EmbeddedPostgresServer another = EmbeddedPostgresServer.startEphemeral()) {
      Optional<Path> theirs = UnixSocketFactory.localSocket("127.0.0.1", another.port(), UnixSocketFactory.DEFAULT_DIRECTORIES);
      assumeTrue(theirs.isPresent(), "the embedded server has no Unix-domain socket here");
      try (Connection c = DatabaseBootstrap.connect(another.superuserUrl("postgres")); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE " + app.user() + " LOGIN PASSWORD '" + app.password() + "'");
        s.execute("CREATE DATABASE " + app.database() + " OWNER " + app.user());
      }
      Files.createSymbolicLink(dir.resolve(".s.PGSQL." + app.port()), theirs.get());
      assertVerifiedOverTcp(new LedgerVerifier(ledger.db.app(), ledger.signer, List.of(dir), 0));
    }
  }

  /** The chain is read over TCP, in two ranges, and verifies. */
  private static void assertVerifiedOverTcp(LedgerVerifier verifier) throws Exception {
    VerifyReport report = verifier.verify(tenant, ledger.checkpoints.newest(tenant).await(), 2);
    assertThat(verifier.lastTransport()).isEqualTo(LedgerVerifier.Transport.TCP);
    assertThat(report.ok()).as(report.problem()).isTrue();
    assertThat(report.entries()).isEqualTo(25);
  }
}
