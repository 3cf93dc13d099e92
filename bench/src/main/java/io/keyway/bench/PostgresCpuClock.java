package io.keyway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The CPU time one local PostgreSQL server has used so far: its postmaster, the backends it has
 * reaped (a closed connection's CPU goes to the parent's {@code cutime}/{@code cstime}) and the
 * ones alive, from Linux's /proc in ticks of 10 ms. Read before and after a phase, the difference is
 * what the server spent on it. Only where /proc exists and the server runs on this machine.
 */
final class PostgresCpuClock {
  /** USER_HZ, the unit of /proc's CPU times: 100 on every Linux architecture Java runs on. */
  private static final long MILLIS_PER_TICK = 10;

  private final Path proc;
  private final Path postmaster;

  /** The clock of the server whose postmaster is {@code postmasterPid}, read from {@code proc} (/proc, or a test's copy). */
  PostgresCpuClock(Path proc, String postmasterPid) {
    this.proc = proc;
    this.postmaster = proc.resolve(postmasterPid);
  }

  /** The clock of the server {@code connection} is a backend of; empty off Linux. */
  static Optional<PostgresCpuClock> of(Connection connection) throws SQLException, IOException {
    if (!Files.isReadable(Path.of("/proc/self/stat"))) {
      return Optional.empty();
    }
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      Path proc = Path.of("/proc");
      Optional<String[]> backend = fields(proc.resolve(rs.getString(1)));
      return backend.map(f -> new PostgresCpuClock(proc, f[1]));
    }
  }

  /**
   * Read twice until both agree: a backend that exits between reading the postmaster and reading
   * its children would otherwise be counted in neither.
   */
  long millis() throws IOException {
    long previous = once();
    for (int attempt = 0; attempt < 5; attempt++) {
      long now = once();
      if (now == previous) {
        return now;
      }
      previous = now;
    }
    return previous;
  }

  private long once() throws IOException {
    String[] own = fields(postmaster).orElseThrow(() -> new IOException("the postmaster " + postmaster + " is gone"));
    long ticks = ticks(own, 11) + ticks(own, 12) + ticks(own, 13) + ticks(own, 14);
    String pid = postmaster.getFileName().toString();
    String children = Files.readString(postmaster.resolve("task").resolve(pid).resolve("children")).trim();
    for (String child : children.isEmpty() ? new String[0] : children.split(" ")) {
      Optional<String[]> f = fields(proc.resolve(child));
      if (f.isPresent()) {
        ticks += ticks(f.get(), 11) + ticks(f.get(), 12);
      }
    }
    return ticks * MILLIS_PER_TICK;
  }

  /**
   * The postmaster's glibc malloc tuning ({@code GLIBC_TUNABLES} and {@code MALLOC_*} variables of its
   * environment, which it inherits from whoever started it), or "none"; "unreadable" where /proc
   * does not show it.
   */
  String mallocTuning() {
    try {
      String environment = new String(Files.readAllBytes(postmaster.resolve("environ")), StandardCharsets.UTF_8);
      StringBuilder out = new StringBuilder();
      for (String variable : environment.split("\0")) {
        if (variable.startsWith("GLIBC_TUNABLES=") || variable.startsWith("MALLOC_")) {
          out.append(out.length() == 0 ? "" : " ").append(variable);
        }
      }
      return out.length() == 0 ? "none" : out.toString();
    } catch (IOException e) {
      return "unreadable";
    }
  }

  /** The fields of /proc/PID/stat after the command name, from the state on; empty if the process is gone. */
  private static Optional<String[]> fields(Path process) throws IOException {
    try {
      String stat = Files.readString(process.resolve("stat"));
      return Optional.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      // a process exiting while its file is read: the kernel answers ESRCH ("No such process")
      if (String.valueOf(e.getMessage()).contains("No such process")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static long ticks(String[] fields, int at) {
    return Long.parseLong(fields[at]);
  }
}
