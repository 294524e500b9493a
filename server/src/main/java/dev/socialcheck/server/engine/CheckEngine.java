package dev.socialcheck.server.engine;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.jspecify.annotations.Nullable;

/**
 * Runs checks of one address over several platforms and answers with a {@link CheckReport}.
 *
 * <p>The four strategies are one mechanism with different start rules. Whenever no check is
 * running, the next one starts. {@link Strategy#RACE} starts them all at once; {@link
 * Strategy#SEQUENTIAL} one at a time, in descending prior order; {@link Strategy#HEDGED} also
 * starts the next one each time the request's hedge delay passes since the last start; {@link
 * Strategy#ADAPTIVE} orders the platforms and sets each one's hedge delay from what {@link
 * #learning()} observed, starts a platform early when its call is likely needed, and spends a
 * budget of extra calls ({@link AdaptiveSettings}). Platforms with a cached answer go first in
 * every strategy. With {@link CheckRequest#stopAtFirstFound()}, the first {@code FOUND} decides the
 * run: checks still running are cancelled ({@code cancel(true)}) and reported {@link
 * CheckStatus#CANCELLED}, checks not started are {@link CheckStatus#SKIPPED}.
 *
 * <p>Every check runs under a timeout: the smallest of the platform's timeout, the request's check
 * timeout and the time left in the request's budget. A check that exceeds it is cancelled and
 * reported {@link CheckStatus#TIMEOUT}.
 *
 * <p>Thread-safe. The engine does not own the scheduler: whoever created it shuts it down.
 */
public final class CheckEngine {
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final EngineStats stats = new EngineStats();
  private final CheckObserver observer;
  private final PlatformLearning learning;

  /**
   * The last fixed schedule made (RACE, SEQUENTIAL or HEDGED): a schedule without a budget is
   * immutable, and calls for every platform of a catalog ask for the same one over and over.
   */
  private volatile @Nullable FixedSchedule lastFixed;

  private record FixedSchedule(List<Platform> order, Optional<Duration> delay, Schedule schedule) {}

  /**
   * @param scheduler runs timeouts and hedge timers; its tasks are short and never block. Use a
   *     {@link java.util.concurrent.ScheduledThreadPoolExecutor} with {@code
   *     setRemoveOnCancelPolicy(true)} so cancelled timers do not linger.
   * @param ticker the clock for latencies, elapsed times and budgets; must agree with {@code
   *     scheduler}'s notion of time
   */
  public CheckEngine(ScheduledExecutorService scheduler, Ticker ticker) {
    this(scheduler, ticker, CheckObserver.NONE);
  }

  /**
   * @param observer hears every check and answer (metrics)
   */
  public CheckEngine(ScheduledExecutorService scheduler, Ticker ticker, CheckObserver observer) {
    this(scheduler, ticker, observer, AdaptiveSettings.DEFAULTS);
  }

  /**
   * @param observer hears every check and answer (metrics)
   * @param adaptive how {@link Strategy#ADAPTIVE} learns and plans
   */
  public CheckEngine(
      ScheduledExecutorService scheduler,
      Ticker ticker,
      CheckObserver observer,
      AdaptiveSettings adaptive) {
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.ticker = requireNonNull(ticker, "ticker");
    this.learning = new PlatformLearning(adaptive, ticker);
    // Each run teaches the learning first, then tells this observer (CheckRun.observe).
    this.observer = requireNonNull(observer, "observer");
  }

  /** Starts a run whose results are only reported in the answer. */
  public ListenableFuture<CheckReport> run(CheckRequest request) {
    return run(request, CheckListener.NONE);
  }

  /**
   * Starts a run.
   *
   * @param listener told about each check as it completes, before the returned future completes
   * @return the report; cancelling this future cancels every check still running
   */
  public ListenableFuture<CheckReport> run(CheckRequest request, CheckListener listener) {
    CheckRun run =
        new CheckRun(
            request,
            schedule(request),
            listener,
            scheduler,
            ticker,
            stats,
            learning,
            observer,
            observer.runStarted(request));
    run.start();
    return run;
  }

  /**
   * Creates the scheduler the engine is meant to run on: one daemon thread (its tasks are short
   * timers), cancelled tasks removed from the queue at once. The caller shuts it down.
   */
  public static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            new ThreadFactoryBuilder().setNameFormat("socialcheck-timer").setDaemon(true).build());
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  /** The order and hedge delays of a run; platforms with a cached answer first. */
  private Schedule schedule(CheckRequest request) {
    return plannedSchedule(request).cachedFirst(request.email());
  }

  /** The order and hedge delays of the request's strategy. */
  private Schedule plannedSchedule(CheckRequest request) {
    List<Platform> byPrior = byPrior(request.platforms());
    Optional<Duration> delay =
        switch (request.strategy()) {
          case RACE -> Optional.of(Duration.ZERO);
          case SEQUENTIAL -> Optional.empty();
          case HEDGED -> Optional.of(request.hedgeDelay());
          case ADAPTIVE -> Optional.empty(); // planned below
        };
    if (request.strategy() == Strategy.ADAPTIVE) {
      return learning.schedule(byPrior, request.hedgeDelay());
    }
    FixedSchedule last = lastFixed;
    if (last != null && last.order() == byPrior && last.delay().equals(delay)) {
      return last.schedule();
    }
    Schedule made = Schedule.fixed(byPrior, delay);
    // Only a list that is kept (a catalog's) can be met again; a sorted copy never is.
    if (byPrior == request.platforms()) {
      lastFixed = new FixedSchedule(byPrior, delay, made);
    }
    return made;
  }

  /** Descending prior, then id. */
  private static final Comparator<Platform> BY_PRIOR =
      Comparator.comparingDouble(Platform::prior).reversed().thenComparing(Platform::id);

  /**
   * {@code platforms} by descending prior, then id: the list itself when it is in that order
   * already, as a catalog's list is (a request for every platform), else a sorted copy.
   */
  private static List<Platform> byPrior(List<Platform> platforms) {
    for (int i = 1; i < platforms.size(); i++) {
      if (BY_PRIOR.compare(platforms.get(i - 1), platforms.get(i)) > 0) {
        return platforms.stream().sorted(BY_PRIOR).toList();
      }
    }
    return platforms;
  }

  /** What the engine learned about platforms, and the adaptive plan built from it. */
  public PlatformLearning learning() {
    return learning;
  }

  /** Live counters: runs and checks started, completed, cancelled, in flight. */
  public EngineStats stats() {
    return stats;
  }

  /** The engine's clock. */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * The scheduler the engine's timers run on (borrowed), for callers that wait alongside its runs
   * on the same clock; their tasks must be short and never block.
   */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }
}
