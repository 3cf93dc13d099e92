package io.keyway.ledger;

import io.keyway.config.DbUrl;
import io.keyway.config.db.DatabaseBootstrap;
import io.keyway.config.db.Schemas;
import io.keyway.config.db.UnixSocketFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a whole chain (blocking: run it on a worker). Reads as the runtime role in read-only
 * transactions scoped to the tenant, so it sees exactly what row level security lets the
 * application see, all as of one snapshot: the first transaction exports it
 * ({@code pg_export_snapshot()}), the others take it up ({@code SET TRANSACTION SNAPSHOT}).
 *
 * <p>A long chain is read as consecutive seq ranges of its blocks at once, one binary {@code COPY}
 * in seq order per range on its own connection, so PostgreSQL works on every core too; each block
 * comes as one {@code COPY} row and is cut into its entries ({@link BinaryCopyReader}). Each entry's
 * own hash and columns are checked on every core (an entry's {@code prev_hash} is in its block, so
 * this needs no neighbour); each range is walked in order on its reading thread ({@link ChainVerifier.Segment});
 * the ranges are then joined in seq order, which names the first bad seq exactly as one walk over
 * the whole chain would.
 *
 * <p>For a chain of 10,000 entries or more, where the URL names this host and PostgreSQL's Unix-domain socket for its port exists ({@link
 * UnixSocketFactory#DEFAULT_DIRECTORIES}), the ranges are read over that socket, which costs both
 * sides less kernel time than loopback TCP; the first connection (TCP, as configured) exports the
 * snapshot and tells when its server started, and every socket connection must answer the same
 * start and take up that snapshot, or the verification reads over TCP as before.
 */
