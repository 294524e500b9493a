package dev.socialcheck.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableList;
import dev.socialcheck.server.catalog.DemoCatalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.testing.CapturedLogs;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Verdict;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reference scenario through a real Netty server on 127.0.0.1, with the demo catalog at a fifth
 * of real time: github FOUND at 200 ms, twitter NOT_FOUND at 600 ms, facebook FOUND at 1 s. The
 * demo answers are timers on the engine's single scheduler thread, so they fire in deadline order;
 * the 400 ms margins absorb the jitter of starting the three checks on a loaded machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettyEndToEndTest {
  @RegisterExtension final CapturedLogs logs = CapturedLogs.of(CapturedLogs.GRPC_SERVER_STREAM);

  private ScheduledExecutorService scheduler;
  private CheckEngine engine;
  private SocialCheckServer server;
  private ManagedChannel channel;
  private SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub;

  @BeforeAll
  void start() throws Exception {
    scheduler = CheckEngine.newScheduler();
    engine = new CheckEngine(scheduler, Ticker.systemTicker());
    server =
        SocialCheckServer.builder(engine, DemoCatalog.create(scheduler, 0.2))
            .host("127.0.0.1")
            .port(0)
            .start();
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    stub =
        SocialAccountServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdown();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(engine.stats().checksInFlight()).isZero());
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void hasSocialAccount_foundOnGithub_andTheOthersCancelled() {
    long cancelledBefore = engine.stats().checksCancelled();

    HasSocialAccountResponse response =
        stub.hasSocialAccount(
            HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build());

    assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
    assertThat(response.getFoundOn()).isEqualTo("github");
    assertThat(response.getResultsList())
        .filteredOn(r -> !r.getPlatform().equals("github"))
        .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "facebook", PlatformStatus.PLATFORM_STATUS_CANCELLED),
            org.assertj.core.groups.Tuple.tuple(
                "twitter", PlatformStatus.PLATFORM_STATUS_CANCELLED));
    assertThat(engine.stats().checksCancelled() - cancelledBefore)
        .as("checks really cancelled on the server")
        .isEqualTo(2);
  }

  @Test
  void checkEach_streamsInCompletionOrder() {
    List<CheckEachResponse> messages =
        ImmutableList.copyOf(
            stub.checkEach(CheckEachRequest.newBuilder().setEmail("user@email.com").build()));

    assertThat(messages)
        .extracting(m -> m.getResult().getPlatform() + ":" + m.getResult().getStatus())
        .containsExactly(
            "github:PLATFORM_STATUS_FOUND",
            "twitter:PLATFORM_STATUS_NOT_FOUND",
            "facebook:PLATFORM_STATUS_FOUND");
    com.google.protobuf.Duration latency = messages.get(0).getResult().getLatency();
    assertThat(Duration.ofSeconds(latency.getSeconds(), latency.getNanos())).isPositive();
  }

  @Test
  void oversizedRequest_isRefused_beforeItIsParsed() {
    HasSocialAccountRequest huge =
        HasSocialAccountRequest.newBuilder().setEmail("a".repeat(1_000_000)).build();

    assertThatThrownBy(() -> stub.hasSocialAccount(huge))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(logs.take(Level.WARN, "Exception processing message"))
        .as("gRPC's warning about the refused request")
        .singleElement()
        .satisfies(
            w -> assertThat(w.getThrowableProxy().getMessage()).contains("exceeds maximum size"));
  }
}
