package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.server.testing.ProbeFixture;
import java.io.EOFException;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/**
 * A request refused for the host's HTTP/2 stream limit moves on to another client (another
 * connection); nothing else does. Fake clients, no network.
 */
class OverflowTransportTest {
  private static final OutgoingRequest REQUEST =
      new OutgoingRequest(
          "GET", URI.create("https://127.0.0.1:1/u"), Map.of(), new byte[0], Duration.ofSeconds(1));

  private static final OutgoingRequest OTHER_HOST =
      new OutgoingRequest(
          "GET", URI.create("https://127.0.0.1:2/u"), Map.of(), new byte[0], Duration.ofSeconds(1));

  private final AtomicInteger created = new AtomicInteger();

  private static IOException streamLimit() {
    return new IOException("too many concurrent streams");
  }

  @Test
  void send_whenTheHostsStreamLimitIsReached_usesAnotherClient() throws Exception {
    FakeClient first = new FakeClient().refuse(streamLimit());
    FakeClient second = new FakeClient().answer(200);
    OverflowTransport transport = new OverflowTransport(first, next(second), 4);

    ProbeResponse response = transport.send(REQUEST, 1024).get();

    assertThat(response.status()).as("the second client's answer").isEqualTo(200);
    assertThat(transport.clients()).as("clients created").isEqualTo(2);
    assertThat(transport.streamLimitRefusals()).as("refusals counted").isEqualTo(1);
  }

  @Test
  void send_otherIoErrors_areTheProbesOwn_andOpenNoClient() {
    FakeClient first =
        new FakeClient().refuse(new IOException("Unexpected frame type 7 on stream 0"));
    OverflowTransport transport = new OverflowTransport(first, next(new FakeClient()), 4);

    assertThatThrownBy(() -> transport.send(REQUEST, 1024).get())
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("Unexpected frame type 7 on stream 0");
    assertThat(created).as("clients created").hasValue(0);
    assertThat(transport.streamLimitRefusals()).as("not a stream-limit refusal").isZero();
  }

  @Test
  void send_pastTheLastClient_failsWithTheRefusal() {
    FakeClient first = new FakeClient().refuse(streamLimit());
    FakeClient second = new FakeClient().refuse(streamLimit());
    OverflowTransport transport = new OverflowTransport(first, next(second), 2);

    assertThatThrownBy(() -> transport.send(REQUEST, 1024).get())
        .as("refused by both")
        .isInstanceOf(ExecutionException.class)
        .cause()
        .satisfies(
            cause -> assertThat(OverflowTransport.isStreamLimit(cause)).as("the refusal").isTrue());
    assertThat(transport.streamLimitRefusals())
        .as("the first client's refusal moved on; the last one's is the probe's error")
        .isEqualTo(1);
  }

  @Test
  void extraClients_areCreatedOnce_andKeptForLaterRequests() throws Exception {
    FakeClient first = new FakeClient().refuse(streamLimit()).refuse(streamLimit());
    FakeClient second = new FakeClient().answer(200).answer(204);
    OverflowTransport transport = new OverflowTransport(first, next(second), 4);

    transport.send(REQUEST, 1024).get();
    ProbeResponse later = transport.send(REQUEST, 1024).get();

    assertThat(later.status()).as("second request, second client").isEqualTo(204);
    assertThat(created).as("clients created").hasValue(1);
  }

  @Test
  void cancel_abortsTheAttemptInFlight_onTheOverflowClient() throws Exception {
    FakeClient first = new FakeClient().refuse(streamLimit()).refuse(streamLimit());
    FakeClient second = new FakeClient().answer(200).pending();
    OverflowTransport transport = new OverflowTransport(first, next(second), 4);
    assertThat(transport.send(REQUEST, 1024).get().status())
        .as("the second client's first request, which made its connection")
        .isEqualTo(200);

    ListenableFuture<ProbeResponse> sent = transport.send(REQUEST, 1024);
    sent.cancel(false);

    assertThat(second.exchanges).as("exchanges on the second client").hasSize(2);
    assertThat(second.exchanges.get(1).isCancelled()).as("the later one, cancelled").isTrue();
  }

