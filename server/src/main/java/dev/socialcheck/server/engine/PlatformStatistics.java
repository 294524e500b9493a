package dev.socialcheck.server.engine;

import com.google.common.base.Ticker;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * Recent behaviour of one platform: latency distribution (HdrHistogram) and answer rates over a
 * sliding window that decays in steps. The window is a ring of buckets, each covering {@code window
 * / buckets}; a bucket older than the window is subtracted from the running totals and cleared, so
 * old checks drop out and a snapshot reads the totals without merging buckets. Only checks that
 * completed on their own are recorded (a cancelled check's latency is unknown: it would have taken
 * longer).
 *
 * <p>Thread-safe; recording and reading take one short lock.
 */
public final class PlatformStatistics {
  /** Latencies are recorded in microseconds, up to this many (auto-resizing beyond). */
  private static final long MAX_TRACKED_MICROS = Duration.ofMinutes(1).toNanos() / 1000;

  /** The default extra percentile of {@link #snapshot()}. */
  private static final double DEFAULT_PERCENTILE = 95;

  private final Ticker ticker;
  private final long bucketNanos;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Bucket[] ring;

  /** The sum of the live buckets. */
  @GuardedBy("lock")
  private final Bucket window = new Bucket();

  /** The epoch of the last {@link #expire}: nothing more expires until the epoch changes. */
  @GuardedBy("lock")
  private long expiredAt = Long.MIN_VALUE;

  /**
   * A read-only view of the window.
   *
   * @param percentile the percentile asked for (0..100)
   * @param atPercentile the latency at {@code percentile}
   */
  public record Snapshot(
      long samples,
      Duration p50,
      Duration p95,
      double foundRate,
      double failureRate,
      double percentile,
      Duration atPercentile) {}

  private static final class Bucket {
    final Histogram latencies = new Histogram(MAX_TRACKED_MICROS, 2);
    long epoch = Long.MIN_VALUE;
    long samples;
    long found;
    long failures;

    Bucket() {
      latencies.setAutoResize(true);
    }

    void add(long micros, boolean found, boolean failure) {
      latencies.recordValue(micros);
      samples++;
      this.found += found ? 1 : 0;
      failures += failure ? 1 : 0;
    }

    void clear() {
      latencies.reset();
      samples = 0;
      found = 0;
      failures = 0;
    }
  }

  /**
   * @param window how far back the statistics reach
   * @param buckets how many steps the window decays in
   */
  public PlatformStatistics(Ticker ticker, Duration window, int buckets) {
    this.ticker = ticker;
    this.bucketNanos = Math.max(1, window.toNanos() / buckets);
    this.ring = new Bucket[buckets];
    for (int i = 0; i < buckets; i++) {
      ring[i] = new Bucket();
    }
  }

  /** Records a check that completed on its own. */
  public void record(CheckStatus status, Duration latency) {
    record(status, latency, ticker.read());
  }

  /**
   * Records a check that completed on its own at {@code nowNanos}, a time of this statistics'
   * ticker (the engine passes the time it read for the event, saving a clock read per check).
   */
  public void record(CheckStatus status, Duration latency, long nowNanos) {
    long epoch = Math.floorDiv(nowNanos, bucketNanos);
    long micros = Math.max(0, latency.toNanos() / 1000);
    boolean found = status == CheckStatus.FOUND;
    boolean failure =
        status == CheckStatus.ERROR
            || status == CheckStatus.TIMEOUT
            || status == CheckStatus.BLOCKED;
    synchronized (lock) {
      expire(epoch);
      Bucket bucket = ring[(int) Math.floorMod(epoch, (long) ring.length)];
      // A bucket of another epoch at this index is at least one window old: expire() cleared it.
      bucket.epoch = epoch;
      bucket.add(micros, found, failure);
      window.add(micros, found, failure);
    }
  }

  /** Drops the buckets that fell out of the window from the totals. */
  @GuardedBy("lock")
  private void expire(long epoch) {
    // Whether a bucket is out of the window depends only on the epoch: within one epoch, once is
    // enough (every check records, so this is on the hot path).
    if (epoch == expiredAt) {
      return;
    }
    expiredAt = epoch;
    for (Bucket bucket : ring) {
      if (bucket.samples > 0 && epoch - bucket.epoch >= ring.length) {
        window.latencies.subtract(bucket.latencies);
        window.samples -= bucket.samples;
        window.found -= bucket.found;
        window.failures -= bucket.failures;
        bucket.clear();
      }
    }
  }

  /** The statistics of the current window, with the p95 as the extra percentile. */
  public Snapshot snapshot() {
    return snapshot(DEFAULT_PERCENTILE);
  }

  /** The statistics of the current window, with the latency at {@code percentile} (0..100). */
  public Snapshot snapshot(double percentile) {
    long epoch = Math.floorDiv(ticker.read(), bucketNanos);
    synchronized (lock) {
      expire(epoch);
      double n = Math.max(1, window.samples);
      return new Snapshot(
          window.samples,
          latencyAt(50),
          latencyAt(95),
          window.found / n,
          window.failures / n,
          percentile,
          latencyAt(percentile));
    }
  }

  @GuardedBy("lock")
  private Duration latencyAt(double percentile) {
    return window.samples == 0
        ? Duration.ZERO
        : Duration.ofNanos(window.latencies.getValueAtPercentile(percentile) * 1000);
  }
}
