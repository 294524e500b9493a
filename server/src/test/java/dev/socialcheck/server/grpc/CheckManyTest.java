package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.Futures;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.CheckManyResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.Strategy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** CheckMany through an in-process server: ids, item errors, flow control, coalescing, the end. */
class CheckManyTest {
  private final FakeChecker a = new FakeChecker();
  private final List<TestServer> servers = new ArrayList<>();

  @AfterEach
  void tearDown() {
    servers.forEach(TestServer::close); // verifies that no check is left in flight
  }

  private TestServer server(Catalog catalog, Consumer<SocialCheckServer.Builder> customize)
      throws Exception {
    TestServer server = new TestServer(catalog, CheckObserver.NONE, customize);
    servers.add(server);
    return server;
  }

  private TestServer fakeServer() throws Exception {
    return server(new Catalog("test", List.of(platform("a", 0.5, a))), b -> {});
  }

  /** Platform "a" answers NOT_FOUND at once, for every address. */
  private static Catalog instantCatalog() {
    return new Catalog(
        "instant",
        List.of(
            platform(
                "a",
                0.5,
                (email, context) -> Futures.immediateFuture(CheckOutcome.notFound("no")))));
  }

  private static CheckManyRequest item(String id, String email) {
    return CheckManyRequest.newBuilder().setId(id).setEmail(email).build();
  }

  /** A client that records responses and sends items when told, with manual flow control. */
  private static final class Client
      implements ClientResponseObserver<CheckManyRequest, CheckManyResponse> {
    final BlockingQueue<CheckManyResponse> responses = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> end = new CompletableFuture<>();
    volatile @Nullable ClientCallStreamObserver<CheckManyRequest> call;
    private final int initialRequests;

    /**
     * @param initialRequests responses wanted before the test asks for more
     */
    Client(int initialRequests) {
      this.initialRequests = initialRequests;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<CheckManyRequest> requestStream) {
      call = requestStream;
      requestStream.disableAutoRequestWithInitial(initialRequests);
    }

    @Override
    public void onNext(CheckManyResponse value) {
      responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }

    ClientCallStreamObserver<CheckManyRequest> call() {
      ClientCallStreamObserver<CheckManyRequest> started = call;
      assertThat(started).as("call started").isNotNull();
      return started;
    }

    void send(CheckManyRequest... items) {
      for (CheckManyRequest item : items) {
        call().onNext(item);
      }
    }

    CheckManyResponse next() throws InterruptedException {
      CheckManyResponse response = responses.poll(10, TimeUnit.SECONDS);
      assertThat(response).as("a response within 10 s").isNotNull();
      return response;
    }

    Status awaitEnd() throws Exception {
      return end.get(10, TimeUnit.SECONDS);
    }
  }

  private static Client open(TestServer server, int initialRequests) {
    Client client = new Client(initialRequests);
    server.async().checkMany(client);
    return client;
  }

  @Test
  void answersCarryTheirIds_inCompletionOrder_thenOk() throws Exception {
    TestServer server = fakeServer();
    Client client = open(server, 100);

    client.send(item("first", "one@email.com"), item("second", "two@email.com"));
    client.call().onCompleted();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.callCount() == 2);
    int second = a.call(0).email().localPart().equals("two") ? 0 : 1;

    a.call(second).complete(CheckOutcome.found("yes"));
    CheckManyResponse firstAnswered = client.next();
    a.call(1 - second).complete(CheckOutcome.notFound("no"));
    CheckManyResponse secondAnswered = client.next();

