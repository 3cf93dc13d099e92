package io.keyway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used by one local PostgreSQL server: the postmaster and its children (backends, WAL
 * writer, checkpointer, autovacuum…), read from {@code /proc/<pid>/stat} (Linux). A child that has
 * exited no longer counts, so read it around phases whose connections stay open (the pools do).
 */
final class PostgresCpu {
  /** {@code utime} and {@code stime} are counted in clock ticks of 1/100 s on Linux. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final long postmasterPid;

  private PostgresCpu(long postmasterPid) {
    this.postmasterPid = postmasterPid;
  }

  /** The server one of whose backends is {@code backendPid}; null where there is no {@code /proc}. */
  static PostgresCpu ofBackend(long backendPid) {
    long[] stat = stat(Path.of("/proc", Long.toString(backendPid), "stat"));
    return stat == null ? null : new PostgresCpu(stat[0]);
  }

  /** CPU time of the postmaster and its children so far, in nanoseconds. */
  long nanosSoFar() {
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long[] stat = stat(p.resolve("stat"));
        if (stat != null && (stat[0] == postmasterPid || Long.parseLong(name) == postmasterPid)) {
          ticks += stat[1];
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * NANOS_PER_TICK;
  }

  /** The parent pid and utime + stime of one process, or null if it is gone or unreadable. */
  static long[] stat(Path file) {
    String s;
    try {
      s = Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])};
  }
}
