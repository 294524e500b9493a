package dev.socialcheck.server.engine;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * How {@link Strategy#ADAPTIVE} learns and plans.
 *
 * <p>Per platform, the engine keeps the latency distribution and answer rates of recent checks
 * ({@link PlatformStatistics}, a decaying window). A run orders platforms by expected benefit — the
 * observed FOUND rate divided by the observed median latency — and, after starting a platform,
 * starts the next one if the first has not answered by its latency at {@code percentile}: the
 * "backup request at p90/p95" of The Tail at Scale and Finagle's {@code BackupRequestFilter} — or
 * at once when the platforms running are unlikely to answer FOUND ({@code cheapHedgeWaste}). Hedges
 * are capped by an {@link ExtraLoadBudget}: over time at most {@code maxExtraLoad} expected extra
 * calls per run compared with a sequential run. A platform with fewer than {@code minSamples}
 * observations in the window uses its catalog prior instead of the FOUND rate, the request's hedge
 * delay instead of its latencies.
 *
 * @param percentile latency percentile that triggers the next start (0 < p < 100; default 95)
 * @param maxExtraLoad extra calls per run allowed on average (default 0.25: +25 %)
 * @param minSamples observations needed before a platform's statistics are trusted (default 20)
 * @param window how far back statistics reach (default 5 minutes; decays in 10 steps)
 * @param cheapHedgeWaste start the next platform at once, without waiting for the percentile, when
 *     the chance that a running check answers FOUND is at most this (default 0.3): its call would
 *     most likely be made anyway (e.g. the last platforms for an address that has no account
 *     anywhere). Such hedges pay their expected waste to the budget like the others.
 */
public record AdaptiveSettings(
    double percentile,
    double maxExtraLoad,
    int minSamples,
    Duration window,
    double cheapHedgeWaste) {

  /** The defaults. */
  public static final AdaptiveSettings DEFAULTS =
      new AdaptiveSettings(95, 0.25, 20, Duration.ofMinutes(5), 0.3);

  /** Buckets the window decays in. */
  static final int BUCKETS = 10;

  public AdaptiveSettings {
    checkArgument(percentile > 0 && percentile < 100, "percentile must be in (0, 100)");
    checkArgument(maxExtraLoad >= 0, "maxExtraLoad must not be negative");
    checkArgument(minSamples >= 1, "minSamples must be at least 1");
    checkArgument(window.toSeconds() >= 1, "window must be at least 1s");
    checkArgument(cheapHedgeWaste >= 0 && cheapHedgeWaste < 1, "cheapHedgeWaste must be in [0, 1)");
  }
}
