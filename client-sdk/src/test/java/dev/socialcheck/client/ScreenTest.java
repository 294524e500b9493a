package dev.socialcheck.client;

import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.CheckManyResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** screen and screenBlocking over CheckMany: answers by id, backpressure, cancellation. */
class ScreenTest {
  /** The server's default CheckMany concurrency (what one stream holds at most). */
  private static final int SERVER_CONCURRENCY = 16;

  private final ExecutorService callbacks =
      Executors.newFixedThreadPool(
          4, new ThreadFactoryBuilder().setNameFormat("test-callback-%d").build());
  private TestServer server;
  private SocialCheckClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.inProcess(List.of("a"));
    client = SocialCheckClient.create(server.settings().setExecutor(callbacks).build());
  }

  @AfterEach
  void stopServer() throws Exception {
    client.close();
    server.close();
    callbacks.shutdownNow();
    assertThat(callbacks.awaitTermination(5, TimeUnit.SECONDS)).as("callbacks stopped").isTrue();
  }

  private static CheckManyRequest item(int n) {
    return CheckManyRequest.newBuilder()
        .setId(Integer.toString(n))
        .setEmail("user" + n + "@email.com")
        .build();
  }

  /** Items 1..count, counting how many were pulled. */
  private static final class CountingItems implements Iterator<CheckManyRequest> {
    final AtomicInteger pulled = new AtomicInteger();
    private final int count;

    CountingItems(int count) {
      this.count = count;
    }

    @Override
    public boolean hasNext() {
      return pulled.get() < count;
    }

    @Override
    public CheckManyRequest next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return item(pulled.incrementAndGet());
    }
  }

  /** Records what a screen delivers. */
  private static final class Recorder implements ScreenListener {
    final List<CheckManyResponse> answers = Collections.synchronizedList(new ArrayList<>());
    volatile boolean completed;
    volatile @Nullable SocialCheckException error;

    @Override
    public void onResult(CheckManyResponse answer) {
      answers.add(answer);
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    @Override
    public void onError(SocialCheckException error) {
      this.error = error;
    }
  }

  @Test
  void screen_answersEveryItemById_itemErrorsIncluded_thenCompletes() throws Exception {
    List<CheckManyRequest> items =
        List.of(item(1), CheckManyRequest.newBuilder().setId("bad").setEmail("nope").build());
    Recorder recorder = new Recorder();

    ListenableFuture<@Nullable Void> done = client.screen(items.iterator(), recorder);
    server.checker("a").awaitCheck().complete(CheckOutcome.found("yes"));
    done.get(10, TimeUnit.SECONDS);

    assertThat(recorder.completed).as("onCompleted").isTrue();
    assertThat(recorder.answers).extracting(CheckManyResponse::getId).contains("1", "bad");
    assertThat(recorder.answers)
        .filteredOn(a -> a.getId().equals("1"))
        .singleElement()
        .satisfies(a -> assertThat(a.getResponse().getFoundOn()).as("found on").isEqualTo("a"));
    assertThat(recorder.answers)
        .filteredOn(a -> a.getId().equals("bad"))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.getError().getCode())
                    .as("item error")
                    .isEqualTo(Status.Code.INVALID_ARGUMENT.value()));
  }

  @Test
  @DisplayName(
      "the iterator is pulled only as the server reads: with every item it holds unanswered, no"
          + " further item is pulled")
  void screen_pullsItemsOnlyAsTheServerReadsThem() throws Exception {
    int total = 40;
    CountingItems items = new CountingItems(total);
    Recorder recorder = new Recorder();

    ListenableFuture<@Nullable Void> done = client.screen(items, recorder);
    ControllableChecker checker = server.checker("a");
    List<ControllableChecker.Check> held = new ArrayList<>();
    for (int i = 0; i < SERVER_CONCURRENCY; i++) {
      held.add(checker.awaitCheck());
    }
    assertThat(items.pulled.get())
        .as("items pulled while the server holds %s unanswered", SERVER_CONCURRENCY)
        .isEqualTo(SERVER_CONCURRENCY);

    held.forEach(check -> check.complete(CheckOutcome.notFound("no")));
    for (int i = SERVER_CONCURRENCY; i < total; i++) {
      checker.awaitCheck().complete(CheckOutcome.notFound("no"));
    }
    done.get(10, TimeUnit.SECONDS);
    assertThat(items.pulled.get()).as("items pulled in the end").isEqualTo(total);
    assertThat(recorder.answers).as("answers").hasSize(total);
  }

  @Test
  void screen_cancelFalse_cancelsEveryItemsChecksOnTheServer() throws Exception {
    Recorder recorder = new Recorder();
    ListenableFuture<@Nullable Void> done = client.screen(new CountingItems(3), recorder);
    ControllableChecker checker = server.checker("a");
    List<ControllableChecker.Check> checks =
        List.of(checker.awaitCheck(), checker.awaitCheck(), checker.awaitCheck());

    done.cancel(false);

    for (ControllableChecker.Check check : checks) {
      assertThat(check.awaitCancelled()).as("check cancelled on the server").isTrue();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(recorder.error)
                    .as("listener told")
                    .isNotNull()
                    .extracting(SocialCheckException::code)
                    .isEqualTo(Status.Code.CANCELLED));
  }

  @Test
  void screen_iteratorThrows_cancelsTheCallWithItsCause() throws Exception {
    IllegalStateException broken = new IllegalStateException("disk gone");
    Iterator<CheckManyRequest> items =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public CheckManyRequest next() {
            throw broken;
          }
        };

    SocialCheckException failure = failureOf(client.screen(items, new Recorder()));

    assertThat(failure.code()).as("code").isEqualTo(Status.Code.CANCELLED);
    assertThat(failure).as("cause").hasRootCause(broken);
  }

  @Test
  void screenBlocking_yieldsEveryAnswer_thenEnds() throws Exception {
    try (Stream<CheckManyResponse> answers = client.screenBlocking(new CountingItems(2))) {
      Iterator<CheckManyResponse> iterator = answers.iterator();
      ControllableChecker checker = server.checker("a");
      checker.awaitCheck().complete(CheckOutcome.notFound("no"));
      checker.awaitCheck().complete(CheckOutcome.found("yes"));
      List<String> ids = new ArrayList<>();
      iterator.forEachRemaining(a -> ids.add(a.getId()));
      assertThat(ids).as("ids").containsExactlyInAnyOrder("1", "2");
    }
  }

  @Test
  void screenBlocking_closedBeforeItsEnd_cancelsTheServersChecks() throws Exception {
    ControllableChecker.Check check;
    try (Stream<CheckManyResponse> answers = client.screenBlocking(new CountingItems(1))) {
      check = server.checker("a").awaitCheck();
      assertThat(answers).as("the stream object").isNotNull();
    }
    assertThat(check.awaitCancelled()).as("check cancelled on the server").isTrue();
  }

  @Test
  void screen_withATimeout_failsWithDeadlineExceeded_andCancelsTheChecks() throws Exception {
    ListenableFuture<@Nullable Void> done =
        client.screen(
            new CountingItems(1),
            CallSettings.newBuilder().setTimeout(Duration.ofMillis(300)).build(),
            new Recorder());
    ControllableChecker.Check check = server.checker("a").awaitCheck();

    assertThat(failureOf(done).code()).as("code").isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(check.awaitCancelled()).as("check cancelled on the server").isTrue();
  }

  @Test
  void screen_nullArguments_throwAtOnce() {
    assertThatThrownBy(() -> client.screen(null, new Recorder()))
        .isInstanceOf(NullPointerException.class);
  }
}
