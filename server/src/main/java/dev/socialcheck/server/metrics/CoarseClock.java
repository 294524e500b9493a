package dev.socialcheck.server.metrics;

import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A Micrometer {@link Clock} whose wall time is read from the system every {@code resolution} by a
 * timer instead of on every use.
 *
 * <p>Micrometer reads the wall time twice per timer record (to rotate the time windows of the
 * histogram and of the maximum), and the server records five timers per call: ten clock reads per
 * call, about 7 % of a call's CPU in {@code ServerCallBenchmark}'s profile. Those windows turn over
 * every 40 seconds by default, so a wall time that is up to {@code resolution} (100 ms) old changes
 * nothing a scrape shows. The monotonic time, which measures durations, is read each time as usual.
 *
 * <p>Closing it stops the refresh; the wall time then stays what it was last.
 */
public final class CoarseClock implements Clock, AutoCloseable {
  /** How old the wall time may be: far below Micrometer's rotation periods (seconds). */
  public static final Duration DEFAULT_RESOLUTION = Duration.ofMillis(100);

  private final ScheduledExecutorService timers;
  private final long resolutionNanos;
  private final LongSupplier wallSource;
  private final Object lock = new Object();
  private volatile long wallMillis;
  private boolean closed;
  private @Nullable Future<?> next;

  private CoarseClock(
      ScheduledExecutorService timers, Duration resolution, LongSupplier wallSource) {
    this.timers = timers;
    this.resolutionNanos = resolution.toNanos();
    this.wallSource = wallSource;
  }

  /** A clock refreshed every {@link #DEFAULT_RESOLUTION} on {@code timers}. */
  public static CoarseClock start(ScheduledExecutorService timers) {
    return start(timers, DEFAULT_RESOLUTION, System::currentTimeMillis);
  }

  /**
   * A clock whose wall time is {@code wallSource} (milliseconds since the epoch), read now and then
   * every {@code resolution} on {@code timers}.
   */
  public static CoarseClock start(
      ScheduledExecutorService timers, Duration resolution, LongSupplier wallSource) {
    if (resolution.isNegative() || resolution.isZero()) {
      throw new IllegalArgumentException("resolution must be positive: " + resolution);
    }
    CoarseClock clock = new CoarseClock(timers, resolution, wallSource);
    clock.refresh();
    return clock;
  }

  private void refresh() {
    wallMillis = wallSource.getAsLong();
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        next = timers.schedule(this::refresh, resolutionNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // The timers are shutting down: so is the server, the wall time stays as it is.
        next = null;
      }
    }
  }

  @Override
  public long wallTime() {
    return wallMillis;
  }

  @Override
  public long monotonicTime() {
    return System.nanoTime();
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (next != null) {
        next.cancel(false);
        next = null;
      }
    }
  }
}
