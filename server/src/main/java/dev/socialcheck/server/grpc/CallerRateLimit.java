package dev.socialcheck.server.grpc;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.google.common.hash.Hashing;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.redis.RedisRateLimiter;
import dev.socialcheck.server.redis.RedisStats;
import dev.socialcheck.server.redis.SharedRedis;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Limits each caller to a rate of calls: {@code ceil(rate)} calls per second, all of which may come
 * at once (resilience4j's refreshing permits; below one call per second, one call per {@code
 * 1/rate} seconds). The caller is the authenticated token's name, or else the peer's IP address.
 * Over the limit, the call fails at once with {@code RESOURCE_EXHAUSTED}, a message that says so,
 * and a retry hint in the {@code grpc-retry-pushback-ms} trailer (which gRPC retry policies
 * honour).
 *
 * <p>Why: socialcheck answers "does this address have an account?", which makes it an oracle an
 * abuser could use to enumerate or confirm addresses. A per-caller budget bounds what one client
 * can learn, and protects the platforms we ask.
 *
 * <p>With a {@link SharedRedis} the budget is one for every replica: the decision is taken in Redis
 * (GCRA, {@link RedisRateLimiter}, burst {@code ceil(rate)}), under the key {@code
 * quota:<sha256(caller)>} (a caller's IP is personal data). The call waits for that decision
 * without holding a thread (the call is started, or refused, from the decision's callback), at most
 * the Redis command timeout; when Redis is DOWN, slow or failing, this replica's own limiter
 * decides, as without Redis.
 *
 * <p>{@code CheckMany} items take their permits from the same budget ({@link ItemPermits}): the
 * stream itself is one call, and each of its items one more.
 */
final class CallerRateLimit implements ServerInterceptor, ItemPermits {
  static final Metadata.Key<String> RETRY_PUSHBACK =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  /** Without a shared Redis, the local limiter decides: one future for every call. */
  private static final ListenableFuture<Optional<RedisRateLimiter.Decision>> LOCAL_DECISION =
      Futures.immediateFuture(Optional.empty());

  private final double perSecond;
  private final RateLimiterConfig config;
  private final LoadingCache<String, CallerBucket> buckets;
  private final @Nullable SharedRedis shared;
  private final RedisRateLimiter.Rate sharedRate;
  private final Runnable onRefused;

  /**
   * @param perSecond calls per second allowed to each caller
   * @param shared where the budget is shared with the other replicas; {@code null}: local only
   * @param onRefused told about every refused call (metrics); fast, never throws
   */
  CallerRateLimit(double perSecond, @Nullable SharedRedis shared, Runnable onRefused) {
    this.perSecond = perSecond;
    this.onRefused = onRefused;
    this.shared = shared;
    this.sharedRate = RedisRateLimiter.Rate.perSecond(perSecond);
    this.config =
        perSecond >= 1
            ? RateLimiterConfig.custom()
                .limitForPeriod((int) Math.ceil(perSecond))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build()
            : RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofNanos((long) (1e9 / perSecond)))
                .timeoutDuration(Duration.ZERO)
                .build();
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            // Maintenance (replaying reads for expiry and eviction) on the calling thread, a bit
            // at a time: with the default executor, a busy caller's reads schedule a task on the
            // common pool every few calls, a thread wake-up that cost more than the lookup.
            .executor(Runnable::run)
            .build(key -> new CallerBucket(RateLimiter.of("caller", config), System.nanoTime()));
  }

  /**
   * One caller's local limiter, and when it was made: its refresh periods are counted from then.
   */
  private record CallerBucket(RateLimiter limiter, long createdNanos) {}

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String key = callerKey(CallInfo.current());
    ListenableFuture<Optional<RedisRateLimiter.Decision>> decision = decide(key);
    if (decision.isDone()) {
      Optional<Duration> refusal = refusal(key, decision);
      if (refusal.isPresent()) {
        refuse(call, refusal.get());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
    // Waiting for Redis: hold the call's events until the decision, without holding a thread.
    // Before it is started no message is requested, so only cancellation can arrive meanwhile.
    DelayedServerListener<ReqT> delayed = new DelayedServerListener<>();
    Context context = Context.current();
    decision.addListener(
        () -> {
          Context previous = context.attach();
          try {
            decide(call, headers, next, key, decision, delayed);
          } finally {
            context.detach(previous);
          }
        },
        directExecutor());
    return delayed;
  }

  /** The key of the caller's budget: its token name, else its IP address. */
  static String callerKey(@Nullable CallInfo info) {
    return info == null
        ? "-"
        : info.caller() != null ? "caller:" + info.caller() : "peer:" + info.peer;
  }

  @Override
  public ListenableFuture<Optional<Duration>> tryAcquire(String callerKey) {
    ListenableFuture<Optional<RedisRateLimiter.Decision>> decision = decide(callerKey);
    return decision.isDone()
        ? Futures.immediateFuture(refusal(callerKey, decision))
        : Futures.transform(decision, ignored -> refusal(callerKey, decision), directExecutor());
  }

  /** Redis's decision, or empty at once without Redis (then the local limiter decides). */
  private ListenableFuture<Optional<RedisRateLimiter.Decision>> decide(String key) {
    return shared == null
        ? LOCAL_DECISION
        : shared
            .rateLimiter()
            .acquire(
                "quota:" + Hashing.sha256().hashString(key, StandardCharsets.UTF_8),
                sharedRate,
                RedisStats.Limit.CALLER);
  }

  private <ReqT, RespT> void decide(
      ServerCall<ReqT, RespT> call,
      Metadata headers,
      ServerCallHandler<ReqT, RespT> next,
      String key,
      ListenableFuture<Optional<RedisRateLimiter.Decision>> decision,
      DelayedServerListener<ReqT> delayed) {
    if (delayed.isCancelled()) {
      delayed.setDelegate(new ServerCall.Listener<>() {});
      return; // the caller left while waiting: nothing to start, nothing to refuse
    }
    Optional<Duration> refusal = refusal(key, decision);
    if (refusal.isPresent()) {
      refuse(call, refusal.get());
      delayed.setDelegate(new ServerCall.Listener<>() {});
      return;
    }
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      call.close(Status.fromThrowable(e), new Metadata());
      listener = new ServerCall.Listener<>() {};
    }
    delayed.setDelegate(listener);
  }

  /**
   * Empty when the call may go ahead, else the retry hint; the local limiter decides without Redis.
   */
  private Optional<Duration> refusal(
      String key, ListenableFuture<Optional<RedisRateLimiter.Decision>> decision) {
    Optional<RedisRateLimiter.Decision> fromRedis;
    try {
      fromRedis = requireNonNull(Futures.getDone(decision));
    } catch (Exception e) {
      fromRedis = Optional.empty(); // never happens by contract; decide locally anyway
    }
    if (fromRedis.isPresent()) {
      RedisRateLimiter.Decision d = fromRedis.get();
      return d.allowed() ? Optional.empty() : Optional.of(d.retryAfter());
    }
    CallerBucket bucket = buckets.get(key);
    return bucket.limiter().acquirePermission() ? Optional.empty() : Optional.of(retryHint(bucket));
  }

  private void refuse(ServerCall<?, ?> call, Duration hint) {
    onRefused.run();
    Metadata trailers = new Metadata();
    addRetryHint(trailers, hint);
    call.close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            String.format(
                Locale.ROOT,
                "rate limit of %s calls per second for this caller exceeded; retry in %d ms",
                perSecond,
                Math.max(1, hint.toMillis()))),
        trailers);
  }

  /**
   * Time until the caller's next permit: the end of the current refresh period. resilience4j's
   * limiter (public API: permits restored every period) counts its periods from its creation; were
   * it to count them otherwise, the hint would still be at most one period.
   */
  private Duration retryHint(CallerBucket bucket) {
    long period = config.getLimitRefreshPeriod().toNanos();
    long intoPeriod = Math.floorMod(System.nanoTime() - bucket.createdNanos(), period);
    return Duration.ofNanos(period - intoPeriod);
  }

  static void addRetryHint(Metadata trailers, Duration hint) {
    trailers.put(RETRY_PUSHBACK, Long.toString(Math.max(1, hint.toMillis())));
  }
}
