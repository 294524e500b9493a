package dev.socialcheck.client;

import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.v1.HasSocialAccountResponse;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What close() does to the channel, the calls in flight and the threads. */
class CloseTest {

  private static Set<Thread> liveThreads() {
    return new HashSet<>(Thread.getAllStackTraces().keySet());
  }

  /** Names of threads alive now that were not in {@code before}. */
  private static Set<String> newThreads(Set<Thread> before) {
    return liveThreads().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
        .collect(Collectors.toSet());
  }

  @Test
  void close_ownedChannel_terminatesItAndLeavesNoThreadBehind() throws Exception {
    Set<Thread> before = liveThreads();
    TestServer server = TestServer.inProcess(List.of("github"));
    SocialCheckClient client =
        SocialCheckClient.createOwning(
            SocialCheckSettings.newBuilder().setTarget("in-process").setPlaintext(true).build(),
            InProcessChannelBuilder.forName(server.name()));
    ListenableFuture<HasSocialAccountResponse> answer = client.hasSocialAccount("user@email.com");
    server.checker("github").awaitCheck().complete(CheckOutcome.found("exists"));
    answer.get(10, TimeUnit.SECONDS);

    client.close();

    assertThat(client.isTerminated()).as("owned channel terminated by close()").isTrue();
    server.close();
    await()
        .pollInSameThread()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(newThreads(before)).as("threads started by the test").isEmpty());
  }

  @Test
  void close_ownedNettyChannel_terminatesItAndLeavesNoNonDaemonThread() throws Exception {
    TestServer server = TestServer.loopback(List.of("github"), InsecureServerCredentials.create());
    try {
      Set<Thread> before = liveThreads();
      SocialCheckClient client =
          SocialCheckClient.create(
              SocialCheckSettings.newBuilder()
                  .setTarget(server.target())
                  .setPlaintext(true)
                  .build());
      client.listPlatforms().get(10, TimeUnit.SECONDS);

      client.close();

      assertThat(client.isTerminated()).as("owned channel terminated by close()").isTrue();
      assertThat(newThreads(before))
          .as("non-daemon threads the client left (the test server's own excepted)")
          .filteredOn(name -> !name.startsWith("test-server-"))
          .noneMatch(name -> !name.endsWith("(daemon)"));
    } finally {
      server.close();
    }
  }

  /**
   * On the real clock: the shutdown timeout is how long {@code close()} blocks in {@code
   * ManagedChannel.awaitTermination}, a wait no ticker moves. It costs the test 100 ms and decides
   * nothing: the call in flight never finishes by itself, so it is past the timeout however slow
   * the machine is.
   */
  @Test
  void close_callInFlightPastShutdownTimeout_isCancelledOnTheServer() throws Exception {
    TestServer server = TestServer.inProcess(List.of("github"));
    try {
      SocialCheckClient client =
          SocialCheckClient.createOwning(
              SocialCheckSettings.newBuilder()
                  .setTarget("in-process")
                  .setPlaintext(true)
                  .setShutdownTimeout(Duration.ofMillis(100))
                  .build(),
              InProcessChannelBuilder.forName(server.name()));
      ListenableFuture<HasSocialAccountResponse> answer = client.hasSocialAccount("user@email.com");
      ControllableChecker.Check check = server.checker("github").awaitCheck();

      client.close();

      assertThat(failureOf(answer).code()).as("code").isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(check.awaitCancelled()).as("check cancelled on the server").isTrue();
      assertThat(client.isTerminated()).as("owned channel terminated").isTrue();
    } finally {
      server.close();
    }
  }

  @Test
  void close_borrowedChannel_leavesItUsable() throws Exception {
    TestServer server = TestServer.inProcess(List.of("github"));
    try {
      ManagedChannel channel = server.newInProcessChannel();
      SocialCheckClient first =
          SocialCheckClient.create(SocialCheckSettings.newBuilder().setChannel(channel).build());

      first.close();
      first.close(); // Idempotent.

      assertThat(channel.isShutdown()).as("borrowed channel shut down").isFalse();
      try (SocialCheckClient second =
          SocialCheckClient.create(SocialCheckSettings.newBuilder().setChannel(channel).build())) {
        assertThat(second.listPlatforms().get(10, TimeUnit.SECONDS).getPlatformsCount())
            .as("platforms through the same channel")
            .isEqualTo(1);
      }
    } finally {
      server.close();
    }
  }
}
