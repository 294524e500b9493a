package dev.socialcheck.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.Hashing;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The five platforms of target 6: what each answers for an address and how long it takes. The
 * loopback {@link PlatformFleet} serves them over HTTP; {@link BenchCatalogs}'s {@code fleet-sim}
 * catalog simulates them with timers (scenario c). Both read this one model, so the scenarios
 * differ only in how a probe travels.
 *
 * <p>The answer is deterministic (a hash of the address and the platform id against the platform's
 * FOUND share); the latency is drawn afresh for every request from the platform's {@link Latency}
 * distribution.
 */
final class FleetModel {

  /**
   * A latency distribution: log-normal with this median and this 99th percentile (equal: fixed).
   */
  record Latency(double medianMillis, double p99Millis) {
    /** z of the 99th percentile of the standard normal distribution. */
    private static final double Z99 = 2.3263;

    Latency {
      if (!(medianMillis >= 0) || !(p99Millis >= medianMillis)) {
        throw new IllegalArgumentException(
            "need 0 <= median <= p99, got " + medianMillis + ", " + p99Millis);
      }
    }

    /**
     * Parses {@code MEDIAN/P99} in milliseconds ({@code 100/400}), or {@code MILLIS} for a fixed
     * latency.
     */
    static Latency parse(String text) {
      String[] parts = text.trim().split("/", -1);
      try {
        double median = Double.parseDouble(parts[0]);
        return new Latency(median, parts.length > 1 ? Double.parseDouble(parts[1]) : median);
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new IllegalArgumentException("latency must be MEDIAN/P99 in ms, got " + text, e);
      }
    }

    /** A latency drawn at random, in nanoseconds. */
    long drawNanos() {
      if (p99Millis == medianMillis) {
        return Math.round(medianMillis * 1e6);
      }
      double sigma = Math.log(p99Millis / medianMillis) / Z99;
      double gaussian = ThreadLocalRandom.current().nextGaussian();
      return Math.round(medianMillis * Math.exp(sigma * gaussian) * 1e6);
    }

    /** This distribution with every figure multiplied by {@code factor}. */
    Latency scaled(double factor) {
      return new Latency(medianMillis * factor, p99Millis * factor);
    }

    @Override
    public String toString() {
      return medianMillis == p99Millis
          ? Report.fmt(medianMillis) + " ms fixed"
          : String.format(
              Locale.ROOT,
              "log-normal, median %s ms, p99 %s ms",
              fmt(medianMillis),
              fmt(p99Millis));
    }

    private static String fmt(double millis) {
      return Report.fmt(millis);
    }
  }

  /**
   * One platform.
   *
   * @param id platform id (also its path on the fleet)
   * @param prior the catalog's prior (orders HEDGED)
   * @param foundShare share of addresses the platform answers FOUND for
   * @param latencyFactor this platform's latencies relative to the fleet's distribution
   * @param twoStep whether a check needs a token page first (a cookie and a CSRF token)
   */
  record Platform(
      String id, double prior, double foundShare, double latencyFactor, boolean twoStep) {}

  /** The five platforms, likeliest first; {@code forum} takes two requests. */
  static final List<Platform> PLATFORMS =
      List.of(
          new Platform("social", 0.50, 0.50, 1.0, false),
          new Platform("video", 0.30, 0.30, 1.2, false),
          new Platform("shop", 0.20, 0.20, 0.8, false),
          new Platform("forum", 0.15, 0.15, 0.6, true),
          new Platform("code", 0.10, 0.10, 1.5, false));

  /** Default latency distribution: a median of 100 ms, a p99 of 400 ms. */
  static final Latency DEFAULT_LATENCY = new Latency(100, 400);

  private final Latency latency;

  FleetModel(Latency latency) {
    this.latency = latency;
  }

  Latency latency() {
    return latency;
  }

  /** The platform's latency distribution (per request: a two-step check pays it twice). */
  Latency latency(Platform platform) {
    return latency.scaled(platform.latencyFactor());
  }

  /** Whether {@code platformId} has an account for {@code email}: same inputs, same answer. */
  static boolean found(String platformId, String email) {
    long key = Hashing.murmur3_128(6).hashString(email + '\u0000' + platformId, UTF_8).asLong();
    double share = platform(platformId).foundShare();
    return new SplittableRandom(key).nextDouble() < share;
  }

  /** The platform with this id. */
  static Platform platform(String id) {
    for (Platform p : PLATFORMS) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no fleet platform " + id);
  }
}
