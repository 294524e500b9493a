package dev.socialcheck.server.engine;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * How {@link Strategy#ADAPTIVE} learns and plans.
 *
 * <p>Per platform, the engine keeps the latency distribution and answer rates of recent checks
 * ({@link PlatformStatistics}, a decaying window). A run orders platforms by expected benefit — the
 * observed FOUND rate divided by the observed median latency — and starts the next platform:
 *
 * <ul>
 *   <li>when nothing runs any more (as SEQUENTIAL would);
 *   <li>at once, when its call is at least as likely to be needed as not: when the chance that a
 *       running check answers FOUND (so that the new call was wasted) is at most {@code
 *       earlyStartWaste}. With the default 0.5, a platform that rarely finds is started together
 *       with the next one, and an address that has answered NOT_FOUND on the likeliest platforms
 *       gets the rest in parallel — those addresses (no account anywhere) make the p99;
 *   <li>when the running platform has not answered by its latency at {@code percentile}: the
 *       "backup request at p90/p95" of The Tail at Scale and Finagle's {@code BackupRequestFilter}.
 * </ul>
 *
 * <p>Every start that may be wasted pays its expected waste to an {@link ExtraLoadBudget}, which
 * every start fills by {@code maxExtraLoad} times the chance that its call is needed: over time the
 * calls not needed stay within {@code maxExtraLoad} of those a sequential run would make. A
 * platform with fewer than {@code minSamples} observations in the window uses its catalog prior
 * instead of the FOUND rate, and the request's hedge delay instead of its latencies.
 *
 * @param percentile latency percentile that triggers the next start (0 < p < 100; default 95)
 * @param maxExtraLoad extra calls allowed, as a fraction of the calls SEQUENTIAL would make
 *     (default 0.25: at most 25 % more)
 * @param minSamples observations needed before a platform's statistics are trusted (default 20)
 * @param window how far back statistics reach (default 5 minutes; decays in 10 steps)
 * @param earlyStartWaste start the next platform at once when the chance that a running check
 *     answers FOUND is at most this (default 0.5; 0 only when the running ones never find)
 */
public record AdaptiveSettings(
    double percentile,
    double maxExtraLoad,
    int minSamples,
    Duration window,
    double earlyStartWaste) {

  /** The defaults. */
  public static final AdaptiveSettings DEFAULTS =
      new AdaptiveSettings(95, 0.25, 20, Duration.ofMinutes(5), 0.5);

  /** Buckets the window decays in. */
  static final int BUCKETS = 10;

  public AdaptiveSettings {
    checkArgument(percentile > 0 && percentile < 100, "percentile must be in (0, 100)");
    checkArgument(maxExtraLoad >= 0, "maxExtraLoad must not be negative");
    checkArgument(minSamples >= 1, "minSamples must be at least 1");
    checkArgument(window.toSeconds() >= 1, "window must be at least 1s");
    checkArgument(earlyStartWaste >= 0 && earlyStartWaste < 1, "earlyStartWaste must be in [0, 1)");
  }
}
