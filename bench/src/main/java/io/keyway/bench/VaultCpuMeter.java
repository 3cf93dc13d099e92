package io.keyway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the CPU went during a phase, in cores (CPU seconds per second): this JVM, and within it the
 * vault's event loop, the callers' event loop and the other event loops (where pooled database
 * connections may live); this run's PostgreSQL (the postmaster, its live backends and
 * those it has reaped); everything else on the machine, which a clean run keeps near zero; and the
 * time the hypervisor gave this VM's CPUs to someone else (steal), which nothing inside shows. Read
 * from Linux's /proc (100 ticks a second, so about ±0.01 core over a 10 s phase) and the JVM's thread
 * clocks. Only where /proc exists.
 */
final class VaultCpuMeter {
  /** USER_HZ: the unit of every CPU time /proc reports, 100 on every Linux architecture Java runs on. */
  private static final double TICKS_PER_SECOND = 100;
  private static final Path PROC = Path.of("/proc");
  private static final String EVENT_LOOP_PREFIX = "vert.x-eventloop-thread-";

  /** Cumulative counters at one instant. */
  record Reading(long nanos, long jvmTicks, long postgresTicks, long machineBusyTicks, long stealTicks,
      long vaultLoopNanos, long callerLoopNanos, long otherLoopsNanos, long jvmSleeps, long postgresSleeps) {}

  /**
   * Cores used between two readings. {@code others} is the machine's busy time less this JVM and
   * PostgreSQL; {@code steal} the CPU time the VM was ready to run but the hypervisor ran another;
   * {@code jvmSleeps}, {@code postgresSleeps}: voluntary context switches a second of this JVM's threads
   * and of PostgreSQL's live processes, each a thread going to sleep to be woken again (a hand-off).
   */
  record Usage(double jvm, double vaultLoop, double callerLoop, double otherLoops, double postgres, double others,
      double steal, double jvmSleeps, double postgresSleeps) {}

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final String postmasterPid;
  private final long vaultLoopId;
  private final long callerLoopId;

  private VaultCpuMeter(String postmasterPid, long vaultLoopId, long callerLoopId) {
    this.postmasterPid = postmasterPid;
    this.vaultLoopId = vaultLoopId;
    this.callerLoopId = callerLoopId;
  }

  /** A meter of this JVM, the PostgreSQL listening on {@code postgresPort} and two named threads; empty off Linux. */
  static Optional<VaultCpuMeter> onThisMachine(int postgresPort, String vaultLoop, String callerLoop)
      throws IOException {
    if (!Files.isReadable(PROC.resolve("stat")) || !Files.isReadable(PROC.resolve("self/stat"))) {
      return Optional.empty();
    }
    String postmaster = postmasterOf(postgresPort)
        .orElseThrow(() -> new IllegalStateException("no postgres process listens on port " + postgresPort));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    return Optional.of(new VaultCpuMeter(postmaster, threadId(mx, vaultLoop), threadId(mx, callerLoop)));
  }

  Reading read() throws IOException {
    long postgres = processTicks(PROC.resolve(postmasterPid), true);
    long postgresSleeps = voluntarySwitches(PROC.resolve(postmasterPid));
    for (Path p : processes()) {
      List<String> stat = statFields(p);
      if (stat != null && stat.get(1).equals(postmasterPid)) {
        postgres += ticks(stat, false);
        postgresSleeps += voluntarySwitches(p);
      }
    }
    long jvmSleeps = 0;
    try (Stream<Path> tasks = Files.list(PROC.resolve("self/task"))) {
      for (Path task : tasks.toList()) {
        jvmSleeps += voluntarySwitches(task);
      }
    }
    long[] machine = machineTicks();
    return new Reading(System.nanoTime(), processTicks(PROC.resolve("self"), false), postgres, machine[0], machine[1],
        threads.getThreadCpuTime(vaultLoopId), threads.getThreadCpuTime(callerLoopId), otherLoopsNanos(), jvmSleeps,
        postgresSleeps);
  }

