package dev.socialcheck.server.engine;

import static dev.socialcheck.server.testing.TestPlatforms.EMAIL;
import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ADAPTIVE on a fake clock with scripted statistics: order by observed benefit, hedge at the
 * learned percentile, extra-load budget, cold start, and recovery. Platforms: a (prior 0.6), b
 * (0.3), c (0.1); the fallback hedge delay is 1 s.
 */
class AdaptiveStrategyTest {
  private static final AdaptiveSettings SETTINGS =
      new AdaptiveSettings(
          90, 0.25, 10, Duration.ofSeconds(60), 0.3, AdaptiveSettings.DEFAULT_MIN_HEDGE_DELAY);

  private final FakeScheduler scheduler = new FakeScheduler();
  private final CheckEngine engine =
      new CheckEngine(scheduler, scheduler.ticker(), CheckObserver.NONE, SETTINGS);
  private final FakeChecker a = new FakeChecker();
  private final FakeChecker b = new FakeChecker();
  private final FakeChecker c = new FakeChecker();
  private final List<Platform> platforms =
      List.of(platform("a", 0.6, a), platform("b", 0.3, b), platform("c", 0.1, c));

  @AfterEach
  void nothingLeftBehind() {
    assertThat(engine.stats().checksInFlight()).isZero();
    assertThat(scheduler.pendingTasks()).isZero();
  }

  /** Feeds {@code count} observations of a platform into the engine's learning. */
  private void observe(String platformId, int count, CheckStatus status, Duration latency) {
    for (int i = 0; i < count; i++) {
      engine.learning().record(platformId, status, latency);
    }
  }

  private ListenableFuture<CheckReport> adaptive() {
    return adaptiveOn(engine);
  }

  /** An ADAPTIVE run over a, b and c with a 1 s fallback hedge delay. */
  private ListenableFuture<CheckReport> adaptiveOn(CheckEngine engine) {
    return engine.run(
        CheckRequest.builder(EMAIL, platforms)
            .strategy(Strategy.ADAPTIVE)
            .hedgeDelay(Duration.ofSeconds(1))
            .build());
  }

  private List<String> planOrder() {
    return engine.learning().plan(platforms, Duration.ofSeconds(1)).stream()
        .map(s -> s.platform().id())
        .toList();
  }

  @Test
  void coldStart_usesPriorsAndTheFallbackDelay() {
    ListenableFuture<CheckReport> run = adaptive();
    assertThat(List.of(a.callCount(), b.callCount(), c.callCount())).containsExactly(1, 0, 0);

    scheduler.advance(Duration.ofMillis(999));
    assertThat(b.wasCalled()).isFalse();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(b.wasCalled()).isTrue();

    run.cancel(true);
  }

  @Test
  void order_followsObservedBenefit_notThePriors() {
    observe("a", 20, CheckStatus.NOT_FOUND, Duration.ofMillis(300)); // never finds
    observe("b", 20, CheckStatus.FOUND, Duration.ofMillis(500)); // always finds, slowly
    observe("c", 10, CheckStatus.FOUND, Duration.ofMillis(100)); // half the time, fast
    observe("c", 10, CheckStatus.NOT_FOUND, Duration.ofMillis(100));

    assertThat(planOrder()).containsExactly("c", "b", "a");
    ListenableFuture<CheckReport> run = adaptive();
    assertThat(List.of(c.callCount(), b.callCount(), a.callCount())).containsExactly(1, 0, 0);
    run.cancel(true);
  }

  @Test
  void hedge_firesAtTheLearnedPercentile_ofTheRunningPlatform() {
    for (int ms = 1; ms <= 100; ms++) {
      engine.learning().record("a", CheckStatus.FOUND, Duration.ofMillis(ms * 4L)); // p90 = 360 ms
    }
    observe("b", 20, CheckStatus.FOUND, Duration.ofSeconds(2));
    observe("c", 20, CheckStatus.NOT_FOUND, Duration.ofSeconds(2));
    ListenableFuture<CheckReport> run = adaptive();
    assertThat(a.callCount()).isEqualTo(1);

    scheduler.advance(Duration.ofMillis(355));
    assertThat(b.wasCalled()).as("before a's p90").isFalse();
    scheduler.advance(Duration.ofMillis(10));
    assertThat(b.wasCalled()).as("after a's p90").isTrue();

    b.lastCall().complete(CheckOutcome.found("yes"));
    assertThat(run).isDone();
    assertThat(a.lastCall().wasCancelledWithInterrupt()).as("the loser is cancelled").isTrue();
  }

