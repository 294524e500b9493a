package dev.socialcheck.server.checkers;

import static dev.socialcheck.server.testing.TestPlatforms.EMAIL;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import java.time.Duration;
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
}
