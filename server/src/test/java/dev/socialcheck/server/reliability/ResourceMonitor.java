package dev.socialcheck.server.reliability;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the test JVM's heap and threads: settled readings (after garbage collection) to compare
 * before and after a scenario, and the maxima sampled while it runs (for the figures).
 *
 * <p>Tolerances, used by every scenario: after a scenario the settled heap may exceed the settled
 * heap before it by at most {@link #HEAP_TOLERANCE_BYTES} (garbage-collector noise: G1 keeps some
 * regions, caches such as Netty's buffer pools and Micrometer's meters grow once), and the live
 * thread count by at most {@link #THREAD_TOLERANCE} (pool threads that start lazily, e.g. Netty
 * event loops up to two per core). A leak of a few hundred bytes per call over thousands of calls,
 * or a thread per call, exceeds them.
 */
final class ResourceMonitor implements AutoCloseable {
  /** Settled heap growth allowed across a scenario. */
  static final long HEAP_TOLERANCE_BYTES = 24L * 1024 * 1024;

  /** Live-thread growth allowed across a scenario. */
  static final int THREAD_TOLERANCE = 6;

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final AtomicLong maxHeap = new AtomicLong();
  private final AtomicLong maxThreads = new AtomicLong();
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "reliability-sampler");
            thread.setDaemon(true);
            return thread;
          });

  private ResourceMonitor() {}

  /** Starts sampling heap and threads every 10 ms. */
  static ResourceMonitor start() {
    ResourceMonitor monitor = new ResourceMonitor();
    monitor.sample();
    monitor.sampler.scheduleAtFixedRate(monitor::sample, 10, 10, TimeUnit.MILLISECONDS);
    return monitor;
  }

  private void sample() {
    maxHeap.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
    maxThreads.accumulateAndGet(THREADS.getThreadCount(), Math::max);
  }

  /** Most heap in use seen so far (bytes, garbage included). */
  long maxHeapBytes() {
    return maxHeap.get();
  }

  /** Most live threads seen so far. */
  long maxThreads() {
    return maxThreads.get();
  }

  /** Heap in use after full collections: the live data, give or take the collector's noise. */
  static long settledHeapBytes() {
    long best = Long.MAX_VALUE;
    // Several rounds: finalizers and reference processing can free more on the second pass.
    for (int i = 0; i < 3; i++) {
      System.gc();
      best = Math.min(best, MEMORY.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  /** Live threads now. */
  static int liveThreads() {
    return THREADS.getThreadCount();
  }

  static String mebibytes(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sample();
  }
}