  @Test
  void cancellingTheFirstRequest_letsItsCallerGo_butTheOthersStillWaitForItsEnd() throws Exception {
    FakeClient client = new FakeClient().pending().answer(200);
    OverflowTransport transport = new OverflowTransport(client, next(new FakeClient()), 4);
    ListenableFuture<ProbeResponse> first = transport.send(REQUEST, 1024);
    ListenableFuture<ProbeResponse> waiting = transport.send(REQUEST, 1024);

    first.cancel(false);

    assertThat(first.isCancelled()).as("the caller's future").isTrue();
    assertThat(client.exchanges.get(0).isCancelled())
        .as("the first exchange, still making the connection the others will share")
        .isFalse();
    assertThat(client.sentTo).as("sent while the first is in flight").hasSize(1);
    assertThat(transport.inFlight(REQUEST.uri())).as("counted until it ends").startsWith(2);

    client.complete(0, 200);

    assertThat(waiting.get().status()).as("the waiting one, after the first's end").isEqualTo(200);
    assertThat(transport.inFlight(REQUEST.uri())).containsOnly(0);
  }

  @Test
  void firstRequestToAHost_goesAlone_andTheOthersFollowItsAnswer() throws Exception {
    FakeClient client = new FakeClient().pending().answer(200).answer(200);
    OverflowTransport transport = new OverflowTransport(client, next(new FakeClient()), 4);

    ListenableFuture<ProbeResponse> first = transport.send(REQUEST, 1024);
    ListenableFuture<ProbeResponse> second = transport.send(REQUEST, 1024);
    ListenableFuture<ProbeResponse> elsewhere = transport.send(OTHER_HOST, 1024);

    assertThat(client.sentTo)
        .as("sent while the first is in flight: the first, and another host's")
        .containsExactly("127.0.0.1:1", "127.0.0.1:2");
    client.complete(0, 200);
    assertThat(second.get().status()).as("the second, after the first's answer").isEqualTo(200);
    assertThat(first.get().status()).isEqualTo(200);
    assertThat(elsewhere.get().status()).isEqualTo(200);
  }

  @Test
  void aClientIdleForLong_sendsItsNextRequestAloneAgain_andAShortPauseDoesNot() throws Exception {
    FakeClient client = new FakeClient().answer(200).answer(200).answer(200).pending().answer(200);
    FakeScheduler clock = new FakeScheduler();
    OverflowTransport transport =
        new OverflowTransport(client, next(new FakeClient()), 4, clock.ticker());
    assertThat(transport.send(REQUEST, 1024).get().status()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(OverflowTransport.REGATE_AFTER_IDLE_SECONDS - 1));
    ListenableFuture<ProbeResponse> soon = transport.send(REQUEST, 1024);
    ListenableFuture<ProbeResponse> soonToo = transport.send(REQUEST, 1024);
    assertThat(client.sentTo).as("after a short pause, both at once").hasSize(3);
    assertThat(soon.get().status()).isEqualTo(200);
    assertThat(soonToo.get().status()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(OverflowTransport.REGATE_AFTER_IDLE_SECONDS));
    assertTheFirstGoesAloneAndTheOtherFollows(transport, client, "after a long pause");
    assertThat(client.sentTo).hasSize(5);
  }

  @Test
  void aRequestThatMayHaveLostTheConnection_sendsTheClientsNextOneAloneAgain() throws Exception {
    FakeClient client =
        new FakeClient()
            .answer(200)
            .refuse(new HttpConnectTimeoutException("HTTP connect timed out"))
            .pending()
            .answer(200);
    OverflowTransport transport = new OverflowTransport(client, next(new FakeClient()), 4);
    assertThat(transport.send(REQUEST, 1024).get().status()).isEqualTo(200);
    ListenableFuture<ProbeResponse> lost = transport.send(REQUEST, 1024);
    assertThatThrownBy(lost::get).hasCauseInstanceOf(HttpConnectTimeoutException.class);

    assertTheFirstGoesAloneAndTheOtherFollows(transport, client, "after the failed connect");
    assertThat(transport.lostConnectionRetries()).as("a failed connect is not retried").isZero();
  }

