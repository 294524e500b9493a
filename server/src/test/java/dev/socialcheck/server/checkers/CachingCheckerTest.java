package dev.socialcheck.server.checkers;

import static dev.socialcheck.server.testing.TestPlatforms.EMAIL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachingCheckerTest {
  private static final CheckContext CONTEXT = new CheckContext(Duration.ofSeconds(5));

  private final FakeScheduler clock = new FakeScheduler();
  private final FakeChecker delegate = new FakeChecker();
  private final ResultCache cache =
      new ResultCache(Duration.ofHours(1), Duration.ofMinutes(10), 100, clock.ticker());
  private final CachingChecker checker = new CachingChecker("p", delegate, cache);

  private CheckOutcome check(EmailAddress email) throws Exception {
    ListenableFuture<CheckOutcome> future = checker.check(email, CONTEXT);
    assertThat(future).isDone();
    return Futures.getDone(future);
  }

  @Test
  void secondCheck_isAnsweredFromTheCache_withoutACall() throws Exception {
    checker.check(EMAIL, CONTEXT);
    delegate.lastCall().complete(CheckOutcome.found("profile exists"));
    clock.advance(Duration.ofSeconds(90));

    CheckOutcome cached = check(EmailAddress.parse("USER@email.com"));

    assertThat(cached.status()).isEqualTo(CheckStatus.FOUND);
    assertThat(cached.detail()).isEqualTo("cached 1m30s ago: profile exists");
    assertThat(cached.cached()).as("marked as a cache answer").isTrue();
    assertThat(delegate.callCount()).isEqualTo(1);
  }

  @Test
  void cachedAnswer_tellsWhatTheCacheHolds_withoutACall() {
    assertThat(checker.cachedAnswer(EMAIL)).as("nothing stored yet").isEmpty();
    checker.check(EMAIL, CONTEXT);
    assertThat(checker.cachedAnswer(EMAIL)).as("in flight: no answer yet").isEmpty();
    delegate.lastCall().complete(CheckOutcome.notFound("no"));

    assertThat(checker.cachedAnswer(EmailAddress.parse("USER@email.com")))
        .contains(CheckStatus.NOT_FOUND);
    assertThat(new CachingChecker("q", delegate, cache).cachedAnswer(EMAIL))
        .as("another platform")
        .isEmpty();
    clock.advance(Duration.ofMinutes(10));
    assertThat(checker.cachedAnswer(EMAIL)).as("expired").isEmpty();
    assertThat(delegate.callCount()).isEqualTo(1);
  }

  @Test
  void notFound_expiresAfterItsOwnTtl() throws Exception {
    checker.check(EMAIL, CONTEXT);
    delegate.lastCall().complete(CheckOutcome.notFound("no"));

    clock.advance(Duration.ofMinutes(9));
    assertThat(check(EMAIL).status()).isEqualTo(CheckStatus.NOT_FOUND);
    clock.advance(Duration.ofMinutes(1));
    checker.check(EMAIL, CONTEXT);

    assertThat(delegate.callCount()).as("expired after 10 minutes").isEqualTo(2);
    delegate.lastCall().complete(CheckOutcome.notFound("no"));
  }

  @Test
  void errorsAndRateLimits_areNeverCached() {
    checker.check(EMAIL, CONTEXT);
    delegate.lastCall().complete(CheckOutcome.error("HTTP 500"));
    checker.check(EMAIL, CONTEXT);
    delegate.lastCall().complete(new CheckOutcome(CheckStatus.RATE_LIMITED, "HTTP 429"));
    checker.check(EMAIL, CONTEXT);
    delegate.lastCall().fail(new IllegalStateException("bug"));
    checker.check(EMAIL, CONTEXT).cancel(true);
    checker.check(EMAIL, CONTEXT);

    assertThat(delegate.callCount()).isEqualTo(5);
    assertThat(cache.size()).isZero();
    delegate.lastCall().complete(CheckOutcome.notFound("no"));
  }

  @Test
  void differentAddresses_andPlatforms_doNotShareEntries() throws Exception {
    checker.check(EMAIL, CONTEXT);
    delegate.lastCall().complete(CheckOutcome.found("yes"));
    FakeChecker other = new FakeChecker();

    checker.check(EmailAddress.parse("someone.else@email.com"), CONTEXT);
    new CachingChecker("q", other, cache).check(EMAIL, CONTEXT);

    assertThat(delegate.callCount()).isEqualTo(2);
    assertThat(other.callCount()).isEqualTo(1);
  }

  @Test
  void zeroTtl_disablesCaching() {
    CachingChecker uncached =
        new CachingChecker(
            "p", delegate, new ResultCache(Duration.ZERO, Duration.ZERO, 100, clock.ticker()));
    uncached.check(EMAIL, CONTEXT);
    delegate.lastCall().complete(CheckOutcome.found("yes"));

    uncached.check(EMAIL, CONTEXT);

    assertThat(delegate.callCount()).isEqualTo(2);
  }

  @Test
  void concurrentMisses_makeOneCall_andEveryWaiterGetsItsOutcome() throws Exception {
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    ListenableFuture<CheckOutcome> second =
        checker.check(EmailAddress.parse("User@email.com"), CONTEXT);

    assertThat(delegate.callCount()).as("the second waits for the first's call").isEqualTo(1);
    assertThat(second).isNotDone();
    delegate.lastCall().complete(CheckOutcome.found("profile exists"));

    assertThat(Futures.getDone(first)).isEqualTo(CheckOutcome.found("profile exists"));
    assertThat(Futures.getDone(second)).isEqualTo(CheckOutcome.found("profile exists"));
    assertThat(cache.coalescedChecks("p")).isEqualTo(1);
    assertThat(checker.inFlight()).as("forgotten once done").isZero();
  }

  @Test
  void firstWaiterCancelled_theCallGoesOn_andTheOtherGetsTheAnswer() throws Exception {
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    ListenableFuture<CheckOutcome> second = checker.check(EMAIL, CONTEXT);

    first.cancel(true);

    assertThat(delegate.lastCall().isDone()).as("the call is still needed").isFalse();
    assertThat(second).isNotDone();
    delegate.lastCall().complete(CheckOutcome.notFound("no"));
    assertThat(first).isCancelled();
    assertThat(Futures.getDone(second)).isEqualTo(CheckOutcome.notFound("no"));
    assertThat(check(EMAIL).cached()).as("and the answer was cached").isTrue();
    assertThat(delegate.callCount()).isEqualTo(1);
  }

  @Test
  void lastWaiterCancelled_cancelsTheCall_andForgetsIt() {
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    ListenableFuture<CheckOutcome> second = checker.check(EMAIL, CONTEXT);
    ListenableFuture<CheckOutcome> third = checker.check(EMAIL, CONTEXT);

    second.cancel(true);
    first.cancel(true);
    assertThat(delegate.lastCall().isDone()).isFalse();
    third.cancel(true);

    assertThat(delegate.lastCall().wasCancelledWithInterrupt()).isTrue();
    assertThat(checker.inFlight()).isZero();
    assertThat(cache.size()).isZero();
    checker.check(EMAIL, CONTEXT);
    assertThat(delegate.callCount()).as("a new check, a new call").isEqualTo(2);
    delegate.lastCall().complete(CheckOutcome.notFound("no"));
  }

  @Test
  void failingCall_reachesEveryWaiter_andIsNotCached() throws Exception {
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    ListenableFuture<CheckOutcome> second = checker.check(EMAIL, CONTEXT);
    IllegalStateException failure = new IllegalStateException("bug");
    delegate.lastCall().fail(failure);

    for (ListenableFuture<CheckOutcome> waiter : List.of(first, second)) {
      assertThat(waiter).isDone();
      assertThatThrownBy(() -> Futures.getDone(waiter)).hasCause(failure);
    }
    ListenableFuture<CheckOutcome> third = checker.check(EMAIL, CONTEXT);
    ListenableFuture<CheckOutcome> fourth = checker.check(EMAIL, CONTEXT);
    delegate.lastCall().complete(CheckOutcome.error("HTTP 500"));

    assertThat(Futures.getDone(third)).isEqualTo(CheckOutcome.error("HTTP 500"));
    assertThat(Futures.getDone(fourth)).isEqualTo(CheckOutcome.error("HTTP 500"));
    assertThat(delegate.callCount()).as("one call per flight, none cached").isEqualTo(2);
    assertThat(cache.size()).isZero();
    assertThat(checker.inFlight()).isZero();
  }

  @Test
  void checkAfterTheCallEnded_isACacheHit_notAWaiter() throws Exception {
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    delegate.lastCall().complete(CheckOutcome.found("profile exists"));

    CheckOutcome later = check(EMAIL);

    assertThat(Futures.getDone(first).cached()).isFalse();
    assertThat(later.cached()).isTrue();
    assertThat(delegate.callCount()).isEqualTo(1);
    assertThat(cache.coalescedChecks("p")).isZero();
  }

  @Test
  void checkerThrowing_failsEveryWaiter_andLeavesNothingInFlight() {
    CachingChecker throwing =
        new CachingChecker(
            "p",
            (email, context) -> {
              throw new IllegalStateException("bug");
            },
            cache);

    ListenableFuture<CheckOutcome> result = throwing.check(EMAIL, CONTEXT);

    assertThatThrownBy(() -> Futures.getDone(result))
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(throwing.inFlight()).isZero();
  }

  @Test
  void differentAddresses_andPlatforms_areNotCoalesced() {
    checker.check(EMAIL, CONTEXT);
    checker.check(EmailAddress.parse("someone.else@email.com"), CONTEXT);
    FakeChecker other = new FakeChecker();
    new CachingChecker("q", other, cache).check(EMAIL, CONTEXT);

    assertThat(delegate.callCount()).isEqualTo(2);
    assertThat(other.callCount()).isEqualTo(1);
    assertThat(cache.coalescedChecks("p")).isZero();
  }

  @Test
  void cacheOff_checksPassStraightThrough_uncoalesced() {
    CachingChecker uncached = new CachingChecker("p", delegate, ResultCache.disabled());

    ListenableFuture<CheckOutcome> first = uncached.check(EMAIL, CONTEXT);
    FakeChecker.Call firstCall = delegate.lastCall();
    uncached.check(EMAIL, CONTEXT);

    assertThat(delegate.callCount()).isEqualTo(2);
    first.cancel(true);
    assertThat(firstCall.wasCancelledWithInterrupt()).isTrue();
  }
}
