package dev.socialcheck.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The "realistic mix" of target 4: per-platform latencies drawn from log-normal distributions with
 * a heavy slow tail, answers drawn from the priors.
 *
 * <p>Deterministic: the latency and answer of a platform for an address depend only on the seed,
 * the address and the platform id. So every strategy sees exactly the same scenario for the same
 * address (common random numbers), the server and the driver agree on it, and two runs with the
 * same seed replay the same traffic.
 *
 * <p>The parameters were fixed before the first measurement and are not tuned to any target.
 */
final class MixModel {

  /**
   * One platform of the mix.
   *
   * @param id platform id
   * @param prior share of addresses with an account there; also the chance of FOUND
   * @param medianMillis median latency of the body of the distribution
   * @param sigma log-normal shape of the body
   * @param slowShare chance that a check falls into the slow tail (1 % to 5 %)
   * @param slowMedianMillis median latency of the slow tail (log-normal, sigma {@code slowSigma})
   * @param slowSigma log-normal shape of the slow tail
   */
  record PlatformSpec(
      String id,
      double prior,
      double medianMillis,
      double sigma,
      double slowShare,
      double slowMedianMillis,
      double slowSigma) {}

  /** Every check times out after this, as a real platform would. */
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** The mix, likeliest first. Priors: users / ~4.5 billion internet users. */
  static final List<PlatformSpec> PLATFORMS =
      List.of(
          new PlatformSpec("facebook", 0.60, 150, 0.35, 0.02, 1200, 0.5),
          new PlatformSpec("instagram", 0.44, 180, 0.40, 0.03, 1500, 0.5),
          new PlatformSpec("linkedin", 0.22, 250, 0.45, 0.05, 2000, 0.5),
          new PlatformSpec("twitter", 0.073, 200, 0.50, 0.05, 2000, 0.5),
          new PlatformSpec("github", 0.022, 100, 0.30, 0.01, 800, 0.5));

  /** What one platform does for one address. */
  record Draw(long latencyNanos, boolean found) {}

  private final long seed;
  private final HashFunction hash;

  MixModel(long seed) {
    this.seed = seed;
    this.hash = Hashing.murmur3_128((int) (seed ^ (seed >>> 32)));
  }

  long seed() {
    return seed;
  }

  /** The draw of {@code platform} for {@code email}: same inputs, same draw. */
  Draw draw(String email, PlatformSpec platform) {
    long key = hash.hashString(email + '\u0000' + platform.id(), UTF_8).asLong();
    SplittableRandom random = new SplittableRandom(key ^ seed);
    boolean found = random.nextDouble() < platform.prior();
    boolean slow = random.nextDouble() < platform.slowShare();
    double median = slow ? platform.slowMedianMillis() : platform.medianMillis();
    double sigma = slow ? platform.slowSigma() : platform.sigma();
    double millis = median * Math.exp(sigma * random.nextGaussian());
    return new Draw(Math.max(1, Math.round(millis * 1e6)), found);
  }

  /** The {@code q} quantile of a platform's latency, estimated from {@code samples} draws. */
  long latencyQuantileNanos(PlatformSpec platform, double q, int samples) {
    long[] values = new long[samples];
    for (int i = 0; i < samples; i++) {
      values[i] = draw("quantile" + i + "@model.invalid", platform).latencyNanos();
    }
    Arrays.sort(values);
    return values[(int) Math.min(samples - 1, Math.floor(q * samples))];
  }

  /** The address of the {@code i}-th request of the mix. */
  static String address(long i) {
    return "m" + i + "@mix.example";
  }

  /** Outcome of one request in the zero-overhead model of the engine. */
  record Simulated(long latencyNanos, int callsStarted) {}

  /**
   * Replays the engine's start rules for one address without any overhead: checks start in prior
   * order; the next starts when none is running or when {@code delayAfter[i]} has passed since
   * platform {@code i} started; the first FOUND answers; a check past {@link #TIMEOUT} ends as a
   * timeout.
   *
   * @param delayAfter per platform (prior order), the hedge delay after it starts; 0 for RACE,
   *     {@link Long#MAX_VALUE} for SEQUENTIAL
   */
  Simulated simulate(String email, long[] delayAfter) {
    int n = PLATFORMS.size();
    long timeout = TIMEOUT.toNanos();
    long[] end = new long[n];
    boolean[] found = new boolean[n];
    for (int i = 0; i < n; i++) {
      Draw draw = draw(email, PLATFORMS.get(i));
      end[i] = Math.min(draw.latencyNanos(), timeout);
      found[i] = draw.found() && draw.latencyNanos() < timeout;
    }
    long[] startedAt = new long[n];
    boolean[] done = new boolean[n];
    int started = 0;
    int running = 0;
    long now = 0;
    startedAt[0] = 0;
    started = 1;
    running = 1;
    while (true) {
      // Start everything due now (RACE: delay 0 starts them all at once).
      while (started < n && delayAfter[started - 1] == 0) {
        startedAt[started++] = now;
        running++;
      }
      long nextHedge =
          started < n && delayAfter[started - 1] != Long.MAX_VALUE
              ? startedAt[started - 1] + delayAfter[started - 1]
              : Long.MAX_VALUE;
      int next = -1;
      long nextEnd = Long.MAX_VALUE;
      for (int i = 0; i < started; i++) {
        if (!done[i] && startedAt[i] + end[i] < nextEnd) {
          nextEnd = startedAt[i] + end[i];
          next = i;
        }
      }
      if (nextHedge < nextEnd) {
        now = nextHedge;
        startedAt[started++] = now;
        running++;
        continue;
      }
      now = nextEnd;
      done[next] = true;
      running--;
      if (found[next]) {
        return new Simulated(now, started);
      }
      if (started == n && running == 0) {
        return new Simulated(now, started);
      }
      if (running == 0) {
        startedAt[started++] = now;
        running++;
      }
    }
  }

  /** Delays for a single hedge delay used at every step, as the engine does today. */
  static long[] uniformDelay(long delayNanos) {
    long[] delays = new long[PLATFORMS.size()];
    Arrays.fill(delays, delayNanos);
    return delays;
  }

  /** Per-platform delays: hedge after each platform's own {@code q} latency quantile. */
  long[] perPlatformDelay(double q, int samples) {
    long[] delays = new long[PLATFORMS.size()];
    for (int i = 0; i < delays.length; i++) {
      delays[i] = latencyQuantileNanos(PLATFORMS.get(i), q, samples);
    }
    return delays;
  }

  /** p50, p99 and mean calls of the model over the first {@code count} addresses. */
  record ModelSummary(long p50Nanos, long p99Nanos, double callsPerRequest) {}

  ModelSummary summarize(long firstAddress, int count, long[] delayAfter) {
    List<Simulated> runs = new ArrayList<>(count);
    for (long i = firstAddress; i < firstAddress + count; i++) {
      runs.add(simulate(address(i), delayAfter));
    }
    double calls = runs.stream().mapToInt(Simulated::callsStarted).average().orElse(0);
    runs.sort(Comparator.comparingLong(Simulated::latencyNanos));
    return new ModelSummary(
        runs.get((int) Math.floor(0.50 * (count - 1))).latencyNanos(),
        runs.get((int) Math.floor(0.99 * (count - 1))).latencyNanos(),
        calls);
  }
}
