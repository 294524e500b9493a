package dev.socialcheck.server.checkers;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.google.common.base.Ticker;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import java.time.Duration;
import java.util.Optional;

/**
 * Recent definite answers ({@code FOUND}, {@code NOT_FOUND}), keyed by platform and the SHA-256 of
 * the normalized address — never by the address itself. Positive and negative answers have their
 * own time to live; nothing else is cached (an error or a rate limit says nothing about the
 * account). Backed by Caffeine, bounded in size. Thread-safe.
 */
public final class ResultCache {
  private final Cache<String, Entry> cache;
  private final Ticker ticker;
  private final Duration foundTtl;
  private final Duration notFoundTtl;

  /** A cached answer and when it was obtained (ticker nanos). */
  record Entry(CheckOutcome outcome, long storedAtNanos) {}

  /**
   * @param foundTtl how long a FOUND is reused (zero: not cached)
   * @param notFoundTtl how long a NOT_FOUND is reused (zero: not cached)
   * @param maxEntries size bound
   */
  public ResultCache(Duration foundTtl, Duration notFoundTtl, long maxEntries, Ticker ticker) {
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
                    return ttlOf(value.outcome().status()).toNanos();
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Entry value, long currentTime, long currentDuration) {
                    return ttlOf(value.outcome().status()).toNanos();
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

  private Duration ttlOf(CheckStatus status) {
    return status == CheckStatus.FOUND ? foundTtl : notFoundTtl;
  }

  Optional<Entry> get(String key) {
    return Optional.ofNullable(cache.getIfPresent(key));
  }

  void put(String key, CheckOutcome outcome) {
    if (outcome.status().isAnswer() && !ttlOf(outcome.status()).isZero()) {
      cache.put(key, new Entry(outcome, ticker.read()));
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
