package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.CheckTrace;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.ProbeFixture;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The steps of a check share its timeout, and cancelling the check cancels whichever request is in
 * flight: a fake transport on fake time, so every instant is exact.
 */
class ProbeStepsTimingTest {
  private final ProbeFixture fixture = new ProbeFixture();
  private final List<OutgoingRequest> sent = new ArrayList<>();
  private final List<SettableFuture<ProbeResponse>> pending = new ArrayList<>();

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  /** A transport whose answers the test gives by hand. */
  private ListenableFuture<ProbeResponse> send(OutgoingRequest request, int maxBodyBytes) {
    sent.add(request);
    SettableFuture<ProbeResponse> answer = SettableFuture.create();
    pending.add(answer);
    return answer;
  }

  private Platform twoStep() {
    return CatalogLoader.parse(
            "t.yaml",
            """
            platforms:
              - id: slowpoke
                name: Slowpoke
                prior: 0.5
                kind: api
                timeout: 5s
                steps:
                  - name: join
                    request: {url: "https://slowpoke.example/join"}
                    extract: {csrf: {regex: 'csrf=(\\w+)'}}
                request: {url: "https://slowpoke.example/check?c={csrf}"}
                rules: [{status: 200, result: FOUND}]
            """,
            fixture.settings().withTransport(this::send, () -> "0000000000000000"))
        .platforms()
        .get(0);
  }

  private static ProbeResponse page(String body) {
    return new ProbeResponse(
        200,
        HttpHeaders.of(Map.of(), (a, b) -> true),
        body.getBytes(StandardCharsets.UTF_8),
        false);
  }

  private ListenableFuture<CheckOutcome> start(Platform platform) {
    return platform
        .checker()
        .check(EmailAddress.parse("user@email.com"), new CheckContext(Duration.ofSeconds(5)));
  }

  @Test
  void theDecidingRequest_getsOnlyTheTimeTheStepsLeft() throws Exception {
    ListenableFuture<CheckOutcome> check = start(twoStep());
    assertThat(sent.get(0).timeout()).isEqualTo(Duration.ofSeconds(5));

    fixture.clock.advance(Duration.ofMillis(3_200));
    pending.get(0).set(page("csrf=abc"));

    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).uri().toString()).isEqualTo("https://slowpoke.example/check?c=abc");
    assertThat(sent.get(1).timeout()).isEqualTo(Duration.ofMillis(1_800));
    pending.get(1).set(page("ok"));
    assertThat(Futures.getDone(check).status()).isEqualTo(CheckStatus.FOUND);
  }

  @Test
  void stepsThatUseUpTheTimeout_endTheCheckAsATimeout_withoutTheDecidingRequest() throws Exception {
    ListenableFuture<CheckOutcome> check = start(twoStep());

    fixture.clock.advance(Duration.ofSeconds(6));
    pending.get(0).set(page("csrf=abc"));

    assertThat(sent).as("the deciding request is never sent").hasSize(1);
    assertThat(Futures.getDone(check))
        .isEqualTo(new CheckOutcome(CheckStatus.TIMEOUT, "no answer within 5s"));
  }

  @Test
  void cancellingTheCheck_cancelsTheStepInFlight() {
    ListenableFuture<CheckOutcome> check = start(twoStep());

    check.cancel(true);

    assertThat(pending.get(0).isCancelled()).as("the join request was cancelled").isTrue();
    assertThat(sent).as("nothing sent after the cancel").hasSize(1);
  }

  @Test
  void cancellingTheCheck_cancelsTheDecidingRequestInFlight() {
    ListenableFuture<CheckOutcome> check = start(twoStep());
    pending.get(0).set(page("csrf=abc"));

    check.cancel(true);

    assertThat(pending.get(1).isCancelled()).as("the deciding request was cancelled").isTrue();
  }

  /** Records the steps a probe reports, as a tracer would. */
  private static final class RecordingTrace implements CheckTrace {
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Step startStep(String name) {
      events.add("start " + name);
      return new Step() {
        @Override
        public void setAttribute(String key, String value) {
          events.add(name + " " + key + "=" + value);
        }

        @Override
        public void setAttribute(String key, long value) {
          events.add(name + " " + key + "=" + value);
        }

        @Override
        public void fail(String reason) {
          events.add(name + " failed: " + reason);
        }

        @Override
        public void end() {
          events.add("end " + name);
        }
      };
    }
  }

  /** Starts a check of the two-step platform for user@email.com, traced into {@code trace}. */
  private ListenableFuture<CheckOutcome> startTwoStepCheck(RecordingTrace trace) {
    return twoStep()
        .checker()
        .check(
            EmailAddress.parse("user@email.com"), new CheckContext(Duration.ofSeconds(5), trace));
  }

  @Test
  void eachRequestOfAProbe_isAStepOfTheChecksTrace_withoutTheUrl() {
    RecordingTrace trace = new RecordingTrace();
    ListenableFuture<CheckOutcome> check = startTwoStepCheck(trace);
    pending.get(0).set(page("csrf=abc"));
    pending.get(1).set(page("ok"));

    assertThat(check).isDone();
    assertThat(trace.events)
        .containsExactly(
            "start step join",
            "step join socialcheck.platform=slowpoke",
            "step join http.request.method=GET",
            "step join http.response.status_code=200",
            "end step join",
            "start request",
            "request socialcheck.platform=slowpoke",
            "request http.request.method=GET",
            "request http.response.status_code=200",
            "end request");
    assertThat(String.join("\n", trace.events))
        .doesNotContain("user@email.com", "slowpoke.example");
  }

  @Test
  void aCancelledStep_endsItsTraceStepAsCancelled() {
    RecordingTrace trace = new RecordingTrace();
    ListenableFuture<CheckOutcome> check = startTwoStepCheck(trace);

    check.cancel(true);

    assertThat(trace.events).endsWith("step join failed: cancelled", "end step join");
  }

  @Test
  void aFailedStep_endsItsTraceStepWithTheFailuresType_notItsMessage() {
    RecordingTrace trace = new RecordingTrace();
    ListenableFuture<CheckOutcome> check = startTwoStepCheck(trace);

    pending.get(0).setException(new java.net.ConnectException("no route to user@email.com"));

    assertThat(check).isDone();
    assertThat(trace.events).endsWith("step join failed: ConnectException", "end step join");
    assertThat(String.join("\n", trace.events)).doesNotContain("user@email.com");
  }
}
