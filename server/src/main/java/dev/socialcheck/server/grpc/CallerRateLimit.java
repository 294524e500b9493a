package dev.socialcheck.server.grpc;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.Locale;

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
 */
final class CallerRateLimit implements ServerInterceptor {
  static final Metadata.Key<String> RETRY_PUSHBACK =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  private final double perSecond;
  private final RateLimiterConfig config;
  private final LoadingCache<String, RateLimiter> buckets;

  /**
   * @param perSecond calls per second allowed to each caller
   */
  CallerRateLimit(double perSecond) {
    this.perSecond = perSecond;
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
            .build(key -> RateLimiter.of("caller", config));
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    CallInfo info = CallInfo.current();
    String key =
        info == null
            ? "-"
            : info.caller() != null ? "caller:" + info.caller() : "peer:" + info.peer;
    RateLimiter bucket = buckets.get(key);
    if (!bucket.acquirePermission()) {
      Duration hint = retryHint(bucket);
      Metadata trailers = new Metadata();
      addRetryHint(trailers, hint);
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              String.format(
                  Locale.ROOT,
                  "rate limit of %s calls per second for this caller exceeded; retry in %d ms",
                  perSecond,
                  hint.toMillis())),
          trailers);
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }

  /** Time until the caller's next permit (the whole refresh period if the limiter cannot tell). */
  private Duration retryHint(RateLimiter bucket) {
    if (bucket instanceof AtomicRateLimiter atomic) {
      long nanos = atomic.getDetailedMetrics().getNanosToWait();
      if (nanos > 0) {
        return Duration.ofNanos(nanos);
      }
    }
    return config.getLimitRefreshPeriod();
  }

  static void addRetryHint(Metadata trailers, Duration hint) {
    trailers.put(RETRY_PUSHBACK, Long.toString(Math.max(1, hint.toMillis())));
  }
}
