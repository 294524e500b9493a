package dev.socialcheck.server.redis;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Rate limits shared by every replica: GCRA (the generic cell rate algorithm, a token bucket that
 * stores one timestamp) in a Lua script, so that check-and-update is one atomic step in Redis.
 *
 * <p>Time is Redis's own ({@code TIME} inside the script): one clock for every replica, so clock
 * skew between replicas cannot hand out extra calls, and the stored value stays meaningful
 * whichever replica reads it next. (Redis 7 replicates scripts by their effects, so a script may
 * read the time before it writes.)
 *
 * <p>The script is sent by its SHA-1 ({@code EVALSHA}); after a Redis restart or {@code SCRIPT
 * FLUSH} the {@code NOSCRIPT} answer makes it send the body once ({@code EVAL}, which also caches
 * it). A decision Redis cannot make in time is empty: the caller falls back to its local limiter.
 * Thread-safe.
 */
public final class RedisRateLimiter {
  /**
   * KEYS[1]: the theoretical arrival time (TAT) in microseconds. ARGV[1]: emission interval (µs per
   * call); ARGV[2]: burst (calls allowed at once). Returns {allowed (1/0), µs to wait}.
   */
  static final String SCRIPT =
      """
      local interval = tonumber(ARGV[1])
      local burst = tonumber(ARGV[2])
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
      local tat = tonumber(redis.call('GET', KEYS[1]) or now) or now
      if tat < now then tat = now end
      local new_tat = tat + interval
      local allow_at = new_tat - burst * interval
      if allow_at > now then
        return {0, allow_at - now}
      end
      redis.call('SET', KEYS[1], string.format('%.0f', new_tat),
                 'PX', math.floor((new_tat - now) / 1000) + 1)
      return {1, 0}
      """;

  static final String SCRIPT_SHA = sha1Hex(SCRIPT);

  /**
   * A rate: one call per {@code interval} on average, {@code burst} of them at once.
   *
   * @param intervalMicros emission interval in microseconds (1 s / rate)
   * @param burst calls that may come at once
   */
  public record Rate(long intervalMicros, int burst) {
    public Rate {
      checkArgument(intervalMicros > 0, "interval must be positive");
      checkArgument(burst >= 1, "burst must be at least 1");
    }

    /**
     * {@code perSecond} calls per second, {@code ceil(perSecond)} at once: the local limiter's
     * budget, now shared.
     */
    public static Rate perSecond(double perSecond) {
      checkArgument(perSecond > 0 && Double.isFinite(perSecond), "rate must be positive");
      return new Rate(
          Math.max(1, Math.round(1_000_000 / perSecond)), (int) Math.max(1, Math.ceil(perSecond)));
    }

    /** {@code requests} per {@code period}, all of which may come at once. */
    public static Rate of(int requests, Duration period) {
      checkArgument(requests >= 1, "requests must be at least 1");
      long micros = period.toNanos() / 1000;
      return new Rate(Math.max(1, micros / requests), requests);
    }
  }

  /**
   * What Redis decided.
   *
   * @param allowed whether the call may go ahead
   * @param retryAfter when refused, how long until a call would be allowed
   */
  public record Decision(boolean allowed, Duration retryAfter) {}

  private final SharedRedis redis;
  private final String prefix;

  RedisRateLimiter(SharedRedis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /**
   * Takes one call from the bucket {@code <prefix><key>}. Never fails: empty when Redis is down,
   * slow or failing, i.e. when the caller must decide with its local limiter.
   *
   * @param key the bucket's key after the prefix, e.g. {@code quota:<sha256 of the caller>}; never
   *     personal data in clear
   * @param limit what the decision is for (counters)
   */
  public ListenableFuture<Optional<Decision>> acquire(
      String key, Rate rate, RedisStats.Limit limit) {
    RedisStats stats = redis.stats();
    RedisStats.Use use =
        limit == RedisStats.Limit.CALLER
            ? RedisStats.Use.CALLER_QUOTA
            : RedisStats.Use.PLATFORM_BUDGET;
    if (!redis.isUp()) {
      stats.fallback(use);
      return Futures.immediateFuture(Optional.empty());
    }
    String[] keys = {prefix + key};
    String interval = Long.toString(rate.intervalMicros());
    String burst = Integer.toString(rate.burst());
    ListenableFuture<List<Object>> reply =
        Futures.catchingAsync(
            redis.<List<Object>>execute(
                c -> c.evalsha(SCRIPT_SHA, ScriptOutputType.MULTI, keys, interval, burst)),
            RedisNoScriptException.class,
            e ->
                redis.<List<Object>>execute(
                    c -> c.eval(SCRIPT, ScriptOutputType.MULTI, keys, interval, burst)),
            directExecutor());
    ListenableFuture<Optional<Decision>> decision =
        Futures.transform(
            reply,
            values -> {
              Decision d = decode(values);
              stats.decided(limit, d.allowed());
              return Optional.of(d);
            },
            directExecutor());
    return Futures.catching(
        decision,
        Exception.class,
        e -> {
          stats.fallback(use);
          return Optional.empty();
        },
        directExecutor());
  }

  private static Decision decode(List<Object> values) {
    if (values.size() != 2
        || !(values.get(0) instanceof Long allowed)
        || !(values.get(1) instanceof Long waitMicros)) {
      throw new IllegalStateException("unexpected reply of the rate limit script");
    }
    return new Decision(allowed == 1, Duration.ofNanos(Math.max(0, waitMicros) * 1000));
  }

  private static String sha1Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
