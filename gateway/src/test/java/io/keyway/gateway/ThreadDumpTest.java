package io.keyway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ThreadDumpTest {
  @Test
  @DisplayName("the dump a hanging node stop leaves names every thread with its whole stack")
  void namesThreadsWithTheirStacks() {
    String dump = TestGateway.threadDump("a test");
    assertThat(dump).startsWith("=== thread dump: a test ===")
        .contains("\"" + Thread.currentThread().getName() + "\" RUNNABLE")
        .contains("io.keyway.gateway.ThreadDumpTest.namesThreadsWithTheirStacks(ThreadDumpTest.java")
        .endsWith("=== end of thread dump ===");
  }
}
