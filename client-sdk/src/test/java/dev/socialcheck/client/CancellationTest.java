package dev.socialcheck.client;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.v1.HasSocialAccountResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cancelling a future of the SDK cancels the RPC, end to end: the server's checks for it are
 * cancelled. grpc-java's own future does this only for {@code cancel(true)}.
 */
class CancellationTest {
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

  @ParameterizedTest(name = "cancel({0})")
  @ValueSource(booleans = {true, false})
  @DisplayName("cancel(true) and cancel(false) both cancel every check on the server")
  void cancel_eitherFlavour_cancelsServerSideChecks(boolean mayInterrupt) throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer = client.hasSocialAccount("user@email.com");
    ControllableChecker.Check github = server.checker("github").awaitCheck();
    ControllableChecker.Check twitter = server.checker("twitter").awaitCheck();

    assertThat(answer.cancel(mayInterrupt)).as("cancel accepted").isTrue();

    assertThat(answer.isCancelled()).as("future cancelled").isTrue();
    assertThat(github.awaitCancelled()).as("github check cancelled on the server").isTrue();
    assertThat(twitter.awaitCancelled()).as("twitter check cancelled on the server").isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(server.engine().stats().checksInFlight())
                    .as("checks in flight on the server")
                    .isZero());
    assertThat(server.engine().stats().checksCancelled()).as("checks cancelled").isEqualTo(2);
  }

  @Test
  void cancel_derivedFuture_propagatesToTheCallAndTheServer() throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer = client.hasSocialAccount("user@email.com");
    ListenableFuture<Boolean> hasAccount =
        Futures.transform(answer, HasSocialAccountResponse::getHasAccount, directExecutor());
    ControllableChecker.Check github = server.checker("github").awaitCheck();

    hasAccount.cancel(false);

    assertThat(answer.isCancelled()).as("underlying call future cancelled").isTrue();
    assertThat(github.awaitCancelled()).as("check cancelled on the server").isTrue();
  }

  @Test
  void cancel_afterTheAnswer_changesNothing() throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer = client.hasSocialAccount("user@email.com");
    server.checker("github").awaitCheck().complete(CheckOutcome.found("exists"));
    HasSocialAccountResponse response = answer.get(10, TimeUnit.SECONDS);

    assertThat(answer.cancel(false)).as("cancel after completion").isFalse();
    assertThat(Futures.getDone(answer)).as("answer kept").isEqualTo(response);
  }

  @Test
  void cancel_getOnCancelledFuture_throwsCancellationException() throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer = client.hasSocialAccount("user@email.com");
    server.checker("github").awaitCheck();

    answer.cancel(false);

    assertThatThrownBy(() -> answer.get(1, TimeUnit.SECONDS))
        .as("get() on a cancelled future")
        .isInstanceOf(CancellationException.class);
  }
}
