package dev.socialcheck.server.engine;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the engine learns about platforms from every check it runs (whatever the strategy), and how
 * {@link Strategy#ADAPTIVE} turns it into a plan. See {@link AdaptiveSettings} for the algorithm.
 * Statistics are keyed by platform id and hold no address. Thread-safe.
 */
public final class PlatformLearning {
  private final AdaptiveSettings settings;
  private final Ticker ticker;
  private final Map<String, PlatformStatistics> statistics = new ConcurrentHashMap<>();
  private final ExtraLoadBudget budget;

  /**
   * One step of an adaptive plan.
   *
   * @param learned whether the platform's own statistics are used (else its prior and the fallback
   *     delay)
   * @param foundRate the chance it answers FOUND (learned, or the prior)
   * @param score expected benefit: found rate per second of median latency
   * @param hedgeAfter how long to wait after starting it before starting the next platform (a
   *     learned delay is at least {@link AdaptiveSettings#minHedgeDelay()})
   * @param available whether a check now would reach the platform (not while its circuit is open:
   *     such platforms come last, where they cost nothing and are tried again once the ones before
   *     them have said no)
   */
  public record Step(
      Platform platform,
      boolean learned,
      double foundRate,
      double score,
      Duration hedgeAfter,
      boolean available) {}

  public PlatformLearning(AdaptiveSettings settings, Ticker ticker) {
    this.settings = settings;
    this.ticker = ticker;
    // A reserve of a few hedges lets a quiet server hedge its first calls.
    this.budget = new ExtraLoadBudget(settings.maxExtraLoad(), 5);
  }

  /** The settings in use. */
  public AdaptiveSettings settings() {
    return settings;
  }

  /**
   * Records a check that ended on its own. Checks that made no platform call (skipped by an open
   * circuit, refused by a local rate limit) say nothing about the platform and are left out, as are
   * cancelled checks.
   */
  void record(String platformId, CheckStatus status, Duration latency) {
    record(platformId, status, latency, ticker.read());
  }

  /** {@link #record(String, CheckStatus, Duration)} at {@code nowNanos}, a time of the ticker. */
  void record(String platformId, CheckStatus status, Duration latency, long nowNanos) {
    if (status == CheckStatus.CANCELLED
        || status == CheckStatus.SKIPPED
        || status == CheckStatus.RATE_LIMITED) {
      return;
    }
    PlatformStatistics platform = statistics.get(platformId); // no lambda once it exists
    if (platform == null) {
      platform =
          statistics.computeIfAbsent(
              platformId,
              id -> new PlatformStatistics(ticker, settings.window(), AdaptiveSettings.BUCKETS));
    }
    platform.record(status, latency, nowNanos);
  }

  /** The statistics of {@code platformId} over the current window. */
  public PlatformStatistics.Snapshot snapshot(String platformId) {
    return snapshot(platformId, settings.percentile());
  }

  private PlatformStatistics.Snapshot snapshot(String platformId, double percentile) {
    PlatformStatistics stats = statistics.get(platformId);
    return stats != null
        ? stats.snapshot(percentile)
        : new PlatformStatistics.Snapshot(
            0, Duration.ZERO, Duration.ZERO, 0, 0, percentile, Duration.ZERO);
  }

  /**
   * The adaptive plan for {@code platforms}: available platforms first, best expected benefit first
   * among them, each with the time to wait before hedging with the next.
   *
   * @param fallbackDelay hedge delay of platforms without enough observations; also the latency
   *     assumed for them when scoring
   */
  public List<Step> plan(List<Platform> platforms, Duration fallbackDelay) {
    double fallbackSeconds = Math.max(1e-3, fallbackDelay.toNanos() / 1e9);
    return platforms.stream()
        .map(
            p -> {
              PlatformStatistics.Snapshot s = snapshot(p.id(), settings.percentile());
              boolean available = p.checker().available();
              if (s.samples() < settings.minSamples()) {
                return new Step(
                    p, false, p.prior(), p.prior() / fallbackSeconds, fallbackDelay, available);
              }
              double medianSeconds = Math.max(1e-3, s.p50().toNanos() / 1e9);
              return new Step(
                  p,
                  true,
                  s.foundRate(),
                  s.foundRate() / medianSeconds,
                  learnedHedgeDelay(s),
                  available);
            })
        .sorted(
            Comparator.comparing((Step s) -> !s.available())
                .thenComparing(Comparator.comparingDouble(Step::score).reversed())
                .thenComparing(
                    Comparator.comparingDouble((Step s) -> s.platform().prior()).reversed())
                .thenComparing(s -> s.platform().id()))
        .toList();
  }

  /**
   * The hedge delay learned from a platform's statistics: its latency at the percentile, but never
   * less than {@link AdaptiveSettings#minHedgeDelay()} (a percentile of zero would start the next
   * platform at once, as RACE does).
   */
  private Duration learnedHedgeDelay(PlatformStatistics.Snapshot s) {
    Duration atPercentile = s.atPercentile();
    return atPercentile.compareTo(settings.minHedgeDelay()) < 0
        ? settings.minHedgeDelay()
        : atPercentile;
  }

  /** The schedule of one adaptive run; its checks earn and spend the shared extra-load budget. */
  Schedule schedule(List<Platform> platforms, Duration fallbackDelay) {
    List<Step> plan = plan(platforms, fallbackDelay);
    return new Schedule(
        plan.stream().map(Step::platform).toList(),
        plan.stream().map(step -> Optional.of(step.hedgeAfter())).toList(),
        plan.stream().map(Step::foundRate).toList(),
        settings.earlyStartWaste(),
        budget);
  }
}
