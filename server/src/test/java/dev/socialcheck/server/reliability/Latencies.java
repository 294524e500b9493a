package dev.socialcheck.server.reliability;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/** Latencies of a set of calls, for percentiles. Not thread-safe: fill it from one thread. */
final class Latencies {
  private long[] nanos = new long[256];
  private int size;

  void add(long latencyNanos) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = latencyNanos;
  }

  int count() {
    return size;
  }

  /** The {@code q} quantile (nearest rank), e.g. 0.99; fails when empty. */
  Duration percentile(double q) {
    if (size == 0) {
      throw new IllegalStateException("no latencies");
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * size);
    return Duration.ofNanos(sorted[Math.max(0, Math.min(size - 1, rank - 1))]);
  }

  @Override
  public String toString() {
    if (size == 0) {
      return "none";
    }
    return String.format(
        Locale.ROOT,
        "n=%d p50=%dms p99=%dms max=%dms",
        size,
        percentile(0.5).toMillis(),
        percentile(0.99).toMillis(),
        percentile(1).toMillis());
  }
}
