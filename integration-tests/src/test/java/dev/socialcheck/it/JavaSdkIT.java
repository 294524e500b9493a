package dev.socialcheck.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.client.FoundAccount;
import dev.socialcheck.client.SocialCheckClient;
import dev.socialcheck.client.SocialCheckException;
import dev.socialcheck.client.SocialCheckSettings;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.Verdict;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scenario through the Java client SDK against the real server process, and proof from outside
 * the process — through its metrics endpoint — that cancelling a future (also with {@code
 * cancel(false)}) or running out of time stops the server's checks. Demo catalog at time scale 0.2:
 * github FOUND at 200 ms, twitter NOT_FOUND at 600 ms, facebook FOUND at 1 s.
 */
class JavaSdkIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static ServerProcess server;
  private static ServerMetrics metrics;
  private static SocialCheckClient client;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start("JavaSdkIT", "--metrics-port", "0", "--caller-rate-limit", "0");
    metrics = ServerMetrics.of(server);
    client =
        SocialCheckClient.create(
            SocialCheckSettings.newBuilder()
                .setTarget(server.target())
                .setPlaintext(true)
                .setDefaultTimeout(WAIT)
                .build());
  }

  @AfterAll
  static void stop() {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** Waits until {@code series} reaches {@code expected} (the server updates it asynchronously). */
  private static void awaitMetric(String series, double expected) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(metrics.value(series)).as(series).isEqualTo(expected));
  }

  private static double cancelled(String platform) throws Exception {
    return metrics.value("socialcheck_checks_cancelled_total{platform=\"" + platform + "\"}");
  }

  @Test
  void seedScenario_foundOnGithub_andTheOtherChecksReallyCancelled() throws Exception {
    double facebookBefore = cancelled("facebook");
    double twitterBefore = cancelled("twitter");

    HasSocialAccountResponse response =
        client.hasSocialAccount("user@email.com").get(WAIT.toSeconds(), SECONDS);

    assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
    assertThat(response.getFoundOn()).isEqualTo("github");
    assertThat(response.getResultsList())
        .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
        .containsExactlyInAnyOrder(
            tuple("facebook", PlatformStatus.PLATFORM_STATUS_CANCELLED),
            tuple("twitter", PlatformStatus.PLATFORM_STATUS_CANCELLED),
            tuple("github", PlatformStatus.PLATFORM_STATUS_FOUND));
    awaitMetric("socialcheck_checks_cancelled_total{platform=\"facebook\"}", facebookBefore + 1);
    awaitMetric("socialcheck_checks_cancelled_total{platform=\"twitter\"}", twitterBefore + 1);
    awaitMetric("socialcheck_checks_in_flight", 0);
  }

  @Test
  void checkEach_arrivesInCompletionOrder() throws Exception {
    List<PlatformResult> results =
        client
            .checkEachToList(CheckEachRequest.newBuilder().setEmail("user@email.com").build())
            .get(WAIT.toSeconds(), SECONDS);

    assertThat(results)
        .extracting(PlatformResult::getPlatform)
        .containsExactly("github", "twitter", "facebook");
  }

  @Test
  void cancelFalse_onTheFuture_cancelsTheServersCheck() throws Exception {
    double before = cancelled("github");
    // +slow: github never answers (it would time out after 2 s here): time to see it in flight.
    ListenableFuture<HasSocialAccountResponse> call =
        client.hasSocialAccount(
            HasSocialAccountRequest.newBuilder()
                .setEmail("user+slow@email.com")
                .addPlatforms("github")
                .build());
    awaitMetric("socialcheck_checks_in_flight", 1);

    call.cancel(false);

    awaitMetric("socialcheck_checks_cancelled_total{platform=\"github\"}", before + 1);
    awaitMetric("socialcheck_checks_in_flight", 0);
  }

  /**
   * Checks of {@code platform} that ended because the caller was gone: cancelled, or timed out at
   * the deadline (the server caps each check's timeout at the caller's deadline, so either may fire
   * first).
   */
  private static double stoppedEarly(String platform) throws Exception {
    return cancelled(platform)
        + metrics.value(
            "socialcheck_checks_total{platform=\"" + platform + "\",status=\"timeout\"}");
  }

  @Test
  void deadline_reachesTheServer_andStopsItsCheck() throws Exception {
    double before = stoppedEarly("github");

    ExecutionException e =
        catchThrowableOfType(
            ExecutionException.class,
            () ->
                client
                    .hasSocialAccount(
                        HasSocialAccountRequest.newBuilder()
                            .setEmail("user+slow@email.com")
                            .addPlatforms("github")
                            .build(),
                        dev.socialcheck.client.CallSettings.newBuilder()
                            .setTimeout(Duration.ofMillis(300))
                            .build())
                    .get(WAIT.toSeconds(), SECONDS));

    assertThat(e.getCause())
        .isInstanceOfSatisfying(
            SocialCheckException.class,
            sce -> assertThat(sce.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(stoppedEarly("github")).isEqualTo(before + 1));
    awaitMetric("socialcheck_checks_in_flight", 0);
  }

  @Test
  void invalidAddress_isOneDocumentedException_withTheServersMessage() {
    ExecutionException e =
        catchThrowableOfType(
            ExecutionException.class,
            () -> client.hasSocialAccount("not-an-address").get(WAIT.toSeconds(), SECONDS));

    assertThat(e.getCause())
        .isInstanceOfSatisfying(
            SocialCheckException.class,
            sce -> {
              assertThat(sce.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(sce.getMessage()).isEqualTo("INVALID_ARGUMENT: email has no '@'");
            });
  }

  @Test
  void firstFound_overSeveralAddresses_returnsTheOneWithAnAccount() throws Exception {
    Optional<FoundAccount> found =
        client
            .firstFound(List.of("user+nobody@email.com", "user@email.com"))
            .get(WAIT.toSeconds(), SECONDS);

    assertThat(found).hasValueSatisfying(f -> assertThat(f.email()).isEqualTo("user@email.com"));
  }
}
