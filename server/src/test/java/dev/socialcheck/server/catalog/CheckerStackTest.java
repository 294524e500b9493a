package dev.socialcheck.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformDescription;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.server.testing.TickerClock;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one place that puts the protections around a platform's checker. */
class CheckerStackTest {
  private static final EmailAddress EMAIL = EmailAddress.parse("user@example.com");
  private static final CheckContext CONTEXT = new CheckContext(Duration.ofSeconds(5));

  private final FakeScheduler clock = new FakeScheduler();
  private final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();
  private final FakeChecker inner = new FakeChecker();

  private CheckerStack stack(ResultCache cache) {
    return new CheckerStack(
        cache, null, circuitBreakers, clock.ticker(), new TickerClock(clock.ticker()));
  }

  private PlatformDefinition definition(Optional<PlatformLimits> limits) {
    return new PlatformDefinition(
        "acme",
        "Acme",
        0.5,
        Duration.ofSeconds(5),
        "test",
        PlatformDescription.NONE,
        Optional.empty(),
        limits,
        inner);
  }

  private static final PlatformLimits ONE_AT_A_TIME =
      new PlatformLimits(
          1, PlatformLimits.RateLimit.DEFAULT, PlatformLimits.CircuitBreakerLimits.DEFAULT);

  @Test
  void platformWithLimits_isProtected_byItsConcurrencyLimit_andCircuitBreaker() throws Exception {
    Platform platform =
        stack(ResultCache.disabled()).assemble(definition(Optional.of(ONE_AT_A_TIME)));

    ListenableFuture<CheckOutcome> first = platform.checker().check(EMAIL, CONTEXT);
    CheckOutcome second = platform.checker().check(EMAIL, CONTEXT).get();

    assertThat(second.status())
        .as("a second check beyond the concurrency limit of 1")
        .isEqualTo(CheckStatus.RATE_LIMITED);
    assertThat(inner.callCount()).as("calls that reached the checker").isEqualTo(1);
    assertThat(circuitBreakers.find("acme"))
        .as("its circuit breaker, where metrics find it")
        .isPresent();
    first.cancel(true);
  }

  @Test
  void platformWithoutLimits_isNotProtected() {
    Platform platform = stack(ResultCache.disabled()).assemble(definition(Optional.empty()));

    platform.checker().check(EMAIL, CONTEXT);
    platform.checker().check(EMAIL, CONTEXT);

    assertThat(inner.callCount()).as("both checks reached the checker").isEqualTo(2);
    assertThat(platform.checker()).as("the provider's checker as it is").isSameAs(inner);
    assertThat(circuitBreakers.getAllCircuitBreakers()).isEmpty();
  }

  @Test
  void resultCache_answersTheSecondCheck_whenItIsOn() throws Exception {
    ResultCache cache =
        new ResultCache(Duration.ofHours(1), Duration.ofHours(1), 100, clock.ticker());
    Platform platform = stack(cache).assemble(definition(Optional.of(PlatformLimits.DEFAULTS)));
    ListenableFuture<CheckOutcome> first = platform.checker().check(EMAIL, CONTEXT);
    inner.lastCall().complete(CheckOutcome.found("from the platform"));
    assertThat(first.get().status()).isEqualTo(CheckStatus.FOUND);

    CheckOutcome second = platform.checker().check(EMAIL, CONTEXT).get();

    assertThat(second.cached()).as("answered from the cache").isTrue();
    assertThat(inner.callCount()).isEqualTo(1);
  }
}
