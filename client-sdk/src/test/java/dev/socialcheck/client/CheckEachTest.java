package dev.socialcheck.client;

import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The three ways to read a CheckEach stream: listener, blocking stream, list. */
class CheckEachTest {
  private static final CheckEachRequest REQUEST =
      CheckEachRequest.newBuilder().setEmail("user@email.com").build();

  private final ExecutorService callbacks =
      Executors.newFixedThreadPool(
          4, new ThreadFactoryBuilder().setNameFormat("test-callback-%d").build());
  private TestServer server;
  private SocialCheckClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.inProcess(List.of("a", "b", "c"));
    client = SocialCheckClient.create(server.settings().setExecutor(callbacks).build());
  }

  @AfterEach
  void stopServer() throws Exception {
    client.close();
    server.close();
    callbacks.shutdownNow();
    assertThat(callbacks.awaitTermination(5, TimeUnit.SECONDS)).as("callbacks stopped").isTrue();
  }

  /** The checks of a, b and c, in that order. */
  private List<ControllableChecker.Check> awaitChecks() throws InterruptedException {
    server.awaitHandlerReturned();
    return List.of(
        server.checker("a").awaitCheck(),
        server.checker("b").awaitCheck(),
        server.checker("c").awaitCheck());
  }

  @Test
  void checkEach_listener_getsResultsInCompletionOrderThenCompletedOnTheExecutor()
      throws Exception {
    RecordingListener listener = new RecordingListener();
    ListenableFuture<@Nullable Void> done = client.checkEach(REQUEST, listener);
    List<ControllableChecker.Check> checks = awaitChecks();

    checks.get(2).complete(CheckOutcome.found("c yes"));
    checks.get(0).complete(CheckOutcome.notFound("a no"));
    checks.get(1).complete(CheckOutcome.error("b broke"));
    done.get(10, TimeUnit.SECONDS);

    assertThat(listener.events())
        .as("listener events")
        .containsExactly(
            "result c PLATFORM_STATUS_FOUND",
            "result a PLATFORM_STATUS_NOT_FOUND",
            "result b PLATFORM_STATUS_ERROR",
            "completed");
    assertThat(listener.threads())
        .as("threads the listener ran on")
        .allMatch(name -> name.startsWith("test-callback-"));
  }

  @Test
  void checkEach_deadlinePassesMidStream_listenerGetsResultsThenError() throws Exception {
    FakeTime time = new FakeTime();
    try (SocialCheckClient timed =
        server.newClient(time, settings -> settings.setExecutor(callbacks))) {
      RecordingListener listener = new RecordingListener();
      ListenableFuture<@Nullable Void> done =
          timed.checkEach(
              REQUEST, CallSettings.newBuilder().setTimeout(Duration.ofHours(1)).build(), listener);
      List<ControllableChecker.Check> checks = awaitChecks();
      checks.get(1).complete(CheckOutcome.notFound("b no"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> listener.events().contains("result b PLATFORM_STATUS_NOT_FOUND"));

      time.advance(Duration.ofHours(1));
      SocialCheckException failure = failureOf(done);

      assertThat(failure.code()).as("code").isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(listener.events())
          .as("listener events")
          .containsExactly("result b PLATFORM_STATUS_NOT_FOUND", "error DEADLINE_EXCEEDED");
      assertThat(checks.get(0).awaitCancelled()).as("a cancelled on the server").isTrue();
      assertThat(checks.get(2).awaitCancelled()).as("c cancelled on the server").isTrue();
    }
  }

  @Test
  void checkEach_handleCancelled_cancelsServerChecksAndListenerGetsCancelled() throws Exception {
    RecordingListener listener = new RecordingListener();
    ListenableFuture<@Nullable Void> done = client.checkEach(REQUEST, listener);
    List<ControllableChecker.Check> checks = awaitChecks();
    checks.get(0).complete(CheckOutcome.found("a yes"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> listener.events().contains("result a PLATFORM_STATUS_FOUND"));

    done.cancel(false);

    assertThat(checks.get(1).awaitCancelled()).as("b cancelled on the server").isTrue();
    assertThat(checks.get(2).awaitCancelled()).as("c cancelled on the server").isTrue();
    assertThat(listener.terminal.await(10, TimeUnit.SECONDS)).as("terminal callback").isTrue();
    assertThat(listener.events())
        .as("listener events")
        .containsExactly("result a PLATFORM_STATUS_FOUND", "error CANCELLED");
  }

  @Test
  void checkEach_listenerThrows_callIsCancelledAndErrorCarriesTheException() throws Exception {
    IllegalStateException bug = new IllegalStateException("listener bug");
    RecordingListener listener =
        new RecordingListener() {
          @Override
          public void onResult(PlatformResult result) {
            super.onResult(result);
            throw bug;
          }
        };
    ListenableFuture<@Nullable Void> done = client.checkEach(REQUEST, listener);
    List<ControllableChecker.Check> checks = awaitChecks();
    checks.get(0).complete(CheckOutcome.found("a yes"));

    SocialCheckException failure = failureOf(done);

    assertThat(failure.code()).as("code").isEqualTo(Status.Code.CANCELLED);
    assertThat(failure).as("failure").hasRootCause(bug);
    assertThat(checks.get(1).awaitCancelled()).as("b cancelled on the server").isTrue();
  }

  @Test
  void checkEachBlocking_readToTheEnd_returnsEveryResultInCompletionOrder() throws Exception {
    try (Stream<PlatformResult> results = client.checkEachBlocking(REQUEST)) {
      List<ControllableChecker.Check> checks = awaitChecks();
      checks.get(1).complete(CheckOutcome.notFound("b no"));
      checks.get(2).complete(CheckOutcome.notFound("c no"));
      checks.get(0).complete(CheckOutcome.found("a yes"));

      assertThat(results.map(PlatformResult::getPlatform))
          .as("platforms in stream order")
          .containsExactly("b", "c", "a");
    }
  }

  @Test
  void checkEachBlocking_closedEarly_cancelsTheStreamOnTheServer() throws Exception {
    List<ControllableChecker.Check> checks;
    try (Stream<PlatformResult> results = client.checkEachBlocking(REQUEST)) {
      Iterator<PlatformResult> iterator = results.iterator();
      checks = awaitChecks();
      checks.get(0).complete(CheckOutcome.found("a yes"));

      assertThat(iterator.next().getStatus())
          .as("first result")
          .isEqualTo(PlatformStatus.PLATFORM_STATUS_FOUND);
    }

    assertThat(checks.get(1).awaitCancelled()).as("b cancelled on the server").isTrue();
    assertThat(checks.get(2).awaitCancelled()).as("c cancelled on the server").isTrue();
  }

  @Test
  void checkEachBlocking_streamFails_throwsSocialCheckException() {
    try (Stream<PlatformResult> results =
        client.checkEachBlocking(CheckEachRequest.newBuilder().setEmail("nobody").build())) {
      assertThatThrownBy(results::count)
          .as("reading a failed stream")
          .isInstanceOf(SocialCheckException.class)
          .hasMessage("INVALID_ARGUMENT: email has no '@'");
    }
  }

  @Test
  void checkEachBlocking_interruptedWhileWaiting_cancelsAndKeepsTheInterrupt() throws Exception {
    try (Stream<PlatformResult> results = client.checkEachBlocking(REQUEST)) {
      List<ControllableChecker.Check> checks = awaitChecks();
      Thread.currentThread().interrupt();

      assertThatThrownBy(() -> results.iterator().hasNext())
          .as("waiting while interrupted")
          .isInstanceOf(SocialCheckException.class)
          .hasMessageContaining("CANCELLED");
      assertThat(Thread.interrupted()).as("interrupt flag kept").isTrue();
      assertThat(checks.get(0).awaitCancelled()).as("a cancelled on the server").isTrue();
    }
  }

  @Test
  void checkEachToList_allPlatformsAnswer_returnsTheResultsInCompletionOrder() throws Exception {
    ListenableFuture<List<PlatformResult>> all = client.checkEachToList(REQUEST);
    List<ControllableChecker.Check> checks = awaitChecks();
    checks.get(2).complete(CheckOutcome.notFound("c no"));
    checks.get(0).complete(CheckOutcome.notFound("a no"));
    checks.get(1).complete(CheckOutcome.found("b yes"));

    assertThat(all.get(10, TimeUnit.SECONDS))
        .as("results")
        .extracting(PlatformResult::getPlatform)
        .containsExactly("c", "a", "b");
  }

  @Test
  void checkEachToList_cancelled_cancelsTheStreamOnTheServer() throws Exception {
    ListenableFuture<List<PlatformResult>> all = client.checkEachToList(REQUEST);
    List<ControllableChecker.Check> checks = awaitChecks();

    all.cancel(false);

    for (ControllableChecker.Check check : checks) {
      assertThat(check.awaitCancelled()).as("check cancelled on the server").isTrue();
    }
  }

  /** Records what it is told and on which thread. */
  private static class RecordingListener implements CheckEachListener {
    private final List<String> events = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();
    final CountDownLatch terminal = new CountDownLatch(1);

    @Override
    public void onResult(PlatformResult result) {
      record("result " + result.getPlatform() + " " + result.getStatus());
    }

    @Override
    public void onCompleted() {
      record("completed");
      terminal.countDown();
    }

    @Override
    public void onError(SocialCheckException error) {
      record("error " + error.code());
      terminal.countDown();
    }

    private synchronized void record(String event) {
      events.add(event);
      threads.add(Thread.currentThread().getName());
    }

    synchronized List<String> events() {
      return List.copyOf(events);
    }

    synchronized List<String> threads() {
      return List.copyOf(threads);
    }
  }
}
