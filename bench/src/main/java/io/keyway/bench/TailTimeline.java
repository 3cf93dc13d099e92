package io.keyway.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * A diagnostic for an open-loop phase's tail ({@code -Dbench.timeline=true}): latencies counted per
 * 100 ms slice of due time, beside this JVM's collector pauses in the same slice, so a run shows
 * whether its slow resolves line up with pauses or are spread over time. Records on one thread (the
 * callers' event loop); pauses arrive on the JMX notification thread.
 */
final class TailTimeline implements AutoCloseable {
  static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private record Pause(long startNanos, long durationNanos, String name) {}

  private final long origin;
  private final long thresholdNanos;
  private final String noun;
  private final long uptimeOffsetNanos;
  private final ConcurrentLinkedQueue<Pause> pauses = new ConcurrentLinkedQueue<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = (notification, handback) -> {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      pauses.add(new Pause(TailTimeline.this.uptimeToNanos(info.getGcInfo().getStartTime()),
          TimeUnit.MILLISECONDS.toNanos(info.getGcInfo().getDuration()), info.getGcName()));
    }
  };
  private long[] count = new long[64];
  private long[] over = new long[64];
  private long[] max = new long[64];

  TailTimeline(long origin, long thresholdNanos) {
    this(origin, thresholdNanos, "resolves");
  }

  /** {@code noun}: what one recorded answer is called in the printout ("resolves", "appends"). */
  TailTimeline(long origin, long thresholdNanos, String noun) {
    this.origin = origin;
    this.thresholdNanos = thresholdNanos;
    this.noun = noun;
    this.uptimeOffsetNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(
        ManagementFactory.getRuntimeMXBean().getUptime());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  private long uptimeToNanos(long uptimeMillis) {
    return uptimeOffsetNanos + TimeUnit.MILLISECONDS.toNanos(uptimeMillis);
  }

  /** One answered resolve, due at {@code dueAt}, taking {@code latencyNanos}. */
  void record(long dueAt, long latencyNanos) {
    int slice = (int) Math.max(0, (dueAt - origin) / SLICE_NANOS);
    if (slice >= count.length) {
      int size = Math.max(slice + 1, count.length * 2);
      count = java.util.Arrays.copyOf(count, size);
      over = java.util.Arrays.copyOf(over, size);
      max = java.util.Arrays.copyOf(max, size);
    }
    count[slice]++;
    if (latencyNanos > thresholdNanos) {
      over[slice]++;
    }
    max[slice] = Math.max(max[slice], latencyNanos);
  }

  /** The slices with a resolve over the threshold, each beside the pauses that started in it, and a summary. */
  void print(PrintStream out, String phase) {
    long total = 0;
    long totalOver = 0;
    long overInPausedSlices = 0;
    int slowSlices = 0;
    int slowSlicesWithPause = 0;
    List<Pause> all = new ArrayList<>(pauses);
    out.printf(Locale.ROOT, "timeline of %s: 100 ms slices with one of the %s over %.1f ms (due time from the phase's start)%n",
        phase, noun, thresholdNanos / 1e6);
    for (int s = 0; s < count.length; s++) {
      total += count[s];
      totalOver += over[s];
      if (over[s] == 0) {
        continue;
      }
      long from = origin + s * SLICE_NANOS - SLICE_NANOS / 2; // a pause just before the slice delays it too
      long to = origin + (s + 1) * SLICE_NANOS;
      double pausedMillis = 0;
      StringBuilder names = new StringBuilder();
      for (Pause p : all) {
        if (p.startNanos() >= from && p.startNanos() < to) {
          pausedMillis += p.durationNanos() / 1e6;
          names.append(names.length() == 0 ? "" : ", ").append(p.name());
        }
      }
      slowSlices++;
      if (pausedMillis > 0) {
        slowSlicesWithPause++;
        overInPausedSlices += over[s];
      }
      out.printf(Locale.ROOT, "  +%6.1f s  %5d %s  %4d over  max %7.2f ms  pauses %5.1f ms %s%n",
          s * SLICE_NANOS / 1e9, count[s], noun, over[s], max[s] / 1e6, pausedMillis, names);
    }
    out.printf(Locale.ROOT, "  %d of %d %s over %.1f ms, in %d slices; %d of those slices (%d %s) had a"
        + " collector pause in or just before them; %d pauses in the phase%n",
        totalOver, total, noun, thresholdNanos / 1e6, slowSlices, slowSlicesWithPause, overInPausedSlices, noun,
        all.stream().filter(p -> p.startNanos() >= origin).count());
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException gone) {
        // already removed
      }
    }
  }
}
