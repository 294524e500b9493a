package dev.socialcheck.client;

import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckOutcome;
import io.grpc.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Racing several addresses: first FOUND wins, the other calls are cancelled on the server. */
class FirstFoundTest {
  private static final List<String> EMAILS =
      List.of("work@email.com", "home@email.com", "old@email.com");

  private TestServer server;
  private SocialCheckClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.inProcess(List.of("github"));
    client = SocialCheckClient.create(server.settings().build());
  }

  @AfterEach
  void stopServer() throws Exception {
    client.close();
    server.close();
  }

  /** The server-side check of each address, once all three calls have started one. */
  private Map<String, ControllableChecker.Check> awaitChecksByEmail() throws InterruptedException {
    Map<String, ControllableChecker.Check> byEmail = new HashMap<>();
    for (int i = 0; i < EMAILS.size(); i++) {
      ControllableChecker.Check check = server.checker("github").awaitCheck();
      byEmail.put(check.email(), check);
    }
    return byEmail;
  }

  @Test
  void firstFound_oneAddressFound_winsAndTheOtherCallsAreCancelledOnTheServer() throws Exception {
    ListenableFuture<Optional<FoundAccount>> race = client.firstFound(EMAILS);
    Map<String, ControllableChecker.Check> checks = awaitChecksByEmail();

    checks.get("home@email.com").complete(CheckOutcome.found("exists"));

    Optional<FoundAccount> winner = race.get(10, TimeUnit.SECONDS);
    assertThat(winner).as("winner").isPresent();
    assertThat(winner.orElseThrow().email()).as("winning address").isEqualTo("home@email.com");
    assertThat(winner.orElseThrow().platform()).as("platform").isEqualTo("github");
    assertThat(checks.get("work@email.com").awaitCancelled()).as("work cancelled").isTrue();
    assertThat(checks.get("old@email.com").awaitCancelled()).as("old cancelled").isTrue();
  }

  @Test
  void firstFound_notFoundBeforeFound_waitsForTheFound() throws Exception {
    ListenableFuture<Optional<FoundAccount>> race = client.firstFound(EMAILS);
    Map<String, ControllableChecker.Check> checks = awaitChecksByEmail();

    checks.get("work@email.com").complete(CheckOutcome.notFound("no"));
    checks.get("old@email.com").complete(CheckOutcome.found("exists"));

    assertThat(race.get(10, TimeUnit.SECONDS).map(FoundAccount::email))
        .as("winning address")
        .contains("old@email.com");
    assertThat(checks.get("home@email.com").awaitCancelled()).as("home cancelled").isTrue();
  }

  @Test
  void firstFound_noAddressFound_isEmpty() throws Exception {
    ListenableFuture<Optional<FoundAccount>> race = client.firstFound(EMAILS);

    awaitChecksByEmail().values().forEach(check -> check.complete(CheckOutcome.notFound("no")));

    assertThat(race.get(10, TimeUnit.SECONDS)).as("winner").isEmpty();
  }

  @Test
  void firstFound_oneCallFailsAndNoneFound_failsWithThatFailure() throws Exception {
    ListenableFuture<Optional<FoundAccount>> race =
        client.firstFound(List.of("work@email.com", "broken"));

    server.checker("github").awaitCheck().complete(CheckOutcome.notFound("no"));

    SocialCheckException failure = failureOf(race);
    assertThat(failure.code()).as("code").isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void firstFound_oneCallFailsButAnotherFinds_stillWins() throws Exception {
    ListenableFuture<Optional<FoundAccount>> race =
        client.firstFound(List.of("broken", "work@email.com"));

    server.checker("github").awaitCheck().complete(CheckOutcome.found("exists"));

    assertThat(race.get(10, TimeUnit.SECONDS).map(FoundAccount::email))
        .as("winning address")
        .contains("work@email.com");
  }

  @Test
  void firstFound_cancelled_cancelsEveryCallOnTheServer() throws Exception {
    ListenableFuture<Optional<FoundAccount>> race = client.firstFound(EMAILS);
    Map<String, ControllableChecker.Check> checks = awaitChecksByEmail();

    race.cancel(false);

    for (ControllableChecker.Check check : checks.values()) {
      assertThat(check.awaitCancelled()).as("check of %s cancelled", check.email()).isTrue();
    }
  }

  @Test
  void firstFound_emptyList_isEmptyAtOnce() throws Exception {
    assertThat(client.firstFound(List.of()).get(1, TimeUnit.SECONDS)).as("winner").isEmpty();
  }
}
