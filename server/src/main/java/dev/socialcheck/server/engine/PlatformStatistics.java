package dev.socialcheck.server.engine;

import com.google.common.base.Ticker;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * Recent behaviour of one platform: latency distribution (HdrHistogram) and answer rates over a
 * sliding window that decays in steps. The window is a ring of buckets, each covering {@code window
 * / buckets}; a bucket older than the window is cleared before it is reused, so old checks drop
 * out. Only checks that completed on their own are recorded (a cancelled check's latency is
 * unknown: it would have taken longer).
 *
 * <p>Thread-safe; recording and reading take one short lock.
 */
public final class PlatformStatistics {
  /** Latencies are recorded in microseconds, up to this many (auto-resizing beyond). */
  private static final long MAX_TRACKED_MICROS = Duration.ofMinutes(1).toNanos() / 1000;

  private final Ticker ticker;
  private final long bucketNanos;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Bucket[] ring;

  /** A read-only view of the window. */
  public record Snapshot(
      long samples,
      Duration p50,
      Duration p95,
      double foundRate,
      double failureRate,
      Histogram latencies) {

    /** Latency at {@code percentile} (0..100); zero without samples. */
    public Duration latencyAt(double percentile) {
      return PlatformStatistics.percentile(latencies, samples, percentile);
    }
  }

  private static final class Bucket {
    final Histogram latencies = new Histogram(MAX_TRACKED_MICROS, 2);
    long epoch = Long.MIN_VALUE;
    long samples;
    long found;
    long failures;

    Bucket() {
      latencies.setAutoResize(true);
    }

    void reset(long newEpoch) {
      latencies.reset();
      epoch = newEpoch;
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
    long epoch = Math.floorDiv(ticker.read(), bucketNanos);
    synchronized (lock) {
      Bucket bucket = ring[(int) Math.floorMod(epoch, (long) ring.length)];
      if (bucket.epoch != epoch) {
        bucket.reset(epoch);
      }
      bucket.latencies.recordValue(Math.max(0, latency.toNanos() / 1000));
      bucket.samples++;
      if (status == CheckStatus.FOUND) {
        bucket.found++;
      } else if (status == CheckStatus.ERROR
          || status == CheckStatus.TIMEOUT
          || status == CheckStatus.BLOCKED) {
        bucket.failures++;
      }
    }
  }

  /** The statistics of the current window. */
  public Snapshot snapshot() {
    long epoch = Math.floorDiv(ticker.read(), bucketNanos);
    Histogram merged = new Histogram(MAX_TRACKED_MICROS, 2);
    merged.setAutoResize(true);
    long samples = 0;
    long found = 0;
    long failures = 0;
    synchronized (lock) {
      for (Bucket bucket : ring) {
        if (bucket.samples > 0 && epoch - bucket.epoch < ring.length) {
          merged.add(bucket.latencies);
          samples += bucket.samples;
          found += bucket.found;
          failures += bucket.failures;
        }
      }
    }
    double n = Math.max(1, samples);
    return new Snapshot(
        samples,
        percentile(merged, samples, 50),
        percentile(merged, samples, 95),
        found / n,
        failures / n,
        merged);
  }

  private static Duration percentile(Histogram histogram, long samples, double percentile) {
    return samples == 0
        ? Duration.ZERO
        : Duration.ofNanos(histogram.getValueAtPercentile(percentile) * 1000);
  }
}
