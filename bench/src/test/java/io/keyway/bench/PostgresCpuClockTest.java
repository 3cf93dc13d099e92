package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresCpuClockTest {

  /** A /proc/PID/stat line: utime, stime, cutime and cstime are fields 14 to 17. */
  private static String stat(int pid, String name, int ppid, long utime, long stime, long cutime, long cstime) {
    return pid + " (" + name + ") S " + ppid + " " + ppid + " " + ppid + " 0 -1 4194304 1500 0 0 0 " + utime + " "
        + stime + " " + cutime + " " + cstime + " 20 0 1 0 5000 300000000 2000 18446744073709551615\n";
  }

  private static void process(Path proc, int pid, String statLine) throws IOException {
    Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(proc.resolve(Integer.toString(pid)).resolve("stat"), statLine);
  }

  /** A postmaster and the children list the kernel shows for it. */
  private static void postmaster(Path proc, int pid, String statLine, String children) throws IOException {
    process(proc, pid, statLine);
    Path task = proc.resolve(Integer.toString(pid)).resolve("task").resolve(Integer.toString(pid));
    Files.createDirectories(task);
    Files.writeString(task.resolve("children"), children);
  }

  @Test
  @DisplayName("the server's CPU is the postmaster's own and reaped children's time plus its live children's, in 10 ms ticks; a child gone since the listing counts in neither, names with spaces and parentheses parse")
  void postmasterAndChildren(@TempDir Path proc) throws Exception {
    postmaster(proc, 100, stat(100, "postgres", 1, 7, 3, 40, 10), "101 102 103\n");
    process(proc, 101, stat(101, "postgres: keyway_app (x) idle", 100, 731, 96, 5, 5));
    process(proc, 102, stat(102, "postgres: walwriter", 100, 2, 1, 0, 0));
    // 103 exited after the listing was read: no stat file

    PostgresCpuClock clock = new PostgresCpuClock(proc, "100");

    // (7 + 3 + 40 + 10) + (731 + 96) + (2 + 1) ticks; a child's own cutime/cstime is not the server's
    assertThat(clock.millis()).isEqualTo((60 + 827 + 3) * 10L);
  }

  @Test
  @DisplayName("a server with no children counts its own time; a postmaster that is gone is an error, not zero")
  void noChildrenAndGone(@TempDir Path proc) throws Exception {
    postmaster(proc, 200, stat(200, "postgres", 1, 1, 2, 3, 4), "");

    assertThat(new PostgresCpuClock(proc, "200").millis()).isEqualTo(100L);
    assertThatThrownBy(() -> new PostgresCpuClock(proc, "300").millis()).isInstanceOf(IOException.class)
        .hasMessageContaining("gone");
  }
}
