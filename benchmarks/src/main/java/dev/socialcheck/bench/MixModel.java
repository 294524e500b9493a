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

  /**
   * The latency of the {@code call}-th call (0-based) to {@code platform} for {@code email}. The
   * first call has the latency of {@link #draw}; later calls draw afresh (a platform's latency
   * belongs to the call, its answer to the address), so an address requested many times does not
   * repeat one latency draw.
   */
  long callLatencyNanos(String email, PlatformSpec platform, int call) {
    return call == 0
        ? draw(email, platform).latencyNanos()
        : draw(email + '#' + call, platform).latencyNanos();
  }

  /** Outcome of one request in the zero-overhead model of the engine. */
  record Simulated(long latencyNanos, int callsStarted) {}

  /** One check in the model: how long it takes once started, and how it ends. */
  record Check(long durationNanos, boolean found, boolean answers) {}

  /** Decides a check when the model starts it. */
  interface Checks {
    /**
     * Starts the check of platform {@code index} (prior order) {@code offsetNanos} after the
     * request began.
     */
    Check start(int index, long offsetNanos);
  }

  /**
   * A request in the model.
   *
   * @param latencyNanos time to the answer
   * @param started checks started
   * @param completedAtNanos per platform, when its check ended with an answer (FOUND or NOT_FOUND
   *     within the timeout) before the request was answered; -1 otherwise (not started, cancelled,
   *     timed out)
   */
  @SuppressWarnings("ArrayRecordComponent") // a result read field by field, never compared
  record Trace(long latencyNanos, int started, long[] completedAtNanos) {}

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
    return simulate(email, delayAfter, -1);
  }

  /**
   * As {@link #simulate(String, long[])}, with ADAPTIVE's early starts: the next platform also
   * starts at once when the chance that a running check answers FOUND (the platforms' priors, taken
   * as independent) is at most {@code earlyStartWaste}; negative: never.
   */
  Simulated simulate(String email, long[] delayAfter, double earlyStartWaste) {
    long timeout = TIMEOUT.toNanos();
    Trace trace =
        trace(
            (i, offset) -> {
              Draw draw = draw(email, PLATFORMS.get(i));
              boolean inTime = draw.latencyNanos() < timeout;
              return new Check(
                  Math.min(draw.latencyNanos(), timeout), draw.found() && inTime, inTime);
            },
            delayAfter,
            earlyStartWaste);
    return new Simulated(trace.latencyNanos(), trace.started());
  }

  /** The start rules of {@link #simulate}, with checks decided by {@code checks} as they start. */
  static Trace trace(Checks checks, long[] delayAfter) {
    return trace(checks, delayAfter, -1);
  }

  /** As {@link #trace(Checks, long[])}, with early starts (see {@link #simulate}). */
  static Trace trace(Checks checks, long[] delayAfter, double earlyStartWaste) {
    int n = PLATFORMS.size();
    long[] startedAt = new long[n];
    long[] endAt = new long[n];
    boolean[] found = new boolean[n];
    boolean[] answers = new boolean[n];
    boolean[] done = new boolean[n];
    long[] completedAt = new long[n];
    Arrays.fill(completedAt, -1);
    int started = 0;
    int running = 0;
    long now = 0;
    while (true) {
      if (started == 0 || (started < n && running == 0)) {
        // The first check, or the next one when none is running.
        started = start(checks, started, now, startedAt, endAt, found, answers);
        running++;
      }
      // Start everything due now (RACE: delay 0 starts them all at once), and early starts.
      while (started < n
          && (delayAfter[started - 1] == 0 || wasteIfStarted(started, done) <= earlyStartWaste)) {
        started = start(checks, started, now, startedAt, endAt, found, answers);
        running++;
      }
      long nextHedge =
          started < n && delayAfter[started - 1] != Long.MAX_VALUE
              ? startedAt[started - 1] + delayAfter[started - 1]
              : Long.MAX_VALUE;
      int next = -1;
      long nextEnd = Long.MAX_VALUE;
      for (int i = 0; i < started; i++) {
        if (!done[i] && endAt[i] < nextEnd) {
          nextEnd = endAt[i];
          next = i;
        }
      }
      if (nextHedge < nextEnd) {
        now = nextHedge;
        started = start(checks, started, now, startedAt, endAt, found, answers);
        running++;
        continue;
      }
      now = nextEnd;
      done[next] = true;
      running--;
      if (answers[next]) {
        completedAt[next] = now;
      }
      if (found[next] || (started == n && running == 0)) {
        return new Trace(now, started, completedAt);
      }
    }
  }

  /** The chance that one of the checks running among the first {@code started} answers FOUND. */
  private static double wasteIfStarted(int started, boolean[] done) {
    double noneFound = 1;
    for (int i = 0; i < started; i++) {
      if (!done[i]) {
        noneFound *= 1 - PLATFORMS.get(i).prior();
      }
    }
    return 1 - noneFound;
  }

  private static int start(
      Checks checks,
      int index,
      long now,
      long[] startedAt,
      long[] endAt,
      boolean[] found,
      boolean[] answers) {
    Check check = checks.start(index, now);
    startedAt[index] = now;
    endAt[index] = now + check.durationNanos();
    found[index] = check.found();
    answers[index] = check.answers();
    return index + 1;
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
    return summarize(firstAddress, count, delayAfter, -1);
  }

  /** As {@link #summarize(long, int, long[])}, with early starts (see {@link #simulate}). */
  ModelSummary summarize(long firstAddress, int count, long[] delayAfter, double earlyStartWaste) {
    List<Simulated> runs = new ArrayList<>(count);
    for (long i = firstAddress; i < firstAddress + count; i++) {
      runs.add(simulate(address(i), delayAfter, earlyStartWaste));
    }
    double calls = runs.stream().mapToInt(Simulated::callsStarted).average().orElse(0);
    runs.sort(Comparator.comparingLong(Simulated::latencyNanos));
    return new ModelSummary(
        runs.get((int) Math.floor(0.50 * (count - 1))).latencyNanos(),
        runs.get((int) Math.floor(0.99 * (count - 1))).latencyNanos(),
        calls);
  }
}
