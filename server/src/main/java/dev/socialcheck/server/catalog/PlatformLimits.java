package dev.socialcheck.server.catalog;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How one platform is protected (and protects us), whatever its checker type: at most {@code
 * concurrency} checks in flight, a rate limit, and a circuit breaker. Values only: {@link
 * CheckerStack} builds the resilience4j objects from them.
 *
 * @param concurrency checks in flight at most; beyond, {@code RATE_LIMITED} at once
 * @param rateLimit calls per period; beyond, {@code RATE_LIMITED} at once
 * @param circuitBreaker when repeated failures stop the calls for a while
 */
public record PlatformLimits(
    int concurrency, RateLimit rateLimit, CircuitBreakerLimits circuitBreaker) {
  /** What a catalog entry gets unless it (or its catalog's {@code defaults:}) says otherwise. */
  public static final PlatformLimits DEFAULTS =
      new PlatformLimits(16, RateLimit.DEFAULT, CircuitBreakerLimits.DEFAULT);

  public PlatformLimits {
    checkArgument(concurrency >= 1, "concurrency must be at least 1");
    requireNonNull(rateLimit, "rateLimit");
    requireNonNull(circuitBreaker, "circuitBreaker");
  }

  /**
   * A rate limit.
   *
   * @param requests calls allowed per {@code per}
   * @param per the period the budget refills
   */
  public record RateLimit(int requests, Duration per) {
    /** 10 calls per second. */
    public static final RateLimit DEFAULT = new RateLimit(10, Duration.ofSeconds(1));

    public RateLimit {
      checkArgument(requests >= 1, "requests must be at least 1");
      checkArgument(per.compareTo(Duration.ZERO) > 0, "per must be positive");
    }
  }

  /**
   * A count-based circuit breaker: open for {@code openFor} once at least {@code
   * failureRatePercent} of the last {@code window} checks failed (after {@code minimumCalls}).
   */
  public record CircuitBreakerLimits(
      int failureRatePercent, int window, int minimumCalls, Duration openFor) {
    /** Open for 30 s when half of the last 20 checks (at least 10) failed. */
    public static final CircuitBreakerLimits DEFAULT =
        new CircuitBreakerLimits(50, 20, 10, Duration.ofSeconds(30));

    public CircuitBreakerLimits {
      checkArgument(
          failureRatePercent >= 1 && failureRatePercent <= 100, "failure rate in [1, 100]");
      checkArgument(window >= 1 && minimumCalls >= 1, "window and minimum calls at least 1");
      checkArgument(openFor.compareTo(Duration.ZERO) > 0, "openFor must be positive");
    }
  }
}