public final class LedgerVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerifier.class);
  /** Entries handed to a checking thread at a time (whole blocks: one more block at most). */
  private static final int CHUNK = 2_048;
  /** Chunks a range reads ahead of its walk, which bounds the memory a verification holds. */
  private static final int AHEAD = 8;
  /** Connections one verification opens at most. */
  private static final int MAX_RANGES = 4;
  /** Entries a range holds at least: a chain shorter than twice this is read in one range. */
  private static final long MIN_RANGE_ROWS = 50_000;
  /**
   * Entries a chain holds at least before it is read over the Unix-domain socket: that takes one
   * connection more (the TCP one that proves the server), which costs about what the socket saves
   * on 10,000 entries (0.15 µs each).
   */
  private static final long SOCKET_MIN_ENTRIES = 10_000;

  /** How a verification read its ranges. */
  public enum Transport { UNIX_SOCKET, TCP }

  private final DbUrl url;
  private final CheckpointSigner signer;
  private final List<Path> socketDirectories;
  private final long socketMinEntries;
  /** How the last verification read (for tests). */
  private volatile Transport lastTransport;

  public LedgerVerifier(DbUrl url, CheckpointSigner signer) {
    this(url, signer, UnixSocketFactory.DEFAULT_DIRECTORIES);
  }

  /** Looking for the server's Unix-domain socket in {@code socketDirectories} only (none: always TCP). */
  public LedgerVerifier(DbUrl url, CheckpointSigner signer, List<Path> socketDirectories) {
    this(url, signer, socketDirectories, SOCKET_MIN_ENTRIES);
  }

  /** The same, reading over the socket from chains of {@code socketMinEntries} on (tests: short chains too). */
  LedgerVerifier(DbUrl url, CheckpointSigner signer, List<Path> socketDirectories, long socketMinEntries) {
    this.url = url;
    this.signer = signer;
    this.socketDirectories = List.copyOf(socketDirectories);
    this.socketMinEntries = socketMinEntries;
  }

  public Transport lastTransport() {
    return lastTransport;
  }

  public VerifyReport verify(UUID tenantId, Optional<Checkpoint> checkpoint) throws SQLException {
    return verify(tenantId, checkpoint, 0);
  }

  /** With {@code ranges} seq ranges read at once, or as many as the cores and the chain's length suggest if 0. */
  VerifyReport verify(UUID tenantId, Optional<Checkpoint> checkpoint, int ranges) throws SQLException {
    long start = System.nanoTime();
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    ChainVerifier chain = new ChainVerifier(tenantId, checkpoint);
    List<Connection> connections = new ArrayList<>();
    ExecutorService checkers = Executors.newFixedThreadPool(cores, threads("ledger-verify-" + tenantId));
    ExecutorService readers = null;
    try {
      Connection first = open(tenantId, null, new Properties());
      connections.add(first);
      String snapshot;
      long lastSeq;
      String started;
      try (Statement s = first.createStatement(); ResultSet rs = s.executeQuery(LedgerSql.chainExtent(tenantId))) {
        rs.next();
        snapshot = rs.getString(1);
        lastSeq = rs.getLong(2);
        started = rs.getString(3);
      }
      int n = ranges > 0 ? ranges
          : (int) Math.max(1, Math.min(Math.min(MAX_RANGES, Math.max(2, cores)), lastSeq / MIN_RANGE_ROWS));
      List<Connection> rangeConnections =
          lastSeq >= socketMinEntries ? overUnixSocket(tenantId, snapshot, started, n) : List.of();
      if (rangeConnections.isEmpty()) {
        lastTransport = Transport.TCP;
        rangeConnections = new ArrayList<>(List.of(first));
        for (int i = 1; i < n; i++) {
          Connection c = open(tenantId, snapshot, new Properties());
          connections.add(c);
          rangeConnections.add(c);
        }
      } else {
        lastTransport = Transport.UNIX_SOCKET;
        connections.addAll(rangeConnections);
        // every range took up the snapshot; the exporting transaction is no longer needed
        closeQuietly(first);
      }
      readers = Executors.newFixedThreadPool(n, threads("ledger-verify-read-" + tenantId));
      AtomicInteger firstFailed = new AtomicInteger(Integer.MAX_VALUE);
      ThreadLocal<ChainVerifier.Checker> checkerOfThread =
          ThreadLocal.withInitial(() -> new ChainVerifier.Checker(tenantId));
      List<ChainVerifier.Segment> segments = new ArrayList<>();
      List<Future<?>> reads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ChainVerifier.Segment segment = chain.segment();
        segments.add(segment);
        Range range = new Range(i, i == 0 ? null : lastSeq * i / n, i == n - 1 ? null : lastSeq * (i + 1) / n);
        Connection c = rangeConnections.get(i);
        reads.add(readers.submit(() -> {
          range.read(c, tenantId, segment, checkers, checkerOfThread, firstFailed);
          return null;
        }));
      }
      for (Future<?> read : reads) {
        await(read, firstFailed);
      }
      return chain.finish(segments, checkpoint, signer, (System.nanoTime() - start) / 1_000_000);
    } finally {
      checkers.shutdownNow();
      if (readers != null) {
        readers.shutdownNow();
      }
      for (Connection c : connections) {
        closeQuietly(c);
      }
    }
  }

  /**
   * {@code n} connections over the server's Unix-domain socket on the snapshot, each proven to be
   * to the server that exported it; none if there is no such socket or any of them fails.
   */
  private List<Connection> overUnixSocket(UUID tenantId, String snapshot, String started, int n) {
    Optional<Path> socket = UnixSocketFactory.localSocket(url.host(), url.port(), socketDirectories);
    if (socket.isEmpty()) {
      return List.of();
    }
    Properties viaSocket = UnixSocketFactory.properties(socket.get());
    List<Connection> opened = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        // a server that did not export the snapshot refuses it; the start time rules out the rest
        Connection c = open(tenantId, snapshot, viaSocket);
        opened.add(c);
        String theirs;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + LedgerSql.SERVER_STARTED)) {
          rs.next();
          theirs = rs.getString(1);
        }
        if (!started.equals(theirs)) {
          throw new SQLException("another server answers on " + socket.get());
        }
      }
      return opened;
    } catch (SQLException e) {
      LOG.debug("Verifying over TCP: the Unix-domain socket {} did not serve ({})", socket.get(), e.getMessage());
      for (Connection c : opened) {
        closeQuietly(c);
      }
      return List.of();
    }
  }

  /** A read-only transaction of the runtime role, scoped to the tenant, on the given snapshot or a new one. */
  private Connection open(UUID tenantId, String snapshot, Properties transport) throws SQLException {
    Connection c = DatabaseBootstrap.connect(url, transport);
    try {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      if (snapshot != null) {
        try (PreparedStatement take = c.prepareStatement(LedgerSql.takeSnapshot(snapshot))) {
          take.execute();
        }
      }
      try (PreparedStatement set = c.prepareStatement("SELECT set_config('" + Schemas.TENANT_SETTING + "', ?, true)")) {
        set.setString(1, tenantId.toString());
        set.execute();
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Rows with {@code after < seq <= upTo} (no bound where null), read, checked and walked in order. */
  private record Range(int index, Long after, Long upTo) {
    void read(Connection c, UUID tenantId, ChainVerifier.Segment segment, ExecutorService checkers,
        ThreadLocal<ChainVerifier.Checker> checkerOfThread, AtomicInteger firstFailed) throws SQLException {
      CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut(LedgerSql.chainCopy(tenantId, after, upTo));
      Deque<Chunk> ahead = new ArrayDeque<>();
      boolean going = true;
      try {
        BinaryCopyReader reader = new BinaryCopyReader(copy::readFromCopy);
        boolean more = true;
        while (going && more) {
          Chunk chunk = new Chunk(new ChainRows(CHUNK));
          more = reader.fill(chunk.rows);
          if (chunk.rows.size() > 0) {
            ahead.add(chunk.check(checkerOfThread, checkers));
          }
          while (going && (ahead.size() >= AHEAD || (!more && !ahead.isEmpty()))) {
            going = ahead.poll().feed(segment) && firstFailed.get() > index;
          }
        }
        if (!going) {
          firstFailed.accumulateAndGet(index, Math::min);
        }
      } finally {
        if (copy.isActive()) {
          cancel(copy);
        }
      }
    }
  }

  // Stopping at the first bad row cancels the rest of the COPY, which the server reports as an
  // error: the verdict is in by then.
  private static void cancel(CopyOut copy) {
    try {
      copy.cancelCopy();
    } catch (SQLException e) {
      // the connection is closed right after; nothing it would still read matters
    }
  }

  /** Consecutive rows and, once checked, each one's {@link ChainVerifier.Checker#content} verdict. */
  private static final class Chunk {
    final ChainRows rows;
    Future<byte[]> verdicts;

    Chunk(ChainRows rows) {
      this.rows = rows;
    }

    Chunk check(ThreadLocal<ChainVerifier.Checker> checkerOfThread, ExecutorService checkers) {
      verdicts = checkers.submit(() -> {
        ChainVerifier.Checker checker = checkerOfThread.get();
        byte[] out = new byte[rows.size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = checker.content(rows, i);
        }
        return out;
      });
      return this;
    }

    /** The rows in order into the walk; false once it found a problem. */
    boolean feed(ChainVerifier.Segment segment) throws SQLException {
      byte[] v = get(verdicts);
      for (int i = 0; i < v.length; i++) {
        if (!segment.accept(rows, i, v[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private static <T> T get(Future<T> f) throws SQLException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("verification interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new SQLException("checking entries failed: " + e.getCause(), e.getCause());
    }
  }

  /** Waits for one range; if it failed to read, the others stop at their next chunk. */
  private static void await(Future<?> read, AtomicInteger firstFailed) throws SQLException {
    try {
      get(read);
    } catch (SQLException e) {
      firstFailed.set(-1);
      throw e;
    }
  }

  private static ThreadFactory threads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // closing a read-only transaction loses nothing
    }
  }
}
