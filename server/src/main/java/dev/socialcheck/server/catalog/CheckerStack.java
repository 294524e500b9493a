package dev.socialcheck.server.catalog;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import dev.socialcheck.server.checkers.CachingChecker;
import dev.socialcheck.server.checkers.ResilientChecker;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.checkers.SharedBudgetChecker;
import dev.socialcheck.server.checkers.SharedPlatformBudget;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Puts the server's protections around every platform's checker, the one place where that stack is
 * assembled, whatever built the checker (YAML probe, simulated platform, a provider's jar):
 *
 * <pre>
 * CachingChecker            result cache (when the cache is on)
 *   SharedBudgetChecker     the rate limit shared with other replicas (with Redis)
 *     ResilientChecker      circuit breaker, local rate limit, concurrency bulkhead
 *       the provider's checker
 * </pre>
 *
 * A platform without {@link PlatformDefinition#limits() limits} (the demo's simulated ones) gets
 * the cache only; with the cache off ({@link ResultCache#disabled()}), no platform gets it.
 * Thread-safe; the circuit breakers are created in (and replace those of the same id in) the given
 * registry, where metrics find them.
 */
public final class CheckerStack {
  private final ResultCache cache;
  private final @Nullable SharedPlatformBudget sharedBudget;
  private final CircuitBreakerRegistry circuitBreakers;
  private final Ticker ticker;
  private final Clock clock;

  /**
   * @param cache the result cache ({@link ResultCache#disabled()}: none)
   * @param sharedBudget where rate limits are shared with other replicas; {@code null}: not shared
   * @param circuitBreakers where the platforms' circuit breakers are created
   * @param ticker clock of the resilience decorators
   * @param clock wall clock of the circuit breakers
   */
  public CheckerStack(
      ResultCache cache,
      @Nullable SharedPlatformBudget sharedBudget,
      CircuitBreakerRegistry circuitBreakers,
      Ticker ticker,
      Clock clock) {
    this.cache = requireNonNull(cache, "cache");
    this.sharedBudget = sharedBudget;
    this.circuitBreakers = requireNonNull(circuitBreakers, "circuitBreakers");
    this.ticker = requireNonNull(ticker, "ticker");
    this.clock = requireNonNull(clock, "clock");
  }

  /** The catalog of {@code definition}'s platforms, each behind its protections. */
  public Catalog assemble(CatalogDefinition definition) {
    return assemble(definition, () -> {});
  }

  /**
   * The catalog of {@code definition}'s platforms, each behind its protections.
   *
   * @param onClose releases what the checkers hold (run once, by {@link Catalog#close()})
   */
  public Catalog assemble(CatalogDefinition definition, Runnable onClose) {
    List<Platform> platforms = definition.platforms().stream().map(this::assemble).toList();
    return new Catalog(definition.name(), platforms, onClose);
  }

  /** One platform, its checker behind its protections. */
  public Platform assemble(PlatformDefinition definition) {
    PlatformChecker checker = definition.checker();
    if (definition.limits().isPresent()) {
      PlatformLimits limits = definition.limits().get();
      String id = definition.id();
      checker =
          new ResilientChecker(
              checker,
              circuitBreaker(id, limits.circuitBreaker()),
              rateLimiter(id, limits.rateLimit()),
              bulkhead(id, limits.concurrency()),
              ticker);
      SharedPlatformBudget shared = sharedBudget;
      if (shared != null) {
        checker =
            new SharedBudgetChecker(
                id, checker, shared, limits.rateLimit().requests(), limits.rateLimit().per());
      }
    }
    if (cache.enabled()) {
      checker = new CachingChecker(definition.id(), checker, cache);
    }
    return definition.toPlatform(checker);
  }

  private static RateLimiter rateLimiter(String id, PlatformLimits.RateLimit limit) {
    return RateLimiter.of(
        id,
        RateLimiterConfig.custom()
            .timeoutDuration(Duration.ZERO)
            .limitForPeriod(limit.requests())
            .limitRefreshPeriod(limit.per())
            .build());
  }

  private static Bulkhead bulkhead(String id, int concurrency) {
    return Bulkhead.of(
        id,
        BulkheadConfig.custom()
            .maxConcurrentCalls(concurrency)
            .maxWaitDuration(Duration.ZERO)
            .build());
  }

  private CircuitBreaker circuitBreaker(String id, PlatformLimits.CircuitBreakerLimits limits) {
    circuitBreakers.find(id).ifPresent(old -> circuitBreakers.remove(id));
    return circuitBreakers.circuitBreaker(
        id,
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(limits.window())
            .minimumNumberOfCalls(Math.min(limits.minimumCalls(), limits.window()))
            .failureRateThreshold(limits.failureRatePercent())
            .waitDurationInOpenState(limits.openFor())
            .permittedNumberOfCallsInHalfOpenState(3)
            .clock(clock)
            .build());
  }
}
