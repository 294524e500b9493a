package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.PlatformStatus;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CheckEach through an in-process server: order, cancellation, deadline, flow control. */
class CheckEachTest {
  private static final CheckEachRequest REQUEST =
      CheckEachRequest.newBuilder().setEmail("user@email.com").build();

  private final FakeChecker a = new FakeChecker();
  private final FakeChecker b = new FakeChecker();
  private final FakeChecker c = new FakeChecker();
  private final TestServer server =
      new TestServer(
          new Catalog(
              "test",
              List.of(platform("a", 0.6, a), platform("b", 0.3, b), platform("c", 0.1, c))));

  CheckEachTest() throws Exception {}

  @AfterEach
  void tearDown() {
    server.close();
  }

  /** Records what a client receives: messages, then "completed" or the status. */
  private static final class Recorder
      implements ClientResponseObserver<CheckEachRequest, CheckEachResponse> {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final AtomicReference<ClientCallStreamObserver<CheckEachRequest>> call =
        new AtomicReference<>();
    private final boolean manualFlowControl;

    Recorder(boolean manualFlowControl) {
      this.manualFlowControl = manualFlowControl;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<CheckEachRequest> requestStream) {
      call.set(requestStream);
      if (manualFlowControl) {
        requestStream.disableAutoRequestWithInitial(0);
      }
    }

    @Override
    public void onNext(CheckEachResponse value) {
      events.add(value.getResult().getPlatform() + ":" + value.getResult().getStatus());
    }

    @Override
    public void onError(Throwable t) {
      events.add(Status.fromThrowable(t).getCode());
    }

    @Override
    public void onCompleted() {
      events.add("completed");
    }

    Object next() throws InterruptedException {
      Object event = events.poll(10, TimeUnit.SECONDS);
      assertThat(event).as("an event within 10 s").isNotNull();
      return event;
    }
  }

  @Test
  void resultsArriveInCompletionOrder_eachBeforeTheNextCheckCompletes() throws Exception {
    Recorder client = new Recorder(false);
    server.async().checkEach(REQUEST, client);
    a.awaitCall();
    b.awaitCall();
    c.awaitCall();

    b.lastCall().complete(CheckOutcome.found("yes"));
    assertThat(client.next()).isEqualTo("b:PLATFORM_STATUS_FOUND");

    c.lastCall().complete(CheckOutcome.notFound("no"));
    assertThat(client.next()).isEqualTo("c:PLATFORM_STATUS_NOT_FOUND");

    a.lastCall().complete(CheckOutcome.found("yes"));
    assertThat(client.next()).isEqualTo("a:PLATFORM_STATUS_FOUND");
    assertThat(client.next()).isEqualTo("completed");
    assertThat(client.events).isEmpty();
  }

  @Test
  void timeoutIsAResult_notAMissingMessage() throws Exception {
    Recorder client = new Recorder(false);
    server
        .async()
        .checkEach(REQUEST.toBuilder().addPlatforms("a").addPlatforms("b").build(), client);
    a.awaitCall().complete(CheckOutcome.notFound("no"));
    assertThat(client.next()).isEqualTo("a:PLATFORM_STATUS_NOT_FOUND");
    b.awaitCall();
    server.awaitTimers(1);

    server.scheduler.advance(java.time.Duration.ofSeconds(10));

    assertThat(client.next()).isEqualTo("b:" + PlatformStatus.PLATFORM_STATUS_TIMEOUT);
    assertThat(client.next()).isEqualTo("completed");
  }

  @Test
  void clientCancelAfterTheFirstMessage_cancelsTheRemainingChecks() throws Exception {
    Recorder client = new Recorder(false);
    server.async().checkEach(REQUEST, client);
    a.awaitCall();
    b.awaitCall();
    c.awaitCall().complete(CheckOutcome.notFound("no"));
    assertThat(client.next()).isEqualTo("c:PLATFORM_STATUS_NOT_FOUND");

    client.call.get().cancel("enough", null);

    assertThat(client.next()).isEqualTo(Status.Code.CANCELLED);
    a.lastCall().awaitCancelled();
    b.lastCall().awaitCancelled();
    assertThat(a.lastCall().wasCancelledWithInterrupt()).isTrue();
    server.awaitPoolIdle();
    assertThat(client.events).as("nothing after the cancellation").isEmpty();
  }

  @Test
  void deadlineMidStream_cancelsTheRemainingChecks_andTheClientSeesDeadlineExceeded()
      throws Exception {
    Recorder client = new Recorder(false);
    server.async().withDeadlineAfter(500, TimeUnit.MILLISECONDS).checkEach(REQUEST, client);
    a.awaitCall().complete(CheckOutcome.found("yes"));
    assertThat(client.next()).isEqualTo("a:PLATFORM_STATUS_FOUND");

    assertThat(client.next()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);

    b.awaitCall().awaitCancelled();
    c.awaitCall().awaitCancelled();
    server.awaitPoolIdle();
  }

  @Test
  void slowReader_getsEveryMessage_onlyAsItAsksForThem() throws Exception {
    Recorder client = new Recorder(true);
    server.async().checkEach(REQUEST, client);
    a.awaitCall().complete(CheckOutcome.found("yes"));
    b.awaitCall().complete(CheckOutcome.notFound("no"));
    c.awaitCall().complete(new CheckOutcome(CheckStatus.RATE_LIMITED, "HTTP 429"));
    assertThat(client.events.poll(100, TimeUnit.MILLISECONDS))
        .as("nothing delivered before the client asks")
        .isNull();

    client.call.get().request(1);
    assertThat(client.next()).isEqualTo("a:PLATFORM_STATUS_FOUND");
    client.call.get().request(1);
    assertThat(client.next()).isEqualTo("b:PLATFORM_STATUS_NOT_FOUND");
    client.call.get().request(1);
    assertThat(client.next()).isEqualTo("c:PLATFORM_STATUS_RATE_LIMITED");
    assertThat(client.next()).isEqualTo("completed");
  }
}
