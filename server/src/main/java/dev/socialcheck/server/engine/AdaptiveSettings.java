package dev.socialcheck.server.engine;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

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
 *   <li>when the running platform has not answered by its latency at {@code percentile}, but no
 *       sooner than {@code minHedgeDelay}: the "backup request at p90/p95" of The Tail at Scale and
 *       Finagle's {@code BackupRequestFilter}.
 * </ul>
 *
 * <p>Every start that may be wasted pays its expected waste to an {@link ExtraLoadBudget}, which
 * every start fills by {@code maxExtraLoad} times the chance that its call is needed: over time the
 * calls not needed stay within {@code maxExtraLoad} of those a sequential run would make. A
 * platform with fewer than {@code minSamples} observations in the window uses its catalog prior
 * instead of the FOUND rate, and the request's hedge delay instead of its latencies.
 *
 * <p>The bounds are Finagle's: {@code maxExtraLoad} below 1 (at 1, every call could be doubled:
 * hedging has turned into racing), and a learned hedge delay of at least {@code minHedgeDelay}. A
 * platform that answers in no time (a local failure, a platform on the same host) learns a
 * percentile of zero; without the floor, every run would start the next platform together with it,
 * as RACE does, and spend the budget on calls that the first answer, a moment later, makes useless.
 * One millisecond still lets a rare slow call be hedged early. The request's own hedge delay, used
 * before enough is learned, is the caller's choice and is not raised.
 *
 * @param percentile latency percentile that triggers the next start (0 < p < 100; default 95)
 * @param maxExtraLoad extra calls allowed, as a fraction of the calls SEQUENTIAL would make, in [0,
 *     1) (default 0.25: at most 25 % more)
 * @param minSamples observations needed before a platform's statistics are trusted (default 20)
 * @param window how far back statistics reach (default 5 minutes; decays in 10 steps)
 * @param earlyStartWaste start the next platform at once when the chance that a running check
 *     answers FOUND is at most this (default 0.5; 0 only when the running ones never find)
 * @param minHedgeDelay the shortest hedge delay learned from latencies (positive; default 1 ms, as
 *     Finagle's minimum send-backup delay)
 */
public record AdaptiveSettings(
    double percentile,
    double maxExtraLoad,
    int minSamples,
    Duration window,
    double earlyStartWaste,
    Duration minHedgeDelay) {

  /** The default of {@link #minHedgeDelay}. */
  public static final Duration DEFAULT_MIN_HEDGE_DELAY = Duration.ofMillis(1);

  /** The defaults. */
  public static final AdaptiveSettings DEFAULTS =
      new AdaptiveSettings(95, 0.25, 20, Duration.ofMinutes(5), 0.5, DEFAULT_MIN_HEDGE_DELAY);

  /** Buckets the window decays in. */
  static final int BUCKETS = 10;

  public AdaptiveSettings {
    checkArgument(percentile > 0 && percentile < 100, "percentile must be in (0, 100)");
    checkArgument(maxExtraLoad >= 0 && maxExtraLoad < 1, "maxExtraLoad must be in [0, 1)");
    checkArgument(minSamples >= 1, "minSamples must be at least 1");
    checkArgument(window.toSeconds() >= 1, "window must be at least 1s");
    checkArgument(earlyStartWaste >= 0 && earlyStartWaste < 1, "earlyStartWaste must be in [0, 1)");
    requireNonNull(minHedgeDelay, "minHedgeDelay");
    checkArgument(
        !minHedgeDelay.isNegative()
            && !minHedgeDelay.isZero()
            && minHedgeDelay.compareTo(CheckRequest.MAX_HEDGE_DELAY) <= 0,
        "minHedgeDelay must be positive and at most %ss",
        CheckRequest.MAX_HEDGE_DELAY.toSeconds());
  }
}
