package dev.socialcheck.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

/**
 * The harness itself: {@link ServerProcess} starts a server that answers, stops it gracefully and
 * leaves no process behind, and turns a server that dies at start into a failure that shows the
 * server's output instead of a hang.
 */
class ServerProcessIT {

  @Test
  void start_listensOnAFreePort_andClose_stopsTheProcessGracefully() throws Exception {
    ServerProcess server = ServerProcess.start("ServerProcessIT-lifecycle");
    try {
      assertThat(server.port()).isPositive();
      assertThat(server.isAlive()).isTrue();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        assertThat(
                HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        channel.shutdownNow().awaitTermination(10, SECONDS);
      }
    } finally {
      server.close();
    }

    assertThat(server.isAlive()).isFalse();
    assertThat(ProcessHandle.of(server.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    // SIGTERM, not SIGKILL: the server ran its shutdown hook to the end.
    assertThat(server.output()).contains("shutting down").contains("stopped");
    assertThat(server.exitValue()).isEqualTo(143);
    server.close(); // idempotent
  }

  @Test
  void start_failsWithTheServersOutput_whenTheServerExitsBeforeListening() {
    assertThatThrownBy(() -> ServerProcess.start("ServerProcessIT-dies", "--catalog", "nope"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the server exited with status")
        .hasMessageContaining("before listening")
        .hasMessageContaining("nope: cannot read the catalog file");
  }
}