  @Test
  void aRequestWhoseConnectionWasClosedUnderIt_isSentOnceMore_aloneOnANewConnection()
      throws Exception {
    FakeClient client = new FakeClient().answer(200).pending().pending().pending().answer(200);
    OverflowTransport transport = new OverflowTransport(client, next(new FakeClient()), 4);
    assertThat(transport.send(REQUEST, 1024).get().status()).isEqualTo(200);
    ListenableFuture<ProbeResponse> closedUnder = transport.send(REQUEST, 1024);
    ListenableFuture<ProbeResponse> alsoInFlight = transport.send(REQUEST, 1024);
    assertThat(client.sentTo).as("both on the pooled connection").hasSize(3);

    client.fail(1, new IOException("/127.0.0.1:50000: GOAWAY received"));

    assertThat(client.sentTo).as("sent again at once, alone: the gate is re-armed").hasSize(4);
    assertThat(closedUnder.isDone()).as("its caller waits for the second answer").isFalse();
    client.fail(2, new IOException("/127.0.0.1:50000: GOAWAY received"));
    assertThat(client.sentTo).as("the other one waits for the first retry's answer").hasSize(4);

    client.complete(3, 200);

    assertThat(closedUnder.get().status()).isEqualTo(200);
    assertThat(alsoInFlight.get().status()).isEqualTo(200);
    assertThat(client.sentTo).hasSize(5);
    assertThat(transport.lostConnectionRetries()).isEqualTo(2);
    assertThat(transport.inFlight(REQUEST.uri())).containsOnly(0);
  }

  @Test
  void aRequestLostTwice_failsWithTheSecondError() {
    FakeClient client =
        new FakeClient()
            .refuse(new IOException("/127.0.0.1:50000: GOAWAY received"))
            .refuse(new EOFException("EOF reached while reading"))
            .answer(200);
    OverflowTransport transport = new OverflowTransport(client, next(new FakeClient()), 4);

    assertThatThrownBy(() -> transport.send(REQUEST, 1024).get())
        .as("one retry at most")
        .hasCauseInstanceOf(EOFException.class);
    assertThat(client.sentTo).hasSize(2);
    assertThat(transport.lostConnectionRetries()).isEqualTo(1);
  }

  @Test
  void aRetry_hasWhatIsLeftOfTheRequestsTimeout_andNoneWhenTooLittleIsLeft() throws Exception {
    FakeClient client = new FakeClient().pending().answer(200).pending();
    FakeScheduler clock = new FakeScheduler();
    OverflowTransport transport =
        new OverflowTransport(client, next(new FakeClient()), 4, clock.ticker());

    ListenableFuture<ProbeResponse> early = transport.send(REQUEST, 1024);
    clock.advance(Duration.ofMillis(400));
    client.fail(0, new IOException("Connection reset"));

    assertThat(early.get().status()).isEqualTo(200);
    assertThat(client.timeouts.get(1)).as("1 s less the 400 ms spent").hasMillis(600);

    ListenableFuture<ProbeResponse> late = transport.send(REQUEST, 1024);
    clock.advance(REQUEST.timeout().minus(OverflowTransport.MIN_RETRY_TIME).plusNanos(1));
    client.fail(2, new EOFException("EOF reached while reading"));

    assertThatThrownBy(late::get).hasCauseInstanceOf(EOFException.class);
    assertThat(client.sentTo).as("not sent again").hasSize(3);
  }

  @Test
  void cancellingARetriedRequest_cancelsTheRetry() throws Exception {
    FakeClient client = new FakeClient().answer(200).pending().pending();
    OverflowTransport transport = new OverflowTransport(client, next(new FakeClient()), 4);
    assertThat(transport.send(REQUEST, 1024).get().status()).isEqualTo(200);
    ListenableFuture<ProbeResponse> sent = transport.send(REQUEST, 1024);
    client.fail(1, new EOFException("EOF reached while reading"));
    assertThat(client.sentTo).hasSize(3);

    sent.cancel(false);

    assertThat(client.exchanges.get(2).isCancelled())
        .as("the retry is the gate's first request: it runs on, only its caller is let go")
        .isFalse();
    assertThat(sent.isCancelled()).isTrue();
    client.complete(2, 200);
    assertThat(transport.inFlight(REQUEST.uri())).containsOnly(0);
  }

