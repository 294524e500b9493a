package dev.socialcheck.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.socialcheck.server.testing.RedisServer;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Verdict;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two server processes configured for one Redis — one with {@code --redis} and {@code
 * --cache-key-secret-file}, the other through a {@code --config} file — share a caller's quota,
 * keep answering when Redis is killed, and share again once it is back. The in-process tests
 * ({@code ScaleOutTest}) cover the shared cache; this one proves the command line, config file,
 * metrics and logs of the real jar.
 */
class RedisReplicasIT {
  /**
   * A bound on noticing a state change, not a claim: the replicas are other processes, whose only
   * news of Redis is their /metrics, so the test polls it (Awaitility) until the change shows.
   */
  private static final Duration NOTICE = Duration.ofSeconds(20);

  /** {@code --redis-connect-timeout} of both replicas. */
  private static final String CONNECT_TIMEOUT = "10s";

  @Test
  void twoProcesses_shareTheQuota_surviveARedisOutage_andShareAgain() throws Exception {
    Path config = Files.createDirectories(ItConfig.logDir()).resolve("RedisReplicasIT.properties");
    // --redis needs the cache key secret, the same for both replicas.
    Path secret = ItConfig.logDir().resolve("RedisReplicasIT.cache-key-secret");
    Files.writeString(secret, "redis-replicas-it-cache-key-secret\n");
    try (RedisServer redis = RedisServer.startNew()) {
      // A roomy connect timeout: the test counts one DOWN line (the outage), and a loaded machine
      // can take longer than the default 500 ms for a replica's first handshake. It costs nothing
      // when Redis answers: serve's start-up wait ends at the UP event.
      Files.writeString(
          config,
          "serve.redis="
              + redis.uri()
              + "\nserve.redis-connect-timeout="
              + CONNECT_TIMEOUT
              + "\nserve.caller-rate-limit=0.001\nserve.redis-timeout=2s\nserve.cache-key-secret-file="
              + secret
              + "\n");
      try (ServerProcess a =
              ServerProcess.start(
                  "RedisReplicasIT-a",
                  "--redis",
                  redis.uri(),
                  "--redis-connect-timeout",
                  CONNECT_TIMEOUT,
                  "--cache-key-secret-file",
                  secret.toString(),
                  "--caller-rate-limit",
                  "0.001",
                  // Sharing is under test, not the timeout: on a loaded machine the first Redis
                  // command can take longer than the 100 ms default, and the replica would then
                  // decide alone.
                  "--redis-timeout",
                  "2s",
                  "--metrics-port",
                  "0");
          ServerProcess b =
              ServerProcess.start(
                  "RedisReplicasIT-b", "--config", config.toString(), "--metrics-port", "0")) {
        ServerMetrics metricsA = ServerMetrics.of(a);
        ServerMetrics metricsB = ServerMetrics.of(b);
        await().atMost(NOTICE).until(() -> metricsA.value("socialcheck_redis_up") == 1);
        await().atMost(NOTICE).until(() -> metricsB.value("socialcheck_redis_up") == 1);

        // One call per 1000 s for this caller (its IP), whichever replica it asks.
        listPlatforms(a);
        assertThat(refusal(b)).as("B refuses the caller's second call").isNotNull();

        redis.kill();
        await().atMost(NOTICE).until(() -> metricsA.value("socialcheck_redis_up") == 0);
        await().atMost(NOTICE).until(() -> metricsB.value("socialcheck_redis_up") == 0);
        HasSocialAccountResponse answer = hasSocialAccount(b);
        assertThat(answer.getVerdict())
            .as("Redis down: B's own limiter lets the call through, and it is answered")
            .isEqualTo(Verdict.VERDICT_FOUND);

        redis.start(); // back, empty
        await().atMost(NOTICE).until(() -> metricsA.value("socialcheck_redis_up") == 1);
        await().atMost(NOTICE).until(() -> metricsB.value("socialcheck_redis_up") == 1);
        listPlatforms(b);
        assertThat(refusal(a))
            .as("shared again: A refuses the call B just let through")
            .isNotNull();

        assertThat(
                metricsA.value(
                    "socialcheck_redis_rate_decisions_total{limit=\"caller\",result=\"rejected\"}"))
            .isEqualTo(1);
        for (ServerProcess server : new ServerProcess[] {a, b}) {
          String log = server.output();
          assertThat(log.split("redis DOWN", -1)).as("one DOWN line").hasSize(2);
          assertThat(log.split("redis UP", -1)).as("two UP lines").hasSize(3);
          assertThat(log).contains("shared through redis 127.0.0.1:" + redis.port());
          assertThat(log).as("the secret is never logged").doesNotContain("redis-replicas-it");
        }
      }
    }
  }

  private static void listPlatforms(ServerProcess server) throws InterruptedException {
    ManagedChannel channel = channel(server);
    try {
      SocialAccountServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, SECONDS)
          .listPlatforms(ListPlatformsRequest.getDefaultInstance());
    } finally {
      channel.shutdownNow().awaitTermination(10, SECONDS);
    }
  }

  private static StatusRuntimeException refusal(ServerProcess server) throws InterruptedException {
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> listPlatforms(server));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    return e;
  }

  private static HasSocialAccountResponse hasSocialAccount(ServerProcess server)
      throws InterruptedException {
    ManagedChannel channel = channel(server);
    try {
      return SocialAccountServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, SECONDS)
          .hasSocialAccount(
              HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build());
    } finally {
      channel.shutdownNow().awaitTermination(10, SECONDS);
    }
  }

  private static ManagedChannel channel(ServerProcess server) {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }
}