  @Test
  void learnedPercentileOfZero_hedgesAfterTheMinimumDelay_notAtOnce() {
    // Every platform answers in no time (a p90 of zero) and finds 90 % of the time, so no early
    // start applies: only the hedge timer can start b.
    observeMostlyFound("a", 20, Duration.ZERO);
    observeMostlyFound("b", 20, Duration.ZERO);
    observeMostlyFound("c", 20, Duration.ZERO);
    assertThat(engine.learning().plan(platforms, Duration.ofSeconds(1)))
        .extracting(PlatformLearning.Step::hedgeAfter)
        .as("a learned p90 of zero is raised to the 1 ms floor")
        .containsOnly(Duration.ofMillis(1));

    ListenableFuture<CheckReport> run = adaptive();
    assertThat(calls()).as("not RACE: one platform starts").isEqualTo(1);
    scheduler.advance(Duration.ofNanos(999_999));
    assertThat(calls()).as("just before the floor").isEqualTo(1);
    scheduler.advance(Duration.ofNanos(1));
    assertThat(calls()).as("at the floor, the backup request").isEqualTo(2);

    run.cancel(true);
  }

  @Test
  void minHedgeDelay_raisesALearnedPercentileBelowIt() {
    CheckEngine floored =
        new CheckEngine(
            scheduler,
            scheduler.ticker(),
            CheckObserver.NONE,
            new AdaptiveSettings(90, 0.25, 10, Duration.ofSeconds(60), 0.3, Duration.ofMillis(50)));
    for (String id : List.of("a", "b", "c")) {
      for (int i = 0; i < 20; i++) {
        floored
            .learning()
            .record(id, i % 10 == 0 ? CheckStatus.NOT_FOUND : CheckStatus.FOUND, ms(10));
      }
    }
    ListenableFuture<CheckReport> run = adaptiveOn(floored);

    scheduler.advance(ms(49));
    assertThat(calls()).as("past the learned p90 (10 ms), before the 50 ms floor").isEqualTo(1);
    scheduler.advance(ms(1));
    assertThat(calls()).as("at the floor").isEqualTo(2);

    run.cancel(true);
    assertThat(floored.stats().checksInFlight()).isZero();
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private int calls() {
    return a.callCount() + b.callCount() + c.callCount();
  }

  /** Feeds observations with a FOUND rate of 90 %. */
  private void observeMostlyFound(String platformId, int count, Duration latency) {
    observe(platformId, count * 9 / 10, CheckStatus.FOUND, latency);
    observe(platformId, count / 10, CheckStatus.NOT_FOUND, latency);
  }

  @Test
  void hedges_stayWithinTheExtraLoadBudget() {
    // Many fast observations that always find: every hedge is certainly wasted (it costs a whole
    // token and earns nothing), and the runs below (a finds after 0.5 s; 50 s in all, within the
    // 60 s window) barely move a's p90.
    observe("a", 2000, CheckStatus.FOUND, Duration.ofMillis(100));
    observe("b", 2000, CheckStatus.FOUND, Duration.ofMillis(100));
    observe("c", 2000, CheckStatus.FOUND, Duration.ofMillis(100));
    int runs = 100;
    for (int i = 0; i < runs; i++) {
      ListenableFuture<CheckReport> run = adaptive();
      // a runs past its p90 (100 ms): without a budget every run would hedge b, then c.
      scheduler.advance(Duration.ofMillis(500));
      a.lastCall().complete(CheckOutcome.found("yes"));
      assertThat(run).isDone();
    }

    int sequentialCalls = runs; // SEQUENTIAL would have asked a alone, every time
    int extra = calls() - sequentialCalls;
    assertThat(a.callCount()).isEqualTo(runs);
    assertThat(extra)
        .as(
            "extra calls over %d runs (reserve 5 + 25 %% of the %d calls SEQUENTIAL makes)",
            runs, runs)
        .isLessThanOrEqualTo((int) (5 + 0.25 * sequentialCalls))
        .as("the budget is spent: hedging is not switched off")
        .isGreaterThanOrEqualTo((int) (0.25 * sequentialCalls) - 1);
  }

  @Test
  void earlyStart_startsTheNextAtOnce_whenTheRunningPlatformRarelyFinds() {
    observe("a", 20, CheckStatus.NOT_FOUND, Duration.ofMillis(100)); // never finds
    observe("b", 20, CheckStatus.NOT_FOUND, Duration.ofMillis(300)); // never finds
    observeMostlyFound("c", 20, Duration.ofMillis(400));
    // Benefit order: c (0.9 / 0.4 s), then a and b (0: order by prior).
    assertThat(planOrder()).containsExactly("c", "a", "b");

    ListenableFuture<CheckReport> run = adaptive();
    assertThat(List.of(c.callCount(), a.callCount(), b.callCount()))
        .as("c runs alone: it finds 90 % of the time")
        .containsExactly(1, 0, 0);

    c.lastCall().complete(CheckOutcome.notFound("no"));
    assertThat(List.of(a.callCount(), b.callCount()))
        .as("a and b never find: b's call will be needed anyway, start it with a")
        .containsExactly(1, 1);
    a.lastCall().complete(CheckOutcome.notFound("no"));
    b.lastCall().complete(CheckOutcome.notFound("no"));
    assertThat(run).isDone();
  }

  @Test
  void earlyStart_byDefault_whenTheNextCallIsMoreLikelyNeededThanNot() {
    CheckEngine defaults =
        new CheckEngine(
            scheduler, scheduler.ticker(), CheckObserver.NONE, AdaptiveSettings.DEFAULTS);
    for (int i = 0; i < 40; i++) {
      // a finds 40 % of the time, b 60 %, c 10 %; all answer in 100 ms.
      CheckStatus status = i % 5 < 2 ? CheckStatus.FOUND : CheckStatus.NOT_FOUND;
      defaults.learning().record("a", status, Duration.ofMillis(100));
      defaults
          .learning()
          .record("b", i % 5 < 3 ? CheckStatus.FOUND : status, Duration.ofMillis(250));
      defaults
          .learning()
          .record(
              "c", i % 10 == 0 ? CheckStatus.FOUND : CheckStatus.NOT_FOUND, Duration.ofMillis(100));
    }
    // Benefit: a 0.4 / 0.1 s, b 0.6 / 0.25 s, c 0.1 / 0.1 s.
    ListenableFuture<CheckReport> run =
        defaults.run(
            CheckRequest.builder(EMAIL, platforms)
                .strategy(Strategy.ADAPTIVE)
                .hedgeDelay(Duration.ofSeconds(1))
                .build());

    assertThat(List.of(a.callCount(), b.callCount(), c.callCount()))
        .as(
            "b's call is wasted only if a finds (40 %%): started with a; c's only if neither"
                + " finds (76 %%): it waits")
        .containsExactly(1, 1, 0);
    a.lastCall().complete(CheckOutcome.notFound("no"));
    assertThat(c.callCount()).as("now c's call is wasted only if b finds (60 %%)").isZero();
    b.lastCall().complete(CheckOutcome.found("yes"));
    assertThat(run).isDone();
    assertThat(defaults.stats().checksInFlight()).isZero();
  }

  @Test
  void platformThatWouldBeRefused_isPlannedLast_andCostsNoWait() {
    observe(
        "a", 20, CheckStatus.FOUND, Duration.ofMillis(100)); // the best, but its circuit is open
    observe("b", 20, CheckStatus.NOT_FOUND, Duration.ofMillis(200));
    observe("c", 20, CheckStatus.NOT_FOUND, Duration.ofMillis(200));
    boolean[] open = {true};
    PlatformChecker guarded =
        new PlatformChecker() {
          @Override
          public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
            return open[0]
                ? com.google.common.util.concurrent.Futures.immediateFuture(
                    new CheckOutcome(CheckStatus.SKIPPED, "circuit open"))
                : a.check(email, context);
          }

          @Override
          public boolean available() {
            return !open[0];
          }
        };
    List<Platform> withBreaker =
        List.of(platform("a", 0.6, guarded), platform("b", 0.3, b), platform("c", 0.1, c));

    assertThat(engine.learning().plan(withBreaker, Duration.ofSeconds(1)))
        .extracting(s -> s.platform().id() + (s.available() ? "" : " (unavailable)"))
        .containsExactly("b", "c", "a (unavailable)");
    ListenableFuture<CheckReport> run =
        engine.run(
            CheckRequest.builder(EMAIL, withBreaker)
                .strategy(Strategy.ADAPTIVE)
                .hedgeDelay(Duration.ofSeconds(1))
                .build());
    b.lastCall().complete(CheckOutcome.notFound("no"));
    c.lastCall().complete(CheckOutcome.notFound("no"));
    assertThat(run).as("a is reached last and refused at once, without a call").isDone();
    assertThat(a.wasCalled()).isFalse();

    open[0] = false; // the circuit closes: a is first again
    assertThat(engine.learning().plan(withBreaker, Duration.ofSeconds(1)).get(0).platform().id())
        .isEqualTo("a");
  }

