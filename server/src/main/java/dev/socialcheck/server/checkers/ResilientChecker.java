package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.ForwardingPlatformChecker;
import dev.socialcheck.server.engine.PlatformChecker;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Protects one platform (and us) with resilience4j: a circuit breaker, a rate limiter and a
 * concurrency bulkhead, all non-blocking.
 *
 * <ul>
 *   <li>Circuit open: {@code SKIPPED} "circuit open" without a call. {@code ERROR}, {@code TIMEOUT}
 *       and {@code BLOCKED} answers count as failures; a check cancelled before its timeout (the
 *       race was won elsewhere, or the caller left) counts as nothing.
 *   <li>Rate limit or concurrency limit reached: {@code RATE_LIMITED} at once, without a call. No
 *       queueing: a queued check would only wait in front of a platform we already call enough, and
 *       fail-fast keeps latency predictable.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ResilientChecker extends ForwardingPlatformChecker {
  private static final Set<CheckStatus> FAILURES =
      Set.of(CheckStatus.ERROR, CheckStatus.TIMEOUT, CheckStatus.BLOCKED);

  private final CircuitBreaker circuitBreaker;
  private final RateLimiter rateLimiter;
  private final Bulkhead bulkhead;
  private final Ticker ticker;

  public ResilientChecker(
      PlatformChecker delegate,
      CircuitBreaker circuitBreaker,
      RateLimiter rateLimiter,
      Bulkhead bulkhead,
      Ticker ticker) {
    super(delegate);
    this.circuitBreaker = circuitBreaker;
    this.rateLimiter = rateLimiter;
    this.bulkhead = bulkhead;
    this.ticker = ticker;
  }

  /** The platform's circuit breaker (state for metrics and health). */
  public CircuitBreaker circuitBreaker() {
    return circuitBreaker;
  }

  /**
   * False while the circuit is open (a check would be {@code SKIPPED} without a call), else what
   * the checker inside says.
   */
  @Override
  public boolean available() {
    return !circuitOpen() && super.available();
  }

  @Override
  public Optional<String> unavailableReason() {
    return circuitOpen()
        ? Optional.of("circuit open after repeated errors or timeouts")
        : super.unavailableReason();
  }

  /** Nothing while the circuit is open: a check would be refused, not answered from a cache. */
  @Override
  public Optional<CheckStatus> cachedAnswer(EmailAddress email) {
    return circuitOpen() ? Optional.empty() : super.cachedAnswer(email);
  }

  private boolean circuitOpen() {
    CircuitBreaker.State state = circuitBreaker.getState();
    return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    if (!circuitBreaker.tryAcquirePermission()) {
      return Futures.immediateFuture(
          new CheckOutcome(
              CheckStatus.SKIPPED,
              "circuit open after repeated errors or timeouts; the platform is tried again"
                  + " after a pause"));
    }
    if (!bulkhead.tryAcquirePermission()) {
      circuitBreaker.releasePermission();
      return Futures.immediateFuture(
          new CheckOutcome(
              CheckStatus.RATE_LIMITED,
              "local concurrency limit reached ("
                  + bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
                  + " checks in flight)"));
    }
    if (!rateLimiter.acquirePermission()) {
      bulkhead.onComplete();
      circuitBreaker.releasePermission();
      return Futures.immediateFuture(
          new CheckOutcome(
              CheckStatus.RATE_LIMITED,
              "local rate limit reached ("
                  + rateLimiter.getRateLimiterConfig().getLimitForPeriod()
                  + " per "
                  + DurationText.format(rateLimiter.getRateLimiterConfig().getLimitRefreshPeriod())
                  + ")"));
    }
    long start = ticker.read();
    ListenableFuture<CheckOutcome> result;
    try {
      result = delegate().check(email, context);
    } catch (RuntimeException e) {
      result = Futures.immediateFailedFuture(e);
    }
    ListenableFuture<CheckOutcome> watched = result;
    watched.addListener(() -> record(watched, start, context), directExecutor());
    return watched;
  }

  private void record(ListenableFuture<CheckOutcome> result, long start, CheckContext context) {
    bulkhead.onComplete();
    long elapsed = ticker.read() - start;
    if (result.isCancelled()) {
      if (elapsed >= context.timeout().toNanos()) {
        circuitBreaker.onError(
            elapsed, TimeUnit.NANOSECONDS, new CheckFailure(CheckStatus.TIMEOUT));
      } else {
        circuitBreaker.releasePermission();
      }
      return;
    }
    CheckStatus status;
    try {
      status = requireNonNull(Futures.getDone(result)).status();
    } catch (Exception e) {
      status = CheckStatus.ERROR;
    }
    if (FAILURES.contains(status)) {
      circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, new CheckFailure(status));
    } else {
      circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
    }
  }

  /** What the circuit breaker records for a failed check (no stack trace: it is not a bug). */
  private static final class CheckFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CheckFailure(CheckStatus status) {
      super(status.name(), null, false, false);
    }
  }
}