    assertThat(firstAnswered.getId()).as("answered first").isEqualTo("second");
    assertThat(firstAnswered.getResponse().getFoundOn()).as("its answer").isEqualTo("a");
    assertThat(secondAnswered.getId()).as("answered last").isEqualTo("first");
    assertThat(secondAnswered.getResponse().getHasAccount()).as("its answer").isFalse();
    assertThat(client.awaitEnd().getCode())
        .as("end after the half-close")
        .isEqualTo(Status.Code.OK);
  }

  @Test
  void badItems_getTheUnaryInvalidArgumentMessage_andTheStreamGoesOn() throws Exception {
    TestServer server = server(instantCatalog(), b -> {});
    List<CheckManyRequest> bad =
        List.of(
            item("no-at", "not-an-address"),
            item("unknown-platform", "user@email.com").toBuilder().addPlatforms("nope").build(),
            item("hedge-without-hedged", "user@email.com").toBuilder()
                .setHedgeDelay(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .build(),
            item("bad-strategy", "user@email.com").toBuilder().setStrategyValue(99).build());
    Client client = open(server, 100);

    bad.forEach(client::send);
    client.send(item("good", "user@email.com"));
    client.call().onCompleted();

    List<CheckManyResponse> responses = new ArrayList<>();
    for (int i = 0; i < bad.size() + 1; i++) {
      responses.add(client.next());
    }
    assertThat(client.awaitEnd().getCode()).as("the stream ends well").isEqualTo(Status.Code.OK);
    for (CheckManyRequest item : bad) {
      CheckManyResponse response =
          responses.stream().filter(r -> r.getId().equals(item.getId())).findFirst().orElseThrow();
      StatusRuntimeException unary =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> server.blocking().hasSocialAccount(unaryOf(item)));
      assertThat(response.hasError()).as("%s is an item error", item.getId()).isTrue();
      assertThat(response.getError().getCode())
          .as("code of %s", item.getId())
          .isEqualTo(Status.Code.INVALID_ARGUMENT.value());
      assertThat(response.getError().getMessage())
          .as("message of %s, as the unary call says it", item.getId())
          .isEqualTo(unary.getStatus().getDescription())
          .isNotBlank();
    }
    assertThat(responses)
        .filteredOn(r -> r.getId().equals("good"))
        .singleElement()
        .satisfies(r -> assertThat(r.hasResponse()).as("the good item's answer").isTrue());
    assertThat(server.server.checkManyStats().itemErrors()).as("item errors").isEqualTo(4);
  }

  private static HasSocialAccountRequest unaryOf(CheckManyRequest item) {
    HasSocialAccountRequest.Builder request =
        HasSocialAccountRequest.newBuilder()
            .setEmail(item.getEmail())
            .addAllPlatforms(item.getPlatformsList())
            .setStrategyValue(item.getStrategyValue());
    if (item.hasHedgeDelay()) {
      request.setHedgeDelay(item.getHedgeDelay());
    }
    return request.build();
  }

  @Test
  @DisplayName(
      "a client that stops reading stops the server reading: it holds its concurrency limit of"
          + " items and asks for no more")
  void clientStopsReading_serverStopsReading() throws Exception {
    TestServer server = server(instantCatalog(), b -> b.checkManyConcurrency(4));
    Client client = new Client(0); // reads no response until told
    AtomicInteger sent = new AtomicInteger();
    AtomicBoolean halfClosed = new AtomicBoolean();
    int total = 100;
    server
        .async()
        .checkMany(
            new ClientResponseObserver<CheckManyRequest, CheckManyResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<CheckManyRequest> requestStream) {
                client.beforeStart(requestStream);
                // Sends whenever the transport lets it: the server's requests are the only brake.
                requestStream.setOnReadyHandler(
                    () -> {
                      while (requestStream.isReady() && sent.get() < total) {
                        int n = sent.incrementAndGet();
                        requestStream.onNext(item(Integer.toString(n), "u" + n + "@email.com"));
                      }
                      // The ready handler runs again after the last item: half-close once only
                      // (a second onCompleted throws, and a throwing handler cancels the call).
                      if (sent.get() == total && halfClosed.compareAndSet(false, true)) {
                        requestStream.onCompleted();
                      }
                    });
              }

              @Override
              public void onNext(CheckManyResponse value) {
                client.onNext(value);
              }

              @Override
              public void onError(Throwable t) {
                client.onError(t);
              }

              @Override
              public void onCompleted() {
                client.onCompleted();
              }
            });
    CheckManyStats stats = server.server.checkManyStats();

    // Four items answered, none sent: the server holds them and requests nothing more.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(stats.itemsHeld()).as("items held").isEqualTo(4));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(client.call().isReady()).as("client may send").isFalse());
    assertThat(sent.get()).as("items the client could send").isEqualTo(4);
    assertThat(stats.itemsReceived()).as("items the server read").isEqualTo(4);
    assertThat(client.responses).as("responses received").isEmpty();

    client.call().request(total);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      ids.add(client.next().getId());
    }
    assertThat(client.awaitEnd().getCode()).as("end").isEqualTo(Status.Code.OK);
    assertThat(ids).as("every id once").doesNotHaveDuplicates().hasSize(total);
    assertThat(stats.peakItemsHeldByOneStream()).as("most items held at once").isEqualTo(4);
    assertThat(stats.itemsHeld()).as("items held at the end").isZero();
  }

  @Test
  void identicalAddressesInFlight_shareOneCheck_andEachIdIsAnswered() throws Exception {
    TestServer server = fakeServer();
    Client client = open(server, 100);

    client.send(
        item("1", "user@email.com"),
        item("2", " user@EMAIL.com "), // the same address once normalized
        item("3", "other@email.com"));
    client.call().onCompleted();
    CheckManyStats stats = server.server.checkManyStats();
    await().atMost(Duration.ofSeconds(10)).until(() -> stats.itemsCoalesced() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> a.callCount() == 2);
    a.call(0).complete(CheckOutcome.found("yes"));
    a.call(1).complete(CheckOutcome.found("yes"));

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(client.next().getId());
    }
    assertThat(client.awaitEnd().getCode()).as("end").isEqualTo(Status.Code.OK);
    assertThat(ids).as("answered ids").containsExactlyInAnyOrder("1", "2", "3");
    assertThat(a.callCount()).as("checks of platform a: one per distinct address").isEqualTo(2);
    assertThat(server.engine.stats().runsStarted()).as("engine runs").isEqualTo(2);
  }

  @Test
  void identicalAddressesWithOtherOptions_areCheckedApart() throws Exception {
    TestServer server = fakeServer();
    Client client = open(server, 100);

    client.send(
        item("race", "user@email.com"),
        item("sequential", "user@email.com").toBuilder()
            .setStrategy(Strategy.STRATEGY_SEQUENTIAL)
            .build());
    client.call().onCompleted();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.callCount() == 2);
    a.call(0).complete(CheckOutcome.notFound("no"));
    a.call(1).complete(CheckOutcome.notFound("no"));

    assertThat(List.of(client.next().getId(), client.next().getId()))
        .containsExactlyInAnyOrder("race", "sequential");
    assertThat(server.server.checkManyStats().itemsCoalesced()).as("coalesced").isZero();
    assertThat(client.awaitEnd().getCode()).as("end").isEqualTo(Status.Code.OK);
  }

  @Test
  void clientCancelMidStream_cancelsEveryItemsChecks_andLeavesNothingHeld() throws Exception {
    TestServer server = fakeServer();
    Client client = open(server, 100);
    client.send(item("1", "one@email.com"), item("2", "two@email.com"));
    client.send(item("3", "three@email.com"));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.callCount() == 3);
    a.call(0).complete(CheckOutcome.notFound("no"));
    client.next();

    client.call().cancel("enough", null);

    a.call(1).awaitCancelled();
    a.call(2).awaitCancelled();
    assertThat(client.awaitEnd().getCode()).as("end").isEqualTo(Status.Code.CANCELLED);
    assertNothingLeft(server);
  }

  @Test
  void deadlineMidStream_cancelsEveryItemsChecks_andLeavesNothingHeld() throws Exception {
    TestServer server = fakeServer();
    Client client = new Client(100);
    server.async().withDeadlineAfter(300, TimeUnit.MILLISECONDS).checkMany(client);
    client.send(item("1", "one@email.com"), item("2", "two@email.com"));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.callCount() == 2);

    // The checks never answer: the deadline passes first.
    a.call(0).awaitCancelled();
    a.call(1).awaitCancelled();
    assertThat(client.awaitEnd().getCode()).as("end").isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertNothingLeft(server);
  }

  private static void assertNothingLeft(TestServer server) {
    CheckManyStats stats = server.server.checkManyStats();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(stats.streamsOpen()).as("streams open").isZero();
              assertThat(stats.itemsHeld()).as("items held").isZero();
              assertThat(server.engine.stats().runsInFlight()).as("runs in flight").isZero();
              assertThat(server.engine.stats().checksInFlight()).as("checks in flight").isZero();
              assertThat(server.scheduler.pendingTasks()).as("timers left").isZero();
            });
  }

  @Test
  @DisplayName(
      "shutdown drains a stream: the items read are answered, then UNAVAILABLE asks for the rest")
  void shutdown_answersTheItemsRead_thenEndsWithUnavailable() throws Exception {
    TestServer server = fakeServer();
    Client client = open(server, 100);
    client.send(item("1", "one@email.com"), item("2", "two@email.com"));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.callCount() == 2);

    CompletableFuture<Void> shutdown = CompletableFuture.runAsync(server.server::shutdown);
    await().atMost(Duration.ofSeconds(10)).until(server.server::isShutdown);
    a.call(0).complete(CheckOutcome.notFound("no"));
    a.call(1).complete(CheckOutcome.found("yes"));

    assertThat(List.of(client.next().getId(), client.next().getId()))
        .as("the items read")
        .containsExactlyInAnyOrder("1", "2");
    Status end = client.awaitEnd();
    assertThat(end.getCode()).as("end").isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(end.getDescription()).as("why").contains("server shutting down");
    shutdown.get(10, TimeUnit.SECONDS);
    assertThat(server.server.callsInFlight()).as("calls in flight after the drain").isZero();
  }

  @Test
  @DisplayName(
      "items count against the caller's rate limit: over it, an item waits for a permit instead"
          + " of failing")
  void itemOverTheRateLimit_waitsForAPermit_andTheWaitEndsWithTheStream() throws Exception {
    // One call per 1,000 s: the stream takes the only permit, so its item must wait.
    TestServer server = server(instantCatalog(), b -> b.callerRateLimit(0.001));
    Client client = open(server, 100);

    client.send(item("1", "user@email.com"));
    CheckManyStats stats = server.server.checkManyStats();
    await().atMost(Duration.ofSeconds(10)).until(() -> stats.permitWaits() == 1);

    assertThat(client.responses).as("responses while waiting").isEmpty();
    assertThat(client.end).as("the stream while the item waits").isNotDone();
    assertThat(server.scheduler.pendingTasks()).as("the permit wait on the scheduler").isOne();
    assertThat(server.engine.stats().runsStarted()).as("runs started").isZero();
    client.call().cancel("giving up", null);
    assertThat(client.awaitEnd().getCode()).as("end").isEqualTo(Status.Code.CANCELLED);
    assertNothingLeft(server);
  }
}
