package dev.socialcheck.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.Platform;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --canary-interval} for real: the demo catalog's platforms with self-check addresses
 * (facebook, github) are self-checked in the background and ListPlatforms shows them passing; the
 * others are not watched.
 */
class CanaryIT {

  @Test
  void serve_withACanary_showsEachWatchedPlatformPassing() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            "CanaryIT", "--canary-interval", "200ms", "--canary-auto-disable", "3")) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub =
            SocialAccountServiceGrpc.newBlockingStub(channel);
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(
                            stub.withDeadlineAfter(10, SECONDS)
                                .listPlatforms(ListPlatformsRequest.getDefaultInstance())
                                .getPlatformsList())
                        .filteredOn(Platform::hasCanary)
                        .extracting(Platform::getId, p -> p.getCanary().getOk())
                        .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("facebook", true),
                            org.assertj.core.groups.Tuple.tuple("github", true)));
        Platform twitter =
            stub
                .withDeadlineAfter(10, SECONDS)
                .listPlatforms(ListPlatformsRequest.getDefaultInstance())
                .getPlatformsList()
                .stream()
                .filter(p -> p.getId().equals("twitter"))
                .findFirst()
                .orElseThrow();
        assertThat(twitter.hasCanary()).as("no self-check addresses: not watched").isFalse();
        assertThat(twitter.getKind()).isEqualTo("simulated");
      } finally {
        channel.shutdownNow().awaitTermination(10, SECONDS);
      }
      assertThat(server.output()).contains("canary: self-checking facebook, github every 200ms");
    }
  }
}
