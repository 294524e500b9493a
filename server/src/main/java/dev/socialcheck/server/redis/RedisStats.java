package dev.socialcheck.server.redis;

import static java.util.Objects.requireNonNull;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Counters of what the shared Redis did and did not do, for metrics and tests. Thread-safe.
 *
 * <p>A <em>fallback</em> is an operation that was done locally instead, because Redis was down, too
 * slow (past the command timeout) or failed: a cache lookup that read as a miss, a cache write that
 * was not shared, a quota or budget decided by this replica's own limiter.
 */
public final class RedisStats {
  /** What a fallback replaced. */
  public enum Use {
    CACHE_GET,
    CACHE_PUT,
    CALLER_QUOTA,
    PLATFORM_BUDGET;

    /** Label value for metrics. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Which limit a shared rate decision was for. */
  public enum Limit {
    CALLER,
    PLATFORM;

    /** Label value for metrics. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final BooleanSupplier up;
  private final LongAdder stateChanges = new LongAdder();
  private final LongAdder cacheHits = new LongAdder();
  private final LongAdder cacheMisses = new LongAdder();
  private final Map<Use, LongAdder> fallbacks = new EnumMap<>(Use.class);
  private final Map<Limit, LongAdder> allowed = new EnumMap<>(Limit.class);
  private final Map<Limit, LongAdder> rejected = new EnumMap<>(Limit.class);

  RedisStats(BooleanSupplier up) {
    this.up = up;
    for (Use use : Use.values()) {
      fallbacks.put(use, new LongAdder());
    }
    for (Limit limit : Limit.values()) {
      allowed.put(limit, new LongAdder());
      rejected.put(limit, new LongAdder());
    }
  }

  /** Whether Redis is in use right now. */
  public boolean up() {
    return up.getAsBoolean();
  }

  /** UP/DOWN transitions so far (the first connection counts as one). */
  public long stateChanges() {
    return stateChanges.sum();
  }

  /** Shared cache lookups that Redis answered with an entry. */
  public long cacheHits() {
    return cacheHits.sum();
  }

  /** Shared cache lookups that Redis answered without an entry. */
  public long cacheMisses() {
    return cacheMisses.sum();
  }

  /** Operations of this kind done locally instead of through Redis. */
  public long fallbacks(Use use) {
    return requireNonNull(fallbacks.get(use)).sum();
  }

  /** Shared rate decisions that let a call through. */
  public long allowed(Limit limit) {
    return requireNonNull(allowed.get(limit)).sum();
  }

  /** Shared rate decisions that refused a call. */
  public long rejected(Limit limit) {
    return requireNonNull(rejected.get(limit)).sum();
  }

  void stateChanged() {
    stateChanges.increment();
  }

  void cacheHit() {
    cacheHits.increment();
  }

  void cacheMiss() {
    cacheMisses.increment();
  }

  void fallback(Use use) {
    requireNonNull(fallbacks.get(use)).increment();
  }

  void decided(Limit limit, boolean wasAllowed) {
    requireNonNull((wasAllowed ? allowed : rejected).get(limit)).increment();
  }
}
