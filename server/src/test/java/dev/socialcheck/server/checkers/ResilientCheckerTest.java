package dev.socialcheck.server.checkers;

import static dev.socialcheck.server.testing.TestPlatforms.EMAIL;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.server.testing.TickerClock;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Circuit breaker, rate limiter and bulkhead around a hand-driven checker, on a fake clock. */
class ResilientCheckerTest {
  private static final CheckContext CONTEXT = new CheckContext(Duration.ofSeconds(5));

  private final FakeScheduler clock = new FakeScheduler();
  private final FakeChecker delegate = new FakeChecker();
  private final CircuitBreaker circuitBreaker =
      CircuitBreaker.of(
          "p",
          CircuitBreakerConfig.custom()
              .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
              .slidingWindowSize(4)
              .minimumNumberOfCalls(4)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(30))
              .permittedNumberOfCallsInHalfOpenState(1)
              .clock(new TickerClock(clock.ticker()))
              .build());

  private ResilientChecker checker(int concurrency, int perHour) {
    return new ResilientChecker(
        delegate,
        circuitBreaker,
        RateLimiter.of(
            "p",
            RateLimiterConfig.custom()
                .limitForPeriod(perHour)
                .limitRefreshPeriod(Duration.ofHours(1))
                .timeoutDuration(Duration.ZERO)
                .build()),
        Bulkhead.of(
            "p",
            BulkheadConfig.custom()
                .maxConcurrentCalls(concurrency)
                .maxWaitDuration(Duration.ZERO)
                .build()),
        clock.ticker());
  }

  private static CheckOutcome done(ListenableFuture<CheckOutcome> future) throws Exception {
    assertThat(future).isDone();
    return Futures.getDone(future);
  }

  private void answer(ResilientChecker checker, CheckOutcome outcome) {
    checker.check(EMAIL, CONTEXT);
    delegate.lastCall().complete(outcome);
  }

  @Test
  void repeatedErrors_openTheCircuit_thenItSkipsWithoutCalling() throws Exception {
    ResilientChecker checker = checker(100, 1000);
    answer(checker, CheckOutcome.notFound("no"));
    answer(checker, CheckOutcome.error("HTTP 500"));
    answer(checker, new CheckOutcome(CheckStatus.BLOCKED, "captcha"));
    answer(checker, CheckOutcome.notFound("no"));
    assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

    CheckOutcome skipped = done(checker.check(EMAIL, CONTEXT));

    assertThat(skipped.status()).isEqualTo(CheckStatus.SKIPPED);
    assertThat(skipped.detail()).startsWith("circuit open");
    assertThat(delegate.callCount()).isEqualTo(4);
  }

  @Test
  void openCircuit_letsAProbeThroughAfterTheWait_andCloses() throws Exception {
    ResilientChecker checker = checker(100, 1000);
    for (int i = 0; i < 4; i++) {
      answer(checker, CheckOutcome.error("HTTP 503"));
    }
    assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(checker.available()).as("open: a check would be refused").isFalse();

    clock.advance(Duration.ofSeconds(31));
    ListenableFuture<CheckOutcome> probe = checker.check(EMAIL, CONTEXT);

    assertThat(delegate.callCount()).as("half-open probe reaches the platform").isEqualTo(5);
    assertThat(checker.available()).as("half-open: probes go through").isTrue();
    delegate.lastCall().complete(CheckOutcome.found("yes"));
    assertThat(done(probe).status()).isEqualTo(CheckStatus.FOUND);
    assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(checker.available()).isTrue();
  }

  @Test
  void checkCancelledBeforeItsTimeout_isNotAFailure() {
    ResilientChecker checker = checker(100, 1000);
    for (int i = 0; i < 4; i++) {
      checker.check(EMAIL, CONTEXT).cancel(true);
    }

    assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(circuitBreaker.getMetrics().getNumberOfFailedCalls()).isZero();
  }

  @Test
  void checkCancelledAtItsTimeout_countsAsATimeoutFailure() {
    ResilientChecker checker = checker(100, 1000);
    ListenableFuture<CheckOutcome> check = checker.check(EMAIL, CONTEXT);

    clock.advance(CONTEXT.timeout());
    check.cancel(true);

    assertThat(circuitBreaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  @Test
  void concurrencyLimit_isRateLimited_untilACheckFinishes() throws Exception {
    ResilientChecker checker = checker(1, 1000);
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);

    CheckOutcome refused = done(checker.check(EMAIL, CONTEXT));
    assertThat(refused.status()).isEqualTo(CheckStatus.RATE_LIMITED);
    assertThat(refused.detail()).isEqualTo("local concurrency limit reached (1 checks in flight)");
    assertThat(delegate.callCount()).isEqualTo(1);

    delegate.lastCall().complete(CheckOutcome.notFound("no"));
    assertThat(done(first).status()).isEqualTo(CheckStatus.NOT_FOUND);
    checker.check(EMAIL, CONTEXT);
    assertThat(delegate.callCount()).isEqualTo(2);
    delegate.lastCall().complete(CheckOutcome.notFound("no"));
  }

  @Test
  void rateLimit_isRateLimited_withoutCallingThePlatform() throws Exception {
    ResilientChecker checker = checker(100, 1);
    answer(checker, CheckOutcome.notFound("no"));

    CheckOutcome refused = done(checker.check(EMAIL, CONTEXT));

    assertThat(refused.status()).isEqualTo(CheckStatus.RATE_LIMITED);
    assertThat(refused.detail()).isEqualTo("local rate limit reached (1 per 1h0m)");
    assertThat(delegate.callCount()).isEqualTo(1);
  }
}
