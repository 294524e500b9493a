package dev.socialcheck.server.grpc;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.redis.RedisStats;
import dev.socialcheck.server.testing.RedisServer;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas — two servers, each with its own engine, catalog, HTTP client and Redis connection —
 * in front of the same fake platforms (WireMock), sharing one real redis-server. "No platform call"
 * is what WireMock did not receive.
 */
class ScaleOutTest {
  private static final String PREFIX = "scaleout:";
  private static final String ALICE = TestReplica.ALICE;
  private static final String BOB = TestReplica.BOB;

  @RegisterExtension
  static final WireMockExtension platforms =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static RedisServer redis;
  private final List<TestReplica> replicas = new ArrayList<>();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.startNew();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void stubPlatforms() {
    platforms.stubFor(get(urlPathMatching("/alpha/.*")).willReturn(aResponse().withStatus(200)));
    platforms.stubFor(get(urlPathMatching("/beta/.*")).willReturn(aResponse().withStatus(404)));
  }

  @AfterEach
  void stopReplicas() throws Exception {
    for (TestReplica replica : replicas) {
      replica.close();
    }
    redis.start();
    redis.command("FLUSHALL");
  }

  @Test
  void checkThroughA_isACacheHitOnB_withoutAPlatformCall() throws Exception {
    TestReplica a = replica(0);
    TestReplica b = replica(0);

    List<PlatformResult> first = a.checkEach("someone@example.com");
    String sha = EmailAddress.parse("someone@example.com").sha256Hex();
    // A writes to Redis behind the answer (the call does not wait for the SET): let it land.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                redis.get(cacheKey("alpha", "someone@example.com")) != null
                    && redis.get(cacheKey("beta", "someone@example.com")) != null);
    List<PlatformResult> second = b.checkEach("Someone@example.com ");

