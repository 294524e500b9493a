package dev.socialcheck.server.redis;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.checkers.SharedResultStore;
import dev.socialcheck.server.engine.CheckStatus;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result cache's shared level in Redis: {@code <prefix>cache:<platform>:<hmac>} holds {@code
 * 1|F|<stored-at epoch ms>|<detail>} ({@code N} for NOT_FOUND), written with {@code SET ... PX
 * <ttl>}. No address is stored: the key has its HMAC-SHA256 under the replicas' shared secret
 * ({@code --cache-key-secret-file}), which a list of candidate addresses cannot reverse without the
 * secret; the detail never holds personal data. A lookup that Redis does not answer in time reads
 * as a miss.
 */
final class RedisResultStore implements SharedResultStore {
  /** Longest detail kept: details are short human text, this bounds a value's size. */
  static final int MAX_DETAIL = 200;

  private static final String VERSION = "1";

  private final SharedRedis redis;
  private final String prefix;

  RedisResultStore(SharedRedis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  @Override
  public ListenableFuture<Optional<SharedResult>> get(String key) {
    RedisStats stats = redis.stats();
    if (!redis.isUp()) {
      stats.fallback(RedisStats.Use.CACHE_GET);
      return Futures.immediateFuture(Optional.empty());
    }
    ListenableFuture<Optional<SharedResult>> decoded =
        Futures.transform(
            redis.<@Nullable String>execute(c -> c.get(prefix + key)),
            value -> {
              Optional<SharedResult> result = decode(value);
              if (result.isPresent()) {
                stats.cacheHit();
              } else {
                stats.cacheMiss();
              }
              return result;
            },
            directExecutor());
    return Futures.catching(
        decoded,
        Exception.class,
        e -> {
          stats.fallback(RedisStats.Use.CACHE_GET);
          return Optional.empty();
        },
        directExecutor());
  }

  @Override
  public void put(String key, SharedResult result, Duration ttl) {
    RedisStats stats = redis.stats();
    if (!redis.isUp() || !result.status().isAnswer() || ttl.toMillis() <= 0) {
      if (result.status().isAnswer()) {
        stats.fallback(RedisStats.Use.CACHE_PUT);
      }
      return;
    }
    ListenableFuture<String> written =
        redis.execute(c -> c.set(prefix + key, encode(result), SetArgs.Builder.px(ttl.toMillis())));
    written.addListener(
        () -> {
          try {
            Futures.getDone(written);
          } catch (Exception | Error e) {
            stats.fallback(RedisStats.Use.CACHE_PUT);
          }
        },
        directExecutor());
  }

  /** {@code 1|F|<epoch ms>|<detail>}. */
  static String encode(SharedResult result) {
    String detail = result.detail();
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL);
    }
    return VERSION
        + "|"
        + (result.status() == CheckStatus.FOUND ? "F" : "N")
        + "|"
        + result.storedAt().toEpochMilli()
        + "|"
        + detail;
  }

  /** The entry, or empty for a missing or unreadable value (an unknown version reads as a miss). */
  static Optional<SharedResult> decode(@Nullable String value) {
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.split("\\|", 4);
    if (parts.length != 4 || !parts[0].equals(VERSION)) {
      return Optional.empty();
    }
    CheckStatus status =
        switch (parts[1]) {
          case "F" -> CheckStatus.FOUND;
          case "N" -> CheckStatus.NOT_FOUND;
          default -> null;
        };
    if (status == null) {
      return Optional.empty();
    }
    long storedAt;
    try {
      storedAt = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.of(new SharedResult(status, Instant.ofEpochMilli(storedAt), parts[3]));
  }
}