  @Test
  void platformThatStartsFailing_movesBack_andRecoversWhenItAnswersAgain() {
    observe("a", 20, CheckStatus.FOUND, Duration.ofMillis(100));
    observe("b", 20, CheckStatus.FOUND, Duration.ofMillis(300));
    observe("c", 20, CheckStatus.NOT_FOUND, Duration.ofMillis(300));
    assertThat(planOrder()).first().isEqualTo("a");

    scheduler.advance(Duration.ofSeconds(61)); // the good observations age out
    observe("a", 20, CheckStatus.ERROR, Duration.ofMillis(100));
    observe("b", 20, CheckStatus.FOUND, Duration.ofMillis(300));
    observe("c", 20, CheckStatus.NOT_FOUND, Duration.ofMillis(300));
    assertThat(planOrder()).as("a fails: it finds nothing").containsExactly("b", "a", "c");

    scheduler.advance(Duration.ofSeconds(61));
    observe("a", 20, CheckStatus.FOUND, Duration.ofMillis(100));
    observe("b", 20, CheckStatus.FOUND, Duration.ofMillis(300));
    assertThat(planOrder()).as("a recovered").first().isEqualTo("a");
  }

  @Test
  void platformThatTurnsSlow_movesBehindAFasterOneWithTheSameHitRate() {
    observe("a", 20, CheckStatus.FOUND, Duration.ofMillis(100));
    observe("b", 20, CheckStatus.FOUND, Duration.ofMillis(200));
    assertThat(planOrder()).startsWith("a", "b");

    scheduler.advance(Duration.ofSeconds(61));
    observe("a", 20, CheckStatus.FOUND, Duration.ofSeconds(2));
    observe("b", 20, CheckStatus.FOUND, Duration.ofMillis(200));

    assertThat(planOrder()).startsWith("b", "a");
  }