    assertThat(first)
        .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
        .containsExactlyInAnyOrder(
            Tuple.tuple("alpha", PlatformStatus.PLATFORM_STATUS_FOUND),
            Tuple.tuple("beta", PlatformStatus.PLATFORM_STATUS_NOT_FOUND));
    assertThat(second)
        .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
        .containsExactlyInAnyOrder(
            Tuple.tuple("alpha", PlatformStatus.PLATFORM_STATUS_FOUND),
            Tuple.tuple("beta", PlatformStatus.PLATFORM_STATUS_NOT_FOUND));
    assertThat(second)
        .extracting(PlatformResult::getDetail)
        .as("answered from the shared cache")
        .allMatch(detail -> detail.startsWith("cached "));
    assertThat(calls("/alpha/" + sha))
        .as("platform calls for 'alpha', A and B together")
        .isEqualTo(1);
    assertThat(calls("/beta/" + sha))
        .as("platform calls for 'beta', A and B together")
        .isEqualTo(1);
    assertThat(b.redis().stats().cacheHits()).isEqualTo(2);
  }

  @Test
  void sharedCache_keysAreHmacs_neverAddressesNorTheirPlainHashes() throws Exception {
    TestReplica a = replica(0);
    a.checkEach("someone@example.com");
    String sha = EmailAddress.parse("someone@example.com").sha256Hex();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> redis.keys().stream().filter(k -> k.startsWith(PREFIX + "cache:")).count() == 2);
    assertThat(redis.keys())
        .contains(cacheKey("alpha", "someone@example.com"), cacheKey("beta", "someone@example.com"))
        .noneMatch(key -> key.contains("@") || key.contains("someone") || key.contains(sha));
    assertThat(redis.get(cacheKey("alpha", "someone@example.com")))
        .as("status, stored-at (epoch ms), detail")
        .matches("1\\|F\\|[0-9]{13}\\|HTTP 200");
    assertThat(redis.get(cacheKey("beta", "someone@example.com")))
        .matches("1\\|N\\|[0-9]{13}\\|HTTP 404");
  }

  @Test
  void callerQuota_isSharedByBothReplicas() throws Exception {
    // 0.001 calls per second: a burst of one, the next in 1000 s, so the test does not race time.
    TestReplica a = replica(0.001);
    TestReplica b = replica(0.001);

    a.listPlatforms(ALICE);
    StatusRuntimeException onB =
        catchThrowableOfType(StatusRuntimeException.class, () -> b.listPlatforms(ALICE));
    b.listPlatforms(BOB);
    StatusRuntimeException onA =
        catchThrowableOfType(StatusRuntimeException.class, () -> a.listPlatforms(BOB));

    for (StatusRuntimeException refused : List.of(onB, onA)) {
      assertThat(refused).as("the other replica refuses the caller's second call").isNotNull();
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      Metadata trailers = refused.getTrailers();
      assertThat(trailers).isNotNull();
      assertThat(Long.parseLong(trailers.get(CallerRateLimit.RETRY_PUSHBACK)))
          .as("Redis's retry hint: about the 1000 s interval")
          .isBetween(900_000L, 1_000_000L);
    }
    assertThat(redis.keys())
        .filteredOn(key -> key.startsWith(PREFIX + "quota:"))
        .as("one bucket per caller, named by a hash")
        .hasSize(2)
        .noneMatch(key -> key.contains("alice") || key.contains("bob"));
    assertThat(
            a.redis().stats().rejected(RedisStats.Limit.CALLER)
                + b.redis().stats().rejected(RedisStats.Limit.CALLER))
        .isEqualTo(2);
  }

  @Test
  void platformRateLimit_isSharedByBothReplicas() throws Exception {
    // One call per platform per minute, for both replicas together.
    TestReplica a =
        new TestReplica(platforms.baseUrl(), redis.uri(), PREFIX, Duration.ofSeconds(1), 0, 1);
    replicas.add(a);
    TestReplica b =
        new TestReplica(platforms.baseUrl(), redis.uri(), PREFIX, Duration.ofSeconds(1), 0, 1);
    replicas.add(b);

    assertThat(a.checkEach("first@example.com"))
        .extracting(PlatformResult::getStatus)
        .containsOnly(
            PlatformStatus.PLATFORM_STATUS_FOUND, PlatformStatus.PLATFORM_STATUS_NOT_FOUND);
    List<PlatformResult> onB = b.checkEach("second@example.com");

    assertThat(onB)
        .extracting(PlatformResult::getStatus)
        .as("B's own limiter is untouched, the shared budget is spent")
        .containsOnly(PlatformStatus.PLATFORM_STATUS_RATE_LIMITED);
    assertThat(onB)
        .extracting(PlatformResult::getDetail)
        .containsOnly("shared rate limit reached (1 per 1m0s across replicas)");
    String second = EmailAddress.parse("second@example.com").sha256Hex();
    assertThat(calls("/alpha/" + second) + calls("/beta/" + second)).isZero();
  }

  @Test
  void redisKilled_checksKeepAnswering_thenSharingResumes() throws Exception {
    TestReplica a = replica(1000);
    TestReplica b = replica(1000);

    redis.kill();
    await().atMost(RedisServer.noticeWithin()).until(() -> !a.redis().isUp() && !b.redis().isUp());

    assertThat(a.redisHealth()).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(a.health("")).as("the replica itself still serves").isEqualTo(ServingStatus.SERVING);
    assertThat(a.metrics.scrape()).contains("socialcheck_redis_up 0.0");
    String during = EmailAddress.parse("during@example.com").sha256Hex();
    assertThat(a.checkEach("during@example.com"))
        .extracting(PlatformResult::getStatus)
        .containsExactlyInAnyOrder(
            PlatformStatus.PLATFORM_STATUS_FOUND, PlatformStatus.PLATFORM_STATUS_NOT_FOUND);
    assertThat(b.checkEach("during@example.com"))
        .extracting(PlatformResult::getStatus)
        .as("B cannot see A's answer, so it asks the platforms itself")
        .containsExactlyInAnyOrder(
            PlatformStatus.PLATFORM_STATUS_FOUND, PlatformStatus.PLATFORM_STATUS_NOT_FOUND);
    assertThat(calls("/alpha/" + during)).isEqualTo(2);
    assertThat(a.redis().stats().fallbacks(RedisStats.Use.CALLER_QUOTA))
        .as("the caller's quota was decided locally")
        .isPositive();

    redis.start();
    await().atMost(RedisServer.noticeWithin()).until(() -> a.redis().isUp() && b.redis().isUp());
    await().atMost(Duration.ofSeconds(10)).until(() -> a.redisHealth() == ServingStatus.SERVING);
    assertThat(a.metrics.scrape()).contains("socialcheck_redis_up 1.0");

    String after = EmailAddress.parse("after@example.com").sha256Hex();
    a.checkEach("after@example.com");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                redis.command("EXISTS " + cacheKey("alpha", "after@example.com")).equals(":1")
                    && redis
                        .command("EXISTS " + cacheKey("beta", "after@example.com"))
                        .equals(":1"));
    assertThat(b.checkEach("after@example.com"))
        .extracting(PlatformResult::getDetail)
        .allMatch(detail -> detail.startsWith("cached "));
    assertThat(calls("/alpha/" + after)).as("sharing resumed: one platform call").isEqualTo(1);
    assertThat(calls("/beta/" + after)).isEqualTo(1);
  }

  /** The Redis key of an address's entry: an HMAC under the replicas' shared secret. */
  private static String cacheKey(String platform, String address) {
    return PREFIX + "cache:" + TestReplica.CACHE_KEYS.key(platform, EmailAddress.parse(address));
  }

  private static int calls(String path) {
    return platforms
        .countRequestsMatching(getRequestedFor(urlPathEqualTo(path)).build())
        .getCount();
  }

  private TestReplica replica(double callerRate) throws Exception {
    // A roomy command timeout: these tests are about sharing, not a busy machine's latency.
    TestReplica replica =
        new TestReplica(
            platforms.baseUrl(), redis.uri(), PREFIX, Duration.ofSeconds(1), callerRate);
    replicas.add(replica);
    return replica;
  }
}
