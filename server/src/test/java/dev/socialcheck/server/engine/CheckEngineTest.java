package dev.socialcheck.server.engine;

import static dev.socialcheck.server.testing.TestPlatforms.EMAIL;
import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.testing.CapturedLogs;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's strategies, timeouts, failures and cancellation, on a fake clock with checkers the
 * test completes by hand. Platforms: a (prior 0.6), b (0.3), c (0.1).
 */
class CheckEngineTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final CheckEngine engine = new CheckEngine(scheduler, scheduler.ticker());
  private final FakeChecker a = new FakeChecker();
  private final FakeChecker b = new FakeChecker();
  private final FakeChecker c = new FakeChecker();
  private final List<Platform> platforms =
      List.of(platform("c", 0.1, c), platform("a", 0.6, a), platform("b", 0.3, b));

  @AfterEach
  void nothingLeftBehind() {
    assertThat(engine.stats().checksInFlight()).as("checks in flight after the test").isZero();
    assertThat(engine.stats().runsInFlight()).as("runs in flight after the test").isZero();
    assertThat(scheduler.pendingTasks()).as("timers left after the test").isZero();
  }

  private CheckRequest.Builder request(Strategy strategy) {
    return CheckRequest.builder(EMAIL, platforms).strategy(strategy);
  }

  private static CheckReport done(ListenableFuture<CheckReport> run) throws ExecutionException {
    assertThat(run).as("run completed").isDone();
    return Futures.getDone(run);
  }

  private static CheckStatus statusOf(CheckReport report, String platformId) {
    return report.resultOf(platformId).orElseThrow().status();
  }

  /** A checker whose local cache holds {@code status} for every address, and answers from it. */
  private static PlatformChecker cacheHolding(CheckStatus status) {
    return new PlatformChecker() {
      @Override
      public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
        return Futures.immediateFuture(new CheckOutcome(status, "cached 1s ago", true));
      }

      @Override
      public java.util.Optional<CheckStatus> cachedAnswer(EmailAddress email) {
        return java.util.Optional.of(status);
      }
    };
  }

  @Nested
  @DisplayName("RACE")
  class Race {
    @Test
    void startsEveryCheckAtOnce() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.RACE).build());

      assertThat(List.of(a.callCount(), b.callCount(), c.callCount())).containsOnly(1);
      assertThat(run).isNotDone();

      run.cancel(true);
    }

    @Test
    void firstFoundWins_evenWhenStartedLast_andLosersAreCancelledWithInterrupt() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.RACE).build());
      scheduler.advance(Duration.ofSeconds(1));

      c.lastCall().complete(CheckOutcome.found("yes"));

      CheckReport report = done(run);
      assertThat(report.verdict()).isEqualTo(Verdict.FOUND);
      assertThat(report.foundOn()).contains("c");
      assertThat(a.lastCall().wasCancelledWithInterrupt()).as("a cancelled(true)").isTrue();
      assertThat(b.lastCall().wasCancelledWithInterrupt()).as("b cancelled(true)").isTrue();
      assertThat(report.results())
          .extracting(PlatformResult::platformId, PlatformResult::status)
          .as("every platform, highest prior first")
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("a", CheckStatus.CANCELLED),
              org.assertj.core.groups.Tuple.tuple("b", CheckStatus.CANCELLED),
              org.assertj.core.groups.Tuple.tuple("c", CheckStatus.FOUND));
      assertThat(report.resultOf("a").orElseThrow().detail())
          .isEqualTo("cancelled: found on c first");
      assertThat(report.resultOf("c").orElseThrow().latency()).isEqualTo(Duration.ofSeconds(1));
      assertThat(report.elapsed()).isEqualTo(Duration.ofSeconds(1));
      assertThat(engine.stats().checksCancelled()).isEqualTo(2);
    }

    @Test
    void instantFound_fromTheFirstChecker_leavesTheOthersUncalled() throws Exception {
      PlatformChecker cachedFound =
          (email, context) -> Futures.immediateFuture(CheckOutcome.found("cached: yes"));
      ListenableFuture<CheckReport> run =
          engine.run(
              CheckRequest.builder(
                      EMAIL,
                      List.of(
                          platform("x", 0.9, cachedFound),
                          platform("b", 0.3, b),
                          platform("c", 0.1, c)))
                  .build());

      CheckReport report = done(run);
      assertThat(report.foundOn()).contains("x");
      assertThat(b.wasCalled() || c.wasCalled())
          .as("no platform call once the answer is known")
          .isFalse();
      assertThat(statusOf(report, "b")).isEqualTo(CheckStatus.SKIPPED);
      assertThat(engine.stats().checksStarted()).isEqualTo(1);
      assertThat(engine.stats().checksCancelled()).isZero();
    }

    @Test
    void cachedFound_onTheLeastLikelyPlatform_answersBeforeAnyCall() throws Exception {
      for (Strategy strategy : List.of(Strategy.RACE, Strategy.SEQUENTIAL, Strategy.ADAPTIVE)) {
        FakeChecker likely = new FakeChecker();
        FakeChecker other = new FakeChecker();
        PlatformChecker cached = cacheHolding(CheckStatus.FOUND);
        ListenableFuture<CheckReport> run =
            engine.run(
                CheckRequest.builder(
                        EMAIL,
                        List.of(
                            platform("likely", 0.9, likely),
                            platform("other", 0.5, other),
                            platform("cached", 0.1, cached)))
                    .strategy(strategy)
                    .build());

        CheckReport report = done(run);
        assertThat(report.foundOn()).as("%s", strategy).contains("cached");
        assertThat(likely.wasCalled() || other.wasCalled())
            .as("%s: no platform call, the cache had the answer", strategy)
            .isFalse();
        assertThat(report.results())
            .as("%s: the report keeps the planned order", strategy)
            .extracting(PlatformResult::platformId)
            .containsExactly("likely", "other", "cached");
        assertThat(statusOf(report, "likely")).isEqualTo(CheckStatus.SKIPPED);
      }
    }

    @Test
    void cachedNotFound_isSettledFirst_andTheRestRunAsPlanned() throws Exception {
      PlatformChecker cachedNo = cacheHolding(CheckStatus.NOT_FOUND);
      ListenableFuture<CheckReport> run =
          engine.run(
              CheckRequest.builder(
                      EMAIL, List.of(platform("a", 0.6, a), platform("x", 0.1, cachedNo)))
                  .strategy(Strategy.SEQUENTIAL)
                  .build());

      assertThat(a.wasCalled()).isTrue();
      a.lastCall().complete(CheckOutcome.found("yes"));
      CheckReport report = done(run);
      assertThat(report.foundOn()).contains("a");
      assertThat(statusOf(report, "x"))
          .as("x, planned after a, was answered from the cache before a started")
          .isEqualTo(CheckStatus.NOT_FOUND);
      assertThat(report.results()).extracting(PlatformResult::platformId).containsExactly("a", "x");
    }

    @Test
    void cachedNotFound_betweenTwoPlatforms_movesFirst_andTheOthersKeepTheirOrder()
        throws Exception {
      PlatformChecker cachedNo = cacheHolding(CheckStatus.NOT_FOUND);
      ListenableFuture<CheckReport> run =
          engine.run(
              CheckRequest.builder(
                      EMAIL,
                      List.of(
                          platform("a", 0.6, a),
                          platform("x", 0.5, cachedNo),
                          platform("b", 0.4, b)))
                  .strategy(Strategy.SEQUENTIAL)
                  .build());

      assertThat(a.wasCalled()).as("a, next after the cached x").isTrue();
      assertThat(b.wasCalled()).as("b waits for a").isFalse();
      a.lastCall().complete(CheckOutcome.notFound("no"));
      assertThat(b.wasCalled()).isTrue();
      b.lastCall().complete(CheckOutcome.notFound("no"));
      CheckReport report = done(run);
      assertThat(statusOf(report, "x")).isEqualTo(CheckStatus.NOT_FOUND);
      assertThat(report.results())
          .as("the report keeps the planned order")
          .extracting(PlatformResult::platformId)
          .containsExactly("a", "x", "b");
    }

    @Test
    void allNotFound_givesNotFound() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.RACE).build());

      for (FakeChecker checker : List.of(a, b, c)) {
        checker.lastCall().complete(CheckOutcome.notFound("no"));
      }

      CheckReport report = done(run);
      assertThat(report.verdict()).isEqualTo(Verdict.NOT_FOUND);
      assertThat(report.foundOn()).isEmpty();
      assertThat(report.results())
          .extracting(PlatformResult::status)
          .containsOnly(CheckStatus.NOT_FOUND);
    }

    @Test
    void notFoundAndError_givesUnknown() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.RACE).build());

      a.lastCall().complete(CheckOutcome.notFound("no"));
      b.lastCall().complete(CheckOutcome.error("HTTP 500"));
      c.lastCall().complete(CheckOutcome.notFound("no"));

      CheckReport report = done(run);
      assertThat(report.verdict()).isEqualTo(Verdict.UNKNOWN);
      assertThat(report.resultOf("b").orElseThrow().detail()).isEqualTo("HTTP 500");
    }

    @Test
    void notFoundAndTimeout_givesUnknown() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.RACE).build());
      a.lastCall().complete(CheckOutcome.notFound("no"));
      c.lastCall().complete(CheckOutcome.notFound("no"));

      scheduler.advance(Duration.ofSeconds(10));

      CheckReport report = done(run);
      assertThat(report.verdict()).isEqualTo(Verdict.UNKNOWN);
      assertThat(statusOf(report, "b")).isEqualTo(CheckStatus.TIMEOUT);
    }

    @Test
    void foundAfterOthersFailed_stillWins() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.RACE).build());

      a.lastCall().complete(new CheckOutcome(CheckStatus.RATE_LIMITED, "HTTP 429"));
      b.lastCall().complete(CheckOutcome.found("yes"));

      CheckReport report = done(run);
      assertThat(report.verdict()).isEqualTo(Verdict.FOUND);
      assertThat(statusOf(report, "a")).isEqualTo(CheckStatus.RATE_LIMITED);
      assertThat(statusOf(report, "c")).isEqualTo(CheckStatus.CANCELLED);
    }
  }

  @Nested
  @DisplayName("SEQUENTIAL")
  class Sequential {
    @Test
    void checksOneAtATime_inDescendingPrior() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.SEQUENTIAL).build());
      assertThat(List.of(a.callCount(), b.callCount(), c.callCount())).containsExactly(1, 0, 0);

      scheduler.advance(Duration.ofSeconds(5));
      assertThat(b.wasCalled()).as("b waits for a, however long a takes").isFalse();

      a.lastCall().complete(CheckOutcome.notFound("no"));
      assertThat(List.of(b.callCount(), c.callCount())).containsExactly(1, 0);

      b.lastCall().complete(new CheckOutcome(CheckStatus.BLOCKED, "captcha"));
      assertThat(c.callCount()).isEqualTo(1);

      c.lastCall().complete(CheckOutcome.notFound("no"));
      assertThat(done(run).verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void stopsAtFirstFound_andReportsTheRestSkipped() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.SEQUENTIAL).build());

      a.lastCall().complete(CheckOutcome.notFound("no"));
      b.lastCall().complete(CheckOutcome.found("yes"));

      CheckReport report = done(run);
      assertThat(report.verdict()).isEqualTo(Verdict.FOUND);
      assertThat(report.foundOn()).contains("b");
      assertThat(c.wasCalled()).isFalse();
      assertThat(statusOf(report, "c")).isEqualTo(CheckStatus.SKIPPED);
      assertThat(report.resultOf("c").orElseThrow().latency()).isZero();
      assertThat(engine.stats().checksStarted()).isEqualTo(2);
    }

    @Test
    void failedCheck_movesOnToTheNext() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.SEQUENTIAL).build());

      a.lastCall().fail(new IllegalStateException("boom"));

      assertThat(b.wasCalled()).isTrue();
      b.lastCall().complete(CheckOutcome.found("yes"));
      assertThat(statusOf(done(run), "a")).isEqualTo(CheckStatus.ERROR);
    }
  }

  @Nested
  @DisplayName("HEDGED")
  class Hedged {
    private final Duration delay = Duration.ofMillis(100);

    @Test
    void nextCheckStartsOnlyAfterTheDelay() throws Exception {
      ListenableFuture<CheckReport> run =
          engine.run(request(Strategy.HEDGED).hedgeDelay(delay).build());
      assertThat(List.of(a.callCount(), b.callCount(), c.callCount())).containsExactly(1, 0, 0);

      scheduler.advance(Duration.ofMillis(99));
      assertThat(b.wasCalled()).as("b before the delay").isFalse();

      scheduler.advance(Duration.ofMillis(1));
      assertThat(b.wasCalled()).as("b at the delay").isTrue();
      assertThat(c.wasCalled()).as("c one delay later").isFalse();

      scheduler.advance(delay);
      assertThat(c.wasCalled()).isTrue();

      run.cancel(true);
    }

    @Test
    void lateStartedWinnerWins_andTheRestIsCancelledOrSkipped() throws Exception {
      ListenableFuture<CheckReport> run =
          engine.run(request(Strategy.HEDGED).hedgeDelay(delay).build());
      scheduler.advance(delay);

      b.lastCall().complete(CheckOutcome.found("yes"));

      CheckReport report = done(run);
      assertThat(report.foundOn()).contains("b");
      assertThat(a.lastCall().wasCancelledWithInterrupt()).isTrue();
      assertThat(statusOf(report, "a")).isEqualTo(CheckStatus.CANCELLED);
      assertThat(statusOf(report, "c")).isEqualTo(CheckStatus.SKIPPED);
      assertThat(c.wasCalled()).isFalse();
    }

    @Test
    void earlyNotFound_startsTheNextWithoutWaiting() throws Exception {
      ListenableFuture<CheckReport> run =
          engine.run(request(Strategy.HEDGED).hedgeDelay(delay).build());

      scheduler.advance(Duration.ofMillis(10));
      a.lastCall().complete(CheckOutcome.notFound("no"));
      assertThat(b.wasCalled()).isTrue();

      scheduler.advance(Duration.ofMillis(99));
      assertThat(c.wasCalled()).as("the delay restarts when b starts").isFalse();
      scheduler.advance(Duration.ofMillis(1));
      assertThat(c.wasCalled()).isTrue();

      b.lastCall().complete(CheckOutcome.notFound("no"));
      c.lastCall().complete(CheckOutcome.notFound("no"));
      assertThat(done(run).verdict()).isEqualTo(Verdict.NOT_FOUND);
    }

    @Test
    void zeroDelay_behavesLikeRace() throws Exception {
      ListenableFuture<CheckReport> run =
          engine.run(request(Strategy.HEDGED).hedgeDelay(Duration.ZERO).build());

      scheduler.advance(Duration.ZERO);

      assertThat(List.of(a.callCount(), b.callCount(), c.callCount())).containsOnly(1);
      run.cancel(true);
    }
  }

  @Nested
  @DisplayName("timeouts")
  class Timeouts {
    @Test
    void silentPlatform_timesOutAtItsTimeout_andItsCheckIsCancelled() throws Exception {
      ListenableFuture<CheckReport> run =
          engine.run(CheckRequest.builder(EMAIL, List.of(platform("a", 0.5, a))).build());

      scheduler.advance(Duration.ofMillis(9_999));
      assertThat(run).isNotDone();
      scheduler.advance(Duration.ofMillis(1));

      CheckReport report = done(run);
      PlatformResult result = report.resultOf("a").orElseThrow();
      assertThat(result.status()).isEqualTo(CheckStatus.TIMEOUT);
      assertThat(result.detail()).isEqualTo("no answer within 10s");
      assertThat(result.latency()).isEqualTo(Duration.ofSeconds(10));
      assertThat(a.lastCall().wasCancelledWithInterrupt()).isTrue();
      assertThat(a.lastCall().context().timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void checkTimeout_capsThePlatformTimeout() throws Exception {
      ListenableFuture<CheckReport> run =
          engine.run(
              CheckRequest.builder(EMAIL, List.of(platform("a", 0.5, a)))
                  .checkTimeout(Duration.ofMillis(300))
                  .build());
      assertThat(a.lastCall().context().timeout()).isEqualTo(Duration.ofMillis(300));

      scheduler.advance(Duration.ofMillis(300));

      assertThat(statusOf(done(run), "a")).isEqualTo(CheckStatus.TIMEOUT);
    }

    @Test
    void budget_limitsEveryCheckToTheTimeLeft() throws Exception {
      ListenableFuture<CheckReport> run =
          engine.run(request(Strategy.SEQUENTIAL).budget(Duration.ofSeconds(3)).build());
      assertThat(a.lastCall().context().timeout()).isEqualTo(Duration.ofSeconds(3));

      scheduler.advance(Duration.ofSeconds(2));
      a.lastCall().complete(CheckOutcome.notFound("no"));

      assertThat(b.lastCall().context().timeout()).isEqualTo(Duration.ofSeconds(1));
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(c.lastCall().context().timeout()).as("nothing left for c").isZero();
      scheduler.advance(Duration.ZERO);

      CheckReport report = done(run);
      assertThat(statusOf(report, "b")).isEqualTo(CheckStatus.TIMEOUT);
      assertThat(statusOf(report, "c")).isEqualTo(CheckStatus.TIMEOUT);
    }
  }

  @Nested
  @DisplayName("checker failures")
  class Failures {
    @Test
    void throwingChecker_isAnError_withoutTheExceptionMessage() throws Exception {
      PlatformChecker throwing =
          (email, context) -> {
            throw new IllegalStateException("cannot reach " + email.value());
          };
      ListenableFuture<CheckReport> run =
          engine.run(CheckRequest.builder(EMAIL, List.of(platform("x", 0.5, throwing))).build());

      PlatformResult result = done(run).resultOf("x").orElseThrow();
      assertThat(result.status()).isEqualTo(CheckStatus.ERROR);
      assertThat(result.detail())
          .isEqualTo("checker failed: IllegalStateException")
          .doesNotContain(EMAIL.value());
    }

    @Test
    void failedFuture_isAnError() throws Exception {
      ListenableFuture<CheckReport> run =
          engine.run(CheckRequest.builder(EMAIL, List.of(platform("a", 0.5, a))).build());

      a.lastCall().fail(new java.io.IOException("connection reset"));

      PlatformResult result = done(run).resultOf("a").orElseThrow();
      assertThat(result.status()).isEqualTo(CheckStatus.ERROR);
      assertThat(result.detail()).isEqualTo("checker failed: IOException");
    }

    @Test
    void nullFuture_isAnError() throws Exception {
      PlatformChecker broken = (email, context) -> null;
      ListenableFuture<CheckReport> run =
          engine.run(CheckRequest.builder(EMAIL, List.of(platform("x", 0.5, broken))).build());

      assertThat(statusOf(done(run), "x")).isEqualTo(CheckStatus.ERROR);
    }

    @Test
    void instantCheckers_inSequence_completeSynchronously() throws Exception {
      PlatformChecker no = (email, context) -> Futures.immediateFuture(CheckOutcome.notFound("no"));
      List<Platform> instant = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        instant.add(platform("p" + i, 0.5, no));
      }
      ListenableFuture<CheckReport> run =
          engine.run(CheckRequest.builder(EMAIL, instant).strategy(Strategy.SEQUENTIAL).build());

      CheckReport report = done(run);
      assertThat(report.verdict()).isEqualTo(Verdict.NOT_FOUND);
      assertThat(report.results()).hasSize(50);
      assertThat(scheduler.scheduledTotal())
          .as("answers already there need no timeout timer")
          .isZero();
    }
  }

  @Nested
  @DisplayName("cancellation")
  class Cancellation {
    @Test
    void cancellingTheRun_cancelsEveryCheckInFlight_withInterrupt() {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.RACE).build());
      c.lastCall().complete(CheckOutcome.notFound("no"));

      run.cancel(false);

      assertThat(a.lastCall().wasCancelledWithInterrupt()).isTrue();
      assertThat(b.lastCall().wasCancelledWithInterrupt()).isTrue();
      assertThat(engine.stats().checksCancelled()).isEqualTo(2);
      assertThat(engine.stats().checksCompleted()).isEqualTo(1);
    }

    @Test
    void cancellingAHedgedRun_stopsItsTimer_andStartsNothingMore() {
      ListenableFuture<CheckReport> run =
          engine.run(request(Strategy.HEDGED).hedgeDelay(Duration.ofMillis(100)).build());

      run.cancel(true);
      scheduler.advance(Duration.ofSeconds(1));

      assertThat(b.wasCalled()).isFalse();
      assertThat(a.lastCall().isCancelled()).isTrue();
    }

    @Test
    void checkCompletingAfterTheAnswer_changesNothing() throws Exception {
      ListenableFuture<CheckReport> run = engine.run(request(Strategy.RACE).build());
      a.lastCall().complete(CheckOutcome.found("yes"));
      CheckReport report = done(run);

      b.lastCall().complete(CheckOutcome.notFound("late"));

      assertThat(statusOf(report, "b")).isEqualTo(CheckStatus.CANCELLED);
      assertThat(engine.stats().checksCompleted()).isEqualTo(1);
    }
  }

  @Nested
  @DisplayName("listener")
  class Listener {
    @RegisterExtension final CapturedLogs logs = CapturedLogs.of(CheckRun.class);

    @Test
    void hearsCompletedChecksInCompletionOrder_beforeTheReport() throws Exception {
      List<String> events = Collections.synchronizedList(new ArrayList<>());
      ListenableFuture<CheckReport> run =
          engine.run(
              request(Strategy.RACE).stopAtFirstFound(false).build(),
              r -> events.add(r.platformId() + ":" + r.status()));
      run.addListener(() -> events.add("report"), Runnable::run);

      c.lastCall().complete(CheckOutcome.found("yes"));
      a.lastCall().complete(CheckOutcome.notFound("no"));
      assertThat(run).as("no early stop").isNotDone();
      scheduler.advance(Duration.ofSeconds(10));

      assertThat(events).containsExactly("c:FOUND", "a:NOT_FOUND", "b:TIMEOUT", "report");
      CheckReport report = done(run);
      assertThat(report.verdict()).isEqualTo(Verdict.FOUND);
      assertThat(report.foundOn()).contains("c");
    }

    @Test
    void doesNotHearCancelledChecks() throws Exception {
      List<String> events = new ArrayList<>();
      ListenableFuture<CheckReport> run =
          engine.run(request(Strategy.RACE).build(), r -> events.add(r.platformId()));

      b.lastCall().complete(CheckOutcome.found("yes"));

      assertThat(events).containsExactly("b");
      assertThat(done(run).verdict()).isEqualTo(Verdict.FOUND);
    }

    @Test
    void failingListener_doesNotBreakTheRun() throws Exception {
      ListenableFuture<CheckReport> run =
          engine.run(
              request(Strategy.RACE).build(),
              r -> {
                throw new IllegalStateException("listener bug");
              });

      a.lastCall().complete(CheckOutcome.found("yes"));

      assertThat(done(run).verdict()).isEqualTo(Verdict.FOUND);
      assertThat(logs.take(Level.WARN, "check listener failed"))
          .singleElement()
          .satisfies(e -> assertThat(e.getThrowableProxy().getMessage()).isEqualTo("listener bug"));
    }
  }

  @Nested
  @DisplayName("observer")
  class Observer {
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final CheckEngine observed =
        new CheckEngine(
            scheduler,
            scheduler.ticker(),
            new CheckObserver() {
              @Override
              public void checkStarted(String platformId) {
                events.add("started " + platformId);
              }

              @Override
              public void checkEnded(String platformId, CheckStatus status, Duration latency) {
                events.add("ended " + platformId + " " + status + " " + latency.toMillis());
              }

              @Override
              public void checkWasted(String platformId) {
                events.add("wasted " + platformId);
              }

              @Override
              public void runAnswered(CheckRequest request, Verdict verdict, Duration elapsed) {
                events.add(
                    "answered " + request.strategy() + " " + verdict + " " + elapsed.toMillis());
              }
            });

    @Test
    void hearsStarts_ends_cancellations_andTheAnswer() throws Exception {
      ListenableFuture<CheckReport> run = observed.run(request(Strategy.RACE).build());
      scheduler.advance(Duration.ofMillis(40));

      b.lastCall().complete(CheckOutcome.found("yes"));

      done(run);
      assertThat(events)
          .containsExactly(
              "started a",
              "started b",
              "started c",
              "ended b FOUND 40",
              "ended a CANCELLED 40",
              "ended c CANCELLED 40",
              "answered RACE FOUND 40");
    }

    @Test
    void checkCompletingAsItIsCancelled_isWasted() throws Exception {
      // The listener hears b's FOUND before the engine cancels the losers; completing c right
      // then is the race "c answered just as it was being cancelled".
      ListenableFuture<CheckReport> run =
          observed.run(
              request(Strategy.RACE).build(),
              result -> c.lastCall().complete(CheckOutcome.notFound("late")));

      b.lastCall().complete(CheckOutcome.found("yes"));

      assertThat(statusOf(done(run), "c")).isEqualTo(CheckStatus.CANCELLED);
      assertThat(events).contains("wasted c").doesNotContain("wasted a");
    }

    @Test
    void cancelledRun_isNotAnswered() {
      observed.run(request(Strategy.RACE).build()).cancel(true);

      assertThat(events).noneMatch(e -> e.startsWith("answered"));
      assertThat(events).filteredOn(e -> e.contains("CANCELLED")).hasSize(3);
    }
  }
}
