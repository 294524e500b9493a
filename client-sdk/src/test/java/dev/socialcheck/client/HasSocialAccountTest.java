package dev.socialcheck.client;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.common.util.concurrent.FluentFuture;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsResponse;
import dev.socialcheck.v1.Platform;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.Verdict;
import io.grpc.Deadline;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unary calls against the real server in process: answers, composition, deadlines. */
class HasSocialAccountTest {
  private TestServer server;
  private SocialCheckClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.inProcess(List.of("github", "twitter"));
    client = SocialCheckClient.create(server.settings().build());
  }

  @AfterEach
  void stopServer() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void hasSocialAccount_platformFindsAccount_returnsFoundVerdict() throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer = client.hasSocialAccount("user@email.com");

    ControllableChecker.Check github = server.checker("github").awaitCheck();
    ControllableChecker.Check twitter = server.checker("twitter").awaitCheck();
    assertThat(github.email()).as("address the server checked").isEqualTo("user@email.com");
    assertThat(answer).as("answer before any check completed").isNotDone();
    github.complete(CheckOutcome.found("exists"));

    HasSocialAccountResponse response = answer.get(10, TimeUnit.SECONDS);
    assertThat(response.getVerdict()).as("verdict").isEqualTo(Verdict.VERDICT_FOUND);
    assertThat(response.getHasAccount()).as("has_account").isTrue();
    assertThat(response.getFoundOn()).as("found_on").isEqualTo("github");
    assertThat(twitter.awaitCancelled()).as("losing check cancelled by the server").isTrue();
  }

  @Test
  void hasSocialAccount_requestWithPlatforms_checksOnlyThose() throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer =
        client.hasSocialAccount(
            HasSocialAccountRequest.newBuilder()
                .setEmail("user@email.com")
                .addPlatforms("twitter")
                .build());

    server.checker("twitter").awaitCheck().complete(CheckOutcome.notFound("no"));

    HasSocialAccountResponse response = answer.get(10, TimeUnit.SECONDS);
    assertThat(response.getVerdict()).as("verdict").isEqualTo(Verdict.VERDICT_NOT_FOUND);
    assertThat(response.getResultsList())
        .as("results")
        .extracting(r -> r.getPlatform(), r -> r.getStatus())
        .containsExactly(tuple("twitter", PlatformStatus.PLATFORM_STATUS_NOT_FOUND));
    assertThat(server.checker("github").checks()).as("github checks").isEmpty();
  }

  @Test
  void hasSocialAccount_composedWithFluentFuture_transformsWithoutBlocking() throws Exception {
    ListenableFuture<String> line =
        FluentFuture.from(client.hasSocialAccount("user@email.com"))
            .transform(
                r -> r.getHasAccount() ? "found on " + r.getFoundOn() : "none", directExecutor())
            .catching(SocialCheckException.class, e -> "failed: " + e.code(), directExecutor());

    server.checker("twitter").awaitCheck().complete(CheckOutcome.found("exists"));

    assertThat(line.get(10, TimeUnit.SECONDS)).as("composed result").isEqualTo("found on twitter");
  }

  @Test
  void hasSocialAccount_callTimeoutPasses_failsWithDeadlineExceededAndServerCancelsChecks()
      throws Exception {
    FakeTime time = new FakeTime();
    try (SocialCheckClient timed = server.newClient(time, settings -> settings)) {
      ListenableFuture<HasSocialAccountResponse> answer =
          timed.hasSocialAccount(
              HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build(),
              CallSettings.newBuilder().setTimeout(Duration.ofHours(1)).build());
      ControllableChecker.Check github = server.checker("github").awaitCheck();

      time.advance(Duration.ofHours(1));
      SocialCheckException failure = failureOf(answer);

      assertThat(failure.code()).as("code").isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(failure.isRetryable()).as("retryable").isTrue();
      assertThat(github.awaitCancelled()).as("server-side check cancelled").isTrue();
    }
  }

  @Test
  void hasSocialAccount_defaultTimeoutFromSettings_appliesToCallsWithoutOverride()
      throws Exception {
    FakeTime time = new FakeTime();
    DeadlineRecorder deadlines = new DeadlineRecorder();
    try (SocialCheckClient quick =
        server.newClient(
            time, settings -> settings.setDefaultTimeout(Duration.ofHours(1)), deadlines)) {
      ListenableFuture<HasSocialAccountResponse> answer = quick.hasSocialAccount("user@email.com");

      assertThat(deadlines.last().timeRemaining(TimeUnit.NANOSECONDS))
          .as("the call's deadline, on fake time that has not moved")
          .isEqualTo(Duration.ofHours(1).toNanos());
      time.advance(Duration.ofHours(1));
      assertThat(failureOf(answer).code()).as("code").isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }
  }

  @Test
  void hasSocialAccount_expiredAbsoluteDeadline_failsWithoutReachingThePlatforms()
      throws Exception {
    Deadline past = Deadline.after(-1, TimeUnit.SECONDS);

    ListenableFuture<HasSocialAccountResponse> answer =
        client.hasSocialAccount(
            HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build(),
            CallSettings.newBuilder().setDeadline(past).build());

    assertThat(failureOf(answer).code()).as("code").isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(server.checker("github").checks()).as("checks started").isEmpty();
  }

  @Test
  void listPlatforms_returnsTheCatalogMostLikelyFirst() throws Exception {
    ListPlatformsResponse response = client.listPlatforms().get(10, TimeUnit.SECONDS);

    assertThat(response.getPlatformsList())
        .as("platform ids")
        .extracting(Platform::getId)
        .containsExactly("github", "twitter");
  }

  @Test
  void hasSocialAccount_afterClose_throwsIllegalStateException() {
    client.close();

    assertThatThrownBy(() -> client.hasSocialAccount("a@b.com"))
        .as("call on a closed client")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
