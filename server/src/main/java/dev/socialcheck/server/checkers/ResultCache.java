package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Recent definite answers ({@code FOUND}, {@code NOT_FOUND}), keyed by platform and the HMAC-SHA256
 * of the normalized address under a secret ({@link CacheKeys}) — never by the address itself, nor
 * by a plain hash that a list of candidate addresses would reverse. Positive and negative answers
 * have their own time to live; nothing else is cached (an error or a rate limit says nothing about
 * the account). Backed by Caffeine, bounded in size. Thread-safe.
 *
 * <p>With a {@link SharedResultStore} (Redis, {@code --redis}) it is a two-level cache: the local
 * Caffeine level answers first; on a local miss the shared level is asked (bounded, never failing),
 * and a shared hit is copied into the local level for the rest of its time to live. Every definite
 * answer is written to both levels, so a neighbour's answer saves this replica a platform call.
 * Replicas read each other's entries only when their {@link CacheKeys} share the secret.
 */
public final class ResultCache {
  private final Cache<String, Entry> cache;
  private final CacheKeys keys;
  private final ConcurrentMap<String, LongAdder> coalesced = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final Duration foundTtl;
  private final Duration notFoundTtl;
  private final @Nullable SharedResultStore shared;
  private final Clock clock;

  /** A cached answer and when it was obtained (ticker nanos). */
  record Entry(CheckOutcome outcome, long storedAtNanos) {}

  /**
   * A local cache whose keys are HMACs under a random secret of this process.
   *
   * @param foundTtl how long a FOUND is reused (zero: not cached)
   * @param notFoundTtl how long a NOT_FOUND is reused (zero: not cached)
   * @param maxEntries size bound
   */
  public ResultCache(Duration foundTtl, Duration notFoundTtl, long maxEntries, Ticker ticker) {
    this(foundTtl, notFoundTtl, maxEntries, ticker, CacheKeys.random(), null, Clock.systemUTC());
  }

  /**
   * A two-level cache: this process's Caffeine cache in front of {@code shared}.
   *
   * @param keys how addresses become keys; replicas sharing {@code shared} need the same secret
   * @param shared the level shared by every replica; {@code null} for a local cache only
   * @param clock wall clock for the shared entries' age (replicas share no ticker)
   */
  public ResultCache(
      Duration foundTtl,
      Duration notFoundTtl,
      long maxEntries,
      Ticker ticker,
      CacheKeys keys,
      @Nullable SharedResultStore shared,
      Clock clock) {
    this.keys = keys;
    this.shared = shared;
    this.clock = clock;
    this.ticker = ticker;
    this.foundTtl = foundTtl;
    this.notFoundTtl = notFoundTtl;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .ticker(ticker::read)
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry value, long currentTime) {
                    return remainingNanos(value);
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Entry value, long currentTime, long currentDuration) {
                    return remainingNanos(value);
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Entry value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
  }

  /** A cache that stores nothing. */
  public static ResultCache disabled() {
    return new ResultCache(Duration.ZERO, Duration.ZERO, 0, Ticker.systemTicker());
  }

  /**
   * Whether anything can be cached: a cache with both TTLs zero is off, and {@link CachingChecker}
   * then passes checks straight through.
   */
  public boolean enabled() {
    return !foundTtl.isZero() || !notFoundTtl.isZero();
  }

  /** The key of {@code email} on {@code platformId} (an HMAC, see {@link CacheKeys}). */
  String keyOf(String platformId, EmailAddress email) {
    return keys.key(platformId, email);
  }

  /** Counts a check that waited for an identical check in flight instead of calling itself. */
  void countCoalesced(String platformId) {
    coalesced.computeIfAbsent(platformId, id -> new LongAdder()).increment();
  }

  /**
   * Checks of {@code platformId} that missed the cache while an identical check was in flight on
   * this replica, and waited for it instead of making a call of their own.
   */
  public long coalescedChecks(String platformId) {
    LongAdder count = coalesced.get(platformId);
    return count == null ? 0 : count.sum();
  }

  private Duration ttlOf(CheckStatus status) {
    return status == CheckStatus.FOUND ? foundTtl : notFoundTtl;
  }

  /** The entry's time to live counted from when it was obtained (a shared entry may be older). */
  private long remainingNanos(Entry entry) {
    long age = Math.max(0, ticker.read() - entry.storedAtNanos());
    return Math.max(0, ttlOf(entry.outcome().status()).toNanos() - age);
  }

  /** Whether a shared level is configured (a local miss is then worth asking it). */
  boolean hasSharedLevel() {
    return shared != null;
  }

  Optional<Entry> get(String key) {
    return Optional.ofNullable(cache.getIfPresent(key));
  }

  /**
   * Asks the shared level after a local miss; a hit is copied into the local level. Never fails:
   * whatever goes wrong reads as a miss, within the shared store's bound.
   */
  ListenableFuture<Optional<Entry>> getShared(String key) {
    SharedResultStore store = shared;
    if (store == null) {
      return Futures.immediateFuture(Optional.empty());
    }
    ListenableFuture<Optional<SharedResultStore.SharedResult>> lookup;
    try {
      lookup = store.get(key);
    } catch (RuntimeException e) {
      return Futures.immediateFuture(Optional.empty());
    }
    ListenableFuture<Optional<Entry>> entry =
        Futures.transform(lookup, found -> found.flatMap(r -> adopt(key, r)), directExecutor());
    return Futures.catching(entry, Exception.class, e -> Optional.empty(), directExecutor());
  }

  private Optional<Entry> adopt(String key, SharedResultStore.SharedResult result) {
    if (!result.status().isAnswer()) {
      return Optional.empty();
    }
    Duration ttl = ttlOf(result.status());
    Duration age = Duration.between(result.storedAt(), clock.instant());
    if (age.isNegative()) {
      age = Duration.ZERO; // another replica's clock runs a little ahead
    }
    if (ttl.isZero() || age.compareTo(ttl) >= 0) {
      return Optional.empty(); // older than this replica's TTL allows
    }
    Entry entry =
        new Entry(
            new CheckOutcome(result.status(), result.detail()), ticker.read() - age.toNanos());
    cache.put(key, entry);
    return Optional.of(entry);
  }

  void put(String key, CheckOutcome outcome) {
    Duration ttl = ttlOf(outcome.status());
    if (outcome.status().isAnswer() && !ttl.isZero()) {
      cache.put(key, new Entry(outcome, ticker.read()));
      SharedResultStore store = shared;
      if (store != null) {
        try {
          store.put(
              key,
              new SharedResultStore.SharedResult(
                  outcome.status(), clock.instant(), outcome.detail()),
              ttl);
        } catch (RuntimeException e) {
          // Best effort by contract; the local level has the answer.
        }
      }
    }
  }

  long nowNanos() {
    return ticker.read();
  }

  /** Entries currently held (approximate). */
  public long size() {
    return cache.estimatedSize();
  }
}