  /** Every run teaches the learning, at the time its checks end (they age out with the window). */
  @Test
  void runs_teachTheLearning_atTheTimeTheirChecksEnd() {
    PlatformChecker answers =
        (email, context) ->
            com.google.common.util.concurrent.Futures.immediateFuture(CheckOutcome.found("yes"));
    for (int i = 0; i < 3; i++) {
      engine.run(CheckRequest.builder(EMAIL, List.of(platform("x", 0.5, answers))).build());
    }
    assertThat(engine.learning().snapshot("x").samples()).isEqualTo(3);

    scheduler.advance(Duration.ofSeconds(61)); // past the 60 s window
    assertThat(engine.learning().snapshot("x").samples()).as("aged out").isZero();
  }

  @Test
  void cacheAnswers_areNotLearnedFrom() {
    PlatformChecker fromCache =
        (email, context) ->
            com.google.common.util.concurrent.Futures.immediateFuture(
                new CheckOutcome(CheckStatus.FOUND, "cached 1s ago: yes", true));
    for (int i = 0; i < 5; i++) {
      engine.run(CheckRequest.builder(EMAIL, List.of(platform("x", 0.5, fromCache))).build());
    }

    assertThat(engine.learning().snapshot("x").samples())
        .as("a cache hit says nothing about the platform's latency")
        .isZero();
  }
}