  @Test
  void lostConnections_areTheClosedUnderARequest_notTheRefusedTimedOutOrUntrusted() {
    assertThat(OverflowTransport.isLostConnection(new IOException("/1.2.3.4:5: GOAWAY received")))
        .isTrue();
    assertThat(OverflowTransport.isLostConnection(new EOFException("EOF reached while reading")))
        .isTrue();
    assertThat(OverflowTransport.isLostConnection(new IOException("Connection reset by peer")))
        .isTrue();
    assertThat(OverflowTransport.isLostConnection(new IOException("Broken pipe"))).isTrue();
    assertThat(
            OverflowTransport.isLostConnection(
                new IOException("HTTP/1.1 header parser received no bytes")))
        .isTrue();
    assertThat(
            OverflowTransport.isLostConnection(
                new IOException("wrapped", new java.nio.channels.ClosedChannelException())))
        .isTrue();
    assertThat(OverflowTransport.isLostConnection(new java.net.ConnectException("refused")))
        .isFalse();
    assertThat(
            OverflowTransport.isLostConnection(
                new HttpConnectTimeoutException("HTTP connect timed out")))
        .isFalse();
    assertThat(OverflowTransport.isLostConnection(new HttpTimeoutException("request timed out")))
        .isFalse();
    assertThat(
            OverflowTransport.isLostConnection(
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed")))
        .isFalse();
    assertThat(OverflowTransport.isLostConnection(streamLimit())).isFalse();
  }

  /**
   * Sends two requests to {@link #REQUEST}'s host: the first goes alone, the other once {@code
   * client} answered the first (scripted as pending).
   */
  private static void assertTheFirstGoesAloneAndTheOtherFollows(
      OverflowTransport transport, FakeClient client, String when) throws Exception {
    int sentBefore = client.sentTo.size();
    ListenableFuture<ProbeResponse> first = transport.send(REQUEST, 1024);
    ListenableFuture<ProbeResponse> waiting = transport.send(REQUEST, 1024);
    assertThat(client.sentTo).as("%s, the first goes alone", when).hasSize(sentBefore + 1);

    client.complete(sentBefore, 200);

    assertThat(waiting.get().status()).as("the other, after the first's answer").isEqualTo(200);
    assertThat(first.get().status()).isEqualTo(200);
  }

  @Test
  void aSlowAnswer_orAStreamLimit_isNoSignOfALostConnection() {
    assertThat(OverflowTransport.mayHaveLostTheConnection(new HttpTimeoutException("timed out")))
        .isFalse();
    assertThat(OverflowTransport.mayHaveLostTheConnection(streamLimit())).isFalse();
    assertThat(
            OverflowTransport.mayHaveLostTheConnection(
                new HttpConnectTimeoutException("connect timed out")))
        .isTrue();
    assertThat(OverflowTransport.mayHaveLostTheConnection(new IOException("EOF reached"))).isTrue();
  }

  @Test
  void hostsRemembered_stayBounded_whateverTheHostsVisited() throws Exception {
    FakeClient client = new FakeClient();
    int hosts = OverflowTransport.MAX_REMEMBERED_HOSTS * 3;
    for (int i = 0; i < hosts; i++) {
      client.answer(200);
    }
    OverflowTransport transport = new OverflowTransport(client, next(new FakeClient()), 4);

    for (int i = 0; i < hosts; i++) {
      OutgoingRequest request =
          new OutgoingRequest(
              "GET",
              URI.create("https://h" + i + ".example/u"),
              Map.of(),
              new byte[0],
              Duration.ofSeconds(1));
      assertThat(transport.send(request, 1024).get().status()).isEqualTo(200);
    }

    assertThat(transport.rememberedHosts())
        .as("hosts remembered after %s distinct ones", hosts)
        .isLessThanOrEqualTo(OverflowTransport.MAX_REMEMBERED_HOSTS);
  }

  @Test
  void cancellingAWaitingRequest_leavesTheFirstInFlight() {
    FakeClient client = new FakeClient().pending();
    OverflowTransport transport = new OverflowTransport(client, next(new FakeClient()), 4);
    transport.send(REQUEST, 1024);
    ListenableFuture<ProbeResponse> waiting = transport.send(REQUEST, 1024);

    waiting.cancel(false);

    assertThat(client.exchanges).as("exchanges sent").hasSize(1);
    assertThat(client.exchanges.get(0).isCancelled()).as("the first's").isFalse();
  }

  @Test
  void aClientThatRefused_isNotAskedAgainWhileFull_andIsUsedAgainOnceARequestEnds()
      throws Exception {
    FakeClient first =
        new FakeClient().pending().pending().pending().refuse(streamLimit()).answer(200);
    FakeClient second = new FakeClient().answer(200).answer(201);
    OverflowTransport transport = new OverflowTransport(first, next(second), 4);
    transport.send(REQUEST, 1024);
    first.complete(0, 200); // the first exchange opens the way for the others
    transport.send(REQUEST, 1024);
    transport.send(REQUEST, 1024);

    ProbeResponse refusedThenMoved = transport.send(REQUEST, 1024).get();
    ProbeResponse skipped = transport.send(REQUEST, 1024).get();

    assertThat(refusedThenMoved.status()).isEqualTo(200);
    assertThat(skipped.status()).as("straight to the second client").isEqualTo(201);
    assertThat(first.exchanges).as("asked of the first client").hasSize(4);
    assertThat(transport.inFlight(REQUEST.uri())).startsWith(2, 0);

    first.complete(1, 200);
    assertThat(transport.send(REQUEST, 1024).get().status())
        .as("room again on the first client")
        .isEqualTo(200);
    assertThat(first.exchanges).hasSize(5);
  }

  @Test
  void aFullClient_isTriedAgainOnceIn64Skips_andTakenRaisesWhatItsHostAllows() throws Exception {
    FakeClient first =
        new FakeClient().pending().pending().refuse(streamLimit()).answer(299).answer(298);
    FakeClient second = new FakeClient();
    for (int i = 0; i < OverflowTransport.RETRY_FULL_EVERY; i++) {
      second.answer(200);
    }
    OverflowTransport transport = new OverflowTransport(first, next(second), 4);
    transport.send(REQUEST, 1024);
    first.complete(0, 200);
    transport.send(REQUEST, 1024); // in flight: 1
    transport.send(REQUEST, 1024).get(); // refused: the host allows 1

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < OverflowTransport.RETRY_FULL_EVERY; i++) {
      statuses.add(transport.send(REQUEST, 1024).get().status());
    }

    assertThat(statuses.subList(0, OverflowTransport.RETRY_FULL_EVERY - 1))
        .as("skipped the full client")
        .containsOnly(200);
    assertThat(statuses.get(OverflowTransport.RETRY_FULL_EVERY - 1))
        .as("the first client, tried again (and it took the request)")
        .isEqualTo(299);
    assertThat(transport.send(REQUEST, 1024).get().status())
        .as("it took 2 at once: the host allows 2 now")
        .isEqualTo(298);
  }

  @Test
  void aClientWhoseRequestsAllEnded_forgetsWhatItsHostAllowed() throws Exception {
    FakeClient first =
        new FakeClient().pending().pending().refuse(streamLimit()).answer(200).answer(200);
    FakeClient second = new FakeClient().answer(201);
    OverflowTransport transport = new OverflowTransport(first, next(second), 4);
    transport.send(REQUEST, 1024);
    first.complete(0, 200);
    transport.send(REQUEST, 1024); // in flight: 1
    transport.send(REQUEST, 1024).get(); // refused: the host allows 1
    first.complete(1, 200); // idle

    ProbeResponse one = transport.send(REQUEST, 1024).get();
    ProbeResponse two = transport.send(REQUEST, 1024).get();

    assertThat(List.of(one.status(), two.status()))
        .as("both on the first client")
        .containsOnly(200);
    assertThat(transport.inFlight(REQUEST.uri())).containsOnly(0);
  }

  @Test
  void cancelledAndWaitingRequests_leaveNoCountBehind() {
    FakeClient client = new FakeClient().pending().pending();
    OverflowTransport transport = new OverflowTransport(client, next(new FakeClient()), 4);
    ListenableFuture<ProbeResponse> first = transport.send(REQUEST, 1024);
    ListenableFuture<ProbeResponse> waiting = transport.send(REQUEST, 1024);
    assertThat(transport.inFlight(REQUEST.uri())).startsWith(2);

    waiting.cancel(false);
    first.cancel(false);
    client.complete(0, 200); // the first request's exchange runs to its end

    assertThat(transport.inFlight(REQUEST.uri())).containsOnly(0);
  }

  @Test
  void probeDetail_namesTheStreamLimit() {
    assertThat(OverflowTransport.isStreamLimit(streamLimit())).isTrue();
    assertThat(OverflowTransport.isStreamLimit(new IOException("closed"))).isFalse();
    assertThat(
            OverflowTransport.isStreamLimit(
                new IllegalStateException("too many concurrent streams")))
        .as("only the client's I/O refusal")
        .isFalse();
  }

  @Test
  void aProbeRefusedByEveryClient_isAnErrorNamingTheStreamLimit() throws Exception {
    assertThat(outcomeOfAProbeFailingWith(streamLimit()))
        .as("not a bare 'I/O error'")
        .isEqualTo(
            CheckOutcome.error(
                "the platform's HTTP/2 stream limit is reached (too many concurrent streams)"));
  }

  @Test
  void aProbeWhoseConnectionWasLost_isAnErrorSayingSo() throws Exception {
    assertThat(outcomeOfAProbeFailingWith(new IOException("/10.0.0.1:41000: GOAWAY received")))
        .as("not a bare 'I/O error', nor the client's local address")
        .isEqualTo(CheckOutcome.error("the platform closed the connection before answering"));
  }

  /** What a probe's check says when every request it sends fails with {@code failure}. */
  private static CheckOutcome outcomeOfAProbeFailingWith(IOException failure) throws Exception {
    ProbeFixture fixture = new ProbeFixture();
    try {
      Platform platform =
          CatalogLoader.parse(
                  "t.yaml",
                  """
                  platforms:
                    - id: busy
                      name: Busy
                      prior: 0.5
                      kind: api
                      request: {url: "https://busy.example/u/{email_sha256}"}
                      rules: [{status: 200, result: FOUND}]
                  """,
                  fixture
                      .settings()
                      .withTransport(
                          (request, max) -> Futures.immediateFailedFuture(failure),
                          () -> "0000000000000000"))
              .platforms()
              .get(0);

      return platform
          .checker()
          .check(EmailAddress.parse("user@email.com"), new CheckContext(Duration.ofSeconds(5)))
          .get();
    } finally {
      fixture.close();
    }
  }

  private java.util.function.Supplier<HttpClient> next(FakeClient client) {
    return () -> {
      created.incrementAndGet();
      return client;
    };
  }

  /** An HttpClient whose exchanges end as the test scripts them, in order. */
  private static final class FakeClient extends HttpClient {
    private final List<Object> script = new ArrayList<>();
    final List<CompletableFuture<?>> exchanges = new ArrayList<>();
    final List<String> sentTo = new ArrayList<>();
    final List<Duration> timeouts = new ArrayList<>();
    private final List<HttpRequest> requests = new ArrayList<>();

    /** Answers the {@code index}-th exchange, which was scripted as pending. */
    @SuppressWarnings("unchecked")
    void complete(int index, int status) {
      HttpRequest request;
      CompletableFuture<HttpResponse<LimitedBody>> exchange;
      synchronized (this) {
        request = requests.get(index);
        exchange = (CompletableFuture<HttpResponse<LimitedBody>>) exchanges.get(index);
      }
      exchange.complete(new Response(request, status, new LimitedBody(new byte[0], false)));
    }

    /** Fails the {@code index}-th exchange, which was scripted as pending. */
    void fail(int index, IOException e) {
      CompletableFuture<?> exchange;
      synchronized (this) {
        exchange = exchanges.get(index);
      }
      exchange.completeExceptionally(e);
    }

    FakeClient refuse(IOException e) {
      script.add(e);
      return this;
    }

    FakeClient answer(int status) {
      script.add(status);
      return this;
    }

    FakeClient pending() {
      script.add("pending");
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      Object next = script.remove(0);
      CompletableFuture<HttpResponse<T>> exchange = new CompletableFuture<>();
      exchanges.add(exchange);
      requests.add(request);
      sentTo.add(request.uri().getRawAuthority());
      timeouts.add(request.timeout().orElseThrow());
      if (next instanceof IOException e) {
        exchange.completeExceptionally(e);
      } else if (next instanceof Integer status) {
        exchange.complete(
            (HttpResponse<T>) new Response(request, status, new LimitedBody(new byte[0], false)));
      }
      return exchange;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request,
        HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> push) {
      return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
      return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
      throw new UnsupportedOperationException();
    }

    @Override
    public SSLParameters sslParameters() {
      return new SSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return Optional.empty();
    }

    @Override
    public Version version() {
      return Version.HTTP_2;
    }

    @Override
    public Optional<Executor> executor() {
      return Optional.empty();
    }
  }

  private record Response(HttpRequest request, int statusCode, LimitedBody body)
      implements HttpResponse<LimitedBody> {
    @Override
    public Optional<HttpResponse<LimitedBody>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_2;
    }
  }
}
