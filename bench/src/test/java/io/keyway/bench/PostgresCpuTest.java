package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresCpuTest {

  @Test
  @DisplayName("a /proc stat line gives the parent pid and utime + stime, even with spaces and parentheses in the name")
  void statLine(@TempDir Path dir) throws Exception {
    Path stat = dir.resolve("stat");
    Files.writeString(stat, "4242 (postgres: keyway_app (x) idle) S 4100 4100 4100 0 -1 4194304 1500 0 0 0 "
        + "731 96 0 0 20 0 1 0 5000 300000000 2000 18446744073709551615\n");

    assertThat(PostgresCpu.stat(stat)).containsExactly(4100L, 827L);
    assertThat(PostgresCpu.stat(dir.resolve("gone"))).isNull();
  }
}
