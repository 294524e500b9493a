package dev.socialcheck.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableList;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.checkers.CacheKeys;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.metrics.ServiceMetrics;
import dev.socialcheck.server.redis.SharedRedis;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.PlatformResult;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One server replica for scale-out tests: its own engine, catalog (platforms {@code alpha} and
 * {@code beta} on a fake HTTP server: 200 is FOUND, 404 NOT_FOUND), HTTP client, metrics and — when
 * given a Redis URI — its own Redis connection, shared cache level and shared limits. Callers
 * authenticate as {@code alice} ({@link #ALICE}) or {@code bob} ({@link #BOB}).
 */
final class TestReplica implements AutoCloseable {
  static final String ALICE = "tok-alice-0123456789";
  static final String BOB = "tok-bob-0123456789ab";

  /** The cache key secret every replica shares, as {@code --cache-key-secret-file} would give. */
  static final CacheKeys CACHE_KEYS =
      CacheKeys.withSecret("scale-out-test-secret-0123".getBytes(StandardCharsets.UTF_8));

  final @Nullable SharedRedis redis;
  final ServiceMetrics metrics = new ServiceMetrics();
  final ExecutorService http = Executors.newFixedThreadPool(2);
  final Catalog catalog;
  final TestServer server;

  /**
   * @param platformsBaseUrl where {@code /alpha/<sha256>} and {@code /beta/<sha256>} answer
   * @param redisUri the shared Redis, or {@code null} for a replica with only its local cache
   * @param keyPrefix Redis key prefix
   * @param commandTimeout Redis command timeout
   * @param callerRate per-caller limit, 0 for none
   */
  TestReplica(
      String platformsBaseUrl,
      @Nullable String redisUri,
      String keyPrefix,
      Duration commandTimeout,
      double callerRate)
      throws Exception {
    this(platformsBaseUrl, redisUri, keyPrefix, commandTimeout, callerRate, 100_000);
  }

  /**
   * @param platformRate each platform's rate limit, calls per minute
   */
  TestReplica(
      String platformsBaseUrl,
      @Nullable String redisUri,
      String keyPrefix,
      Duration commandTimeout,
      double callerRate,
      int platformRate)
      throws Exception {
    if (redisUri != null) {
      redis =
          SharedRedis.start(
              new SharedRedis.Settings(
                  redisUri,
                  keyPrefix,
                  commandTimeout,
                  Duration.ofSeconds(1),
                  Duration.ofMillis(100)));
      assertThat(redis.awaitUp(Duration.ofSeconds(10))).as("connected to Redis").isTrue();
      metrics.bindRedis(redis.stats());
    } else {
      redis = null;
    }
    SharedRedis shared = redis;
    ResultCache cache =
        new ResultCache(
            Duration.ofHours(1),
            Duration.ofMinutes(10),
            100_000,
            Ticker.systemTicker(),
            CACHE_KEYS,
            shared == null ? null : shared.resultStore(),
            Clock.systemUTC());
    catalog =
        CatalogLoader.parse(
            "scale-out.yaml",
            """
            defaults: {rate_limit: {requests: %2$d, per: 60s}, concurrency: 1000, timeout: 10s}
            platforms:
              - {id: alpha, name: Alpha, prior: 0.5, kind: api, request: {url: "%1$s/alpha/{email_sha256}"},
                 rules: [{status: 200, result: FOUND}, {status: 404, result: NOT_FOUND}]}
              - {id: beta, name: Beta, prior: 0.4, kind: api, request: {url: "%1$s/beta/{email_sha256}"},
                 rules: [{status: 200, result: FOUND}, {status: 404, result: NOT_FOUND}]}
            """
                .formatted(platformsBaseUrl, platformRate),
            new CatalogLoader.Settings(
                CatalogLoader.newHttpClient(http),
                "socialcheck-test/1",
                cache,
                Ticker.systemTicker(),
                Clock.systemUTC(),
                name -> null,
                CircuitBreakerRegistry.ofDefaults(),
                shared == null ? null : shared.platformBudget()));
    server =
        new TestServer(
            catalog,
            CheckObserver.NONE,
            builder -> {
              builder.metrics(metrics).bearerTokens(Map.of("alice", ALICE, "bob", BOB));
              if (shared != null) {
                builder.redis(shared);
              }
              if (callerRate > 0) {
                builder.callerRateLimit(callerRate);
              }
            });
  }

  SharedRedis redis() {
    SharedRedis shared = redis;
    assertThat(shared).as("a replica with Redis").isNotNull();
    return shared;
  }

  List<PlatformResult> checkEach(String email) {
    return ImmutableList.copyOf(
            server
                .blocking()
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(ALICE)))
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .checkEach(CheckEachRequest.newBuilder().setEmail(email).build()))
        .stream()
        .map(CheckEachResponse::getResult)
        .toList();
  }

  void listPlatforms(String token) {
    server
        .blocking()
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)))
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .listPlatforms(ListPlatformsRequest.getDefaultInstance());
  }

  ServingStatus redisHealth() {
    return health(SocialCheckServer.REDIS_HEALTH_NAME);
  }

  ServingStatus health(String service) {
    return HealthGrpc.newBlockingStub(server.channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  private static Metadata bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return headers;
  }

  @Override
  public void close() {
    server.close();
    catalog.close();
    http.shutdownNow();
    if (redis != null) {
      redis.close();
    }
  }
}