  /** A process's or thread's voluntary context switches so far (0 once it has gone). */
  private static long voluntarySwitches(Path processOrTask) {
    try {
      for (String line : Files.readAllLines(processOrTask.resolve("status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("voluntary_ctxt_switches:")) {
          return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException gone) {
      // it ended between the listing and the read
    }
    return 0;
  }

  private long otherLoopsNanos() {
    long sum = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(EVENT_LOOP_PREFIX) && info.getThreadId() != vaultLoopId
          && info.getThreadId() != callerLoopId) {
        sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return sum;
  }

  static Usage between(Reading from, Reading to) {
    double seconds = (to.nanos() - from.nanos()) / 1e9;
    double jvm = (to.jvmTicks() - from.jvmTicks()) / TICKS_PER_SECOND / seconds;
    double postgres = (to.postgresTicks() - from.postgresTicks()) / TICKS_PER_SECOND / seconds;
    double busy = (to.machineBusyTicks() - from.machineBusyTicks()) / TICKS_PER_SECOND / seconds;
    return new Usage(jvm, (to.vaultLoopNanos() - from.vaultLoopNanos()) / 1e9 / seconds,
        (to.callerLoopNanos() - from.callerLoopNanos()) / 1e9 / seconds,
        (to.otherLoopsNanos() - from.otherLoopsNanos()) / 1e9 / seconds, postgres, Math.max(0, busy - jvm - postgres),
        (to.stealTicks() - from.stealTicks()) / TICKS_PER_SECOND / seconds,
        Math.max(0, to.jvmSleeps() - from.jvmSleeps()) / seconds,
        Math.max(0, to.postgresSleeps() - from.postgresSleeps()) / seconds);
  }

  /** The mean of {@code usages}, each weighted by how long it lasted. */
  static Usage mean(List<Usage> usages, List<Duration> lasted) {
    double total = lasted.stream().mapToDouble(d -> d.toNanos()).sum();
    double[] sums = new double[9];
    for (int i = 0; i < usages.size(); i++) {
      Usage u = usages.get(i);
      double w = lasted.get(i).toNanos() / total;
      sums[0] += u.jvm() * w;
      sums[1] += u.vaultLoop() * w;
      sums[2] += u.callerLoop() * w;
      sums[3] += u.otherLoops() * w;
      sums[4] += u.postgres() * w;
      sums[5] += u.others() * w;
      sums[6] += u.steal() * w;
      sums[7] += u.jvmSleeps() * w;
      sums[8] += u.postgresSleeps() * w;
    }
    return new Usage(sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7], sums[8]);
  }

  private static long threadId(ThreadMXBean mx, String name) {
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info != null && info.getThreadName().equals(name)) {
        return info.getThreadId();
      }
    }
    throw new IllegalStateException("no thread named " + name);
  }

  private static Optional<String> postmasterOf(int port) throws IOException {
    for (Path p : processes()) {
      try {
        String[] args = Files.readString(p.resolve("cmdline"), StandardCharsets.UTF_8).split("\0");
        List<String> argList = List.of(args);
        int flag = argList.indexOf("-p");
        if (args.length > 0 && args[0].endsWith("/postgres") && flag >= 0 && flag + 1 < args.length
            && args[flag + 1].equals(Integer.toString(port))) {
          return Optional.of(p.getFileName().toString());
        }
      } catch (IOException gone) {
        // the process ended while the list was read
      }
    }
    return Optional.empty();
  }

  private static List<Path> processes() throws IOException {
    try (Stream<Path> entries = Files.list(PROC)) {
      return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
    }
  }

  /** The fields of /proc/PID/stat after the command name: [0] is the state, [1] the parent's pid. */
  private static List<String> statFields(Path process) {
    try {
      String stat = Files.readString(process.resolve("stat"), StandardCharsets.US_ASCII);
      return List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
    } catch (IOException gone) {
      return null;
    }
  }

  private static long processTicks(Path process, boolean withReapedChildren) throws IOException {
    List<String> stat = statFields(process);
    if (stat == null) {
      throw new IOException("cannot read " + process.resolve("stat"));
    }
    return ticks(stat, withReapedChildren);
  }

  /** utime + stime (fields 14 and 15 of stat), and cutime + cstime (16 and 17) when asked. */
  private static long ticks(List<String> fields, boolean withReapedChildren) {
    long own = Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12));
    return withReapedChildren ? own + Long.parseLong(fields.get(13)) + Long.parseLong(fields.get(14)) : own;
  }

  /** Of every CPU: user + nice + system + irq + softirq (busy), and steal. */
  private static long[] machineTicks() throws IOException {
    String[] cpu = Files.readAllLines(PROC.resolve("stat")).get(0).trim().split("\\s+");
    long busy = Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3]) + Long.parseLong(cpu[6])
        + Long.parseLong(cpu[7]);
    return new long[] {busy, Long.parseLong(cpu[8])};
  }
}
