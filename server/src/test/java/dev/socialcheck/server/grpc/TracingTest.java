package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.InMemoryTracing.attribute;
import static dev.socialcheck.server.testing.InMemoryTracing.event;
import static dev.socialcheck.server.testing.InMemoryTracing.eventNames;
import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckTrace;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.InMemoryTracing;
import dev.socialcheck.server.tracing.Tracing;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.Strategy;
import dev.socialcheck.v1.Verdict;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The span tree of a call, end to end over gRPC (in-process) with tracing on: grpc-java's server
 * span per RPC, a child span per check with its attributes and events. Checks complete when the
 * test says so; hedge delays pass on a fake clock. Platforms: a (prior 0.6), b (0.3), c (0.1).
 */
class TracingTest {
  private static final String ADDRESS = "zq.private.person@example.org";
  private static final String HAS_SOCIAL_ACCOUNT =
      "Recv.socialcheck.v1.SocialAccountService.HasSocialAccount";
  private static final String CHECK_EACH = "Recv.socialcheck.v1.SocialAccountService.CheckEach";

  private final InMemoryTracing spans = new InMemoryTracing();
  private final Tracing tracing = Tracing.using(spans.sdk());
  private final FakeChecker a = new FakeChecker();
  private final FakeChecker b = new FakeChecker();
  private final FakeChecker c = new FakeChecker();
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    Catalog catalog =
        new Catalog(
            "test", List.of(platform("a", 0.6, a), platform("b", 0.3, b), platform("c", 0.1, c)));
    server = new TestServer(catalog, tracing.observer(), builder -> builder.tracing(tracing));
  }

  @AfterEach
  void stop() {
    server.close();
    spans.close();
  }

  private ListenableFuture<HasSocialAccountResponse> call(HasSocialAccountRequest request) {
    return server.future().withDeadlineAfter(30, TimeUnit.SECONDS).hasSocialAccount(request);
  }

  /** Waits until the RPC's server span has ended (just after the response was sent). */
  private SpanData awaitServerSpan(String name) {
    await().atMost(Duration.ofSeconds(10)).until(() -> spans.span(name).isPresent());
    return spans.require(name);
  }

  private static boolean hedge(SpanData span) {
    return Boolean.TRUE.equals(
        span.getAttributes().get(AttributeKey.booleanKey("socialcheck.check.hedge")));
  }

  @Test
  @DisplayName("RACE: one server span; a check span per platform under it; the losers cancelled")
  void race_spanTree() throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer =
        call(HasSocialAccountRequest.newBuilder().setEmail(ADDRESS).build());
    c.awaitCall();
    a.lastCall();
    b.lastCall();

    c.lastCall().complete(CheckOutcome.found("yes"));

    assertThat(answer.get(10, TimeUnit.SECONDS).getFoundOn()).isEqualTo("c");
    SpanData rpc = awaitServerSpan(HAS_SOCIAL_ACCOUNT);
    SpanData checkA = spans.require("check a");
    SpanData checkB = spans.require("check b");
    SpanData checkC = spans.require("check c");
    for (SpanData check : List.of(checkA, checkB, checkC)) {
      assertThat(check.getParentSpanId())
          .as("%s's parent", check.getName())
          .isEqualTo(rpc.getSpanId());
      assertThat(check.getTraceId()).as("%s's trace", check.getName()).isEqualTo(rpc.getTraceId());
      assertThat(attribute(check, "socialcheck.strategy")).as("strategy").isEqualTo("race");
      assertThat(hedge(check)).as("%s is a hedge", check.getName()).isFalse();
    }
    assertThat(attribute(checkA, "socialcheck.check.start")).isEqualTo("first");
    assertThat(attribute(checkB, "socialcheck.check.start")).isEqualTo("parallel");
    assertThat(attribute(checkC, "socialcheck.check.status")).isEqualTo("found");
    assertThat(eventNames(checkC)).as("the winner's events").containsExactly("answer decided");
    for (SpanData loser : List.of(checkA, checkB)) {
      assertThat(attribute(loser, "socialcheck.check.status")).as("loser").isEqualTo("cancelled");
      EventData cancelled = event(loser, "cancelled");
      assertThat(cancelled.getAttributes().get(AttributeKey.stringKey("socialcheck.cancel.reason")))
          .isEqualTo("found on c first");
    }
    assertThat(attribute(rpc, "socialcheck.verdict")).isEqualTo("found");
    EventData decided = event(rpc, "answer decided");
    assertThat(decided.getAttributes().get(AttributeKey.stringKey("socialcheck.found_on")))
        .isEqualTo("c");
    assertThat(attribute(rpc, "socialcheck.email.fingerprint"))
        .as("the keyed fingerprint, for correlation with the access log")
        .isEqualTo(EmailAddress.parse(ADDRESS).fingerprint());
  }

  @Test
  @DisplayName("HEDGED: the hedge's span says so; a platform never started has no span")
  void hedged_spanTree() throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer =
        call(
            HasSocialAccountRequest.newBuilder()
                .setEmail(ADDRESS)
                .setStrategy(Strategy.STRATEGY_HEDGED)
                .setHedgeDelay(com.google.protobuf.Duration.newBuilder().setSeconds(1).build())
                .build());
    a.awaitCall();
    server.awaitTimers(2); // a's timeout and the hedge timer
    server.scheduler.advance(Duration.ofSeconds(1));
    b.awaitCall();

    b.lastCall().complete(CheckOutcome.found("yes"));

    assertThat(answer.get(10, TimeUnit.SECONDS).getFoundOn()).isEqualTo("b");
    SpanData rpc = awaitServerSpan(HAS_SOCIAL_ACCOUNT);
    SpanData checkA = spans.require("check a");
    SpanData checkB = spans.require("check b");
    assertThat(spans.span("check c")).as("c was never started").isEmpty();
    assertThat(hedge(checkA)).as("a is a hedge").isFalse();
    assertThat(attribute(checkA, "socialcheck.check.status")).isEqualTo("cancelled");
    assertThat(hedge(checkB)).as("b is a hedge").isTrue();
    assertThat(attribute(checkB, "socialcheck.check.start")).isEqualTo("hedge");
    assertThat(eventNames(checkB)).containsExactly("hedge started", "answer decided");
    assertThat(checkB.getParentSpanId()).isEqualTo(rpc.getSpanId());
    assertThat(attribute(rpc, "socialcheck.strategy")).isEqualTo("hedged");
  }

  @Test
  @DisplayName("CheckEach: every check runs to its end; a timeout is an error span")
  void checkEach_spanTree() throws Exception {
    List<CheckEachResponse> received = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    server
        .async()
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .checkEach(
            CheckEachRequest.newBuilder().setEmail(ADDRESS).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(CheckEachResponse value) {
                received.add(value);
              }

              @Override
              public void onError(Throwable t) {
                done.countDown();
              }

              @Override
              public void onCompleted() {
                done.countDown();
              }
            });
    c.awaitCall();
    a.lastCall();
    b.lastCall();
    server.awaitTimers(3);

    a.lastCall().complete(CheckOutcome.found("yes"));
    b.lastCall().complete(CheckOutcome.notFound("no"));
    server.scheduler.advance(Duration.ofSeconds(10)); // c times out

    assertThat(done.await(10, TimeUnit.SECONDS)).as("stream ended").isTrue();
    assertThat(received).hasSize(3);
    SpanData rpc = awaitServerSpan(CHECK_EACH);
    assertThat(attribute(spans.require("check a"), "socialcheck.check.status")).isEqualTo("found");
    assertThat(attribute(spans.require("check b"), "socialcheck.check.status"))
        .isEqualTo("not_found");
    SpanData checkC = spans.require("check c");
    assertThat(attribute(checkC, "socialcheck.check.status")).isEqualTo("timeout");
    assertThat(checkC.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    for (String name : List.of("check a", "check b", "check c")) {
      SpanData check = spans.require(name);
      assertThat(check.getParentSpanId()).as("%s's parent", name).isEqualTo(rpc.getSpanId());
      assertThat(eventNames(check))
          .as("%s: nothing cancelled, nothing decided early", name)
          .doesNotContain("cancelled", "answer decided");
    }
    assertThat(attribute(rpc, "socialcheck.verdict")).isEqualTo("found");
    assertThat(attribute(rpc, "socialcheck.strategy")).isEqualTo("each");
  }

  @Test
  @DisplayName("A caller's W3C traceparent: the server span continues the caller's trace")
  void traceparentFromTheCaller_isHonoured() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929b0e0e4736";
    String parentId = "00f067aa0ba902b7";
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
        "00-" + traceId + "-" + parentId + "-01");
    ListenableFuture<HasSocialAccountResponse> answer =
        server
            .future()
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail(ADDRESS).build());
    c.awaitCall();
    a.lastCall().complete(CheckOutcome.found("yes"));

    assertThat(answer.get(10, TimeUnit.SECONDS).getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
    SpanData rpc = awaitServerSpan(HAS_SOCIAL_ACCOUNT);
    assertThat(rpc.getTraceId()).as("trace id").isEqualTo(traceId);
    assertThat(rpc.getParentSpanId()).as("parent: the caller's span").isEqualTo(parentId);
    assertThat(spans.require("check a").getTraceId()).isEqualTo(traceId);
  }

  @Test
  @DisplayName("A checker's steps become child spans of its check's span")
  void checkerSteps_areChildrenOfTheCheckSpan() throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer =
        call(HasSocialAccountRequest.newBuilder().setEmail(ADDRESS).addPlatforms("a").build());
    FakeChecker.Call check = a.awaitCall();
    CheckTrace.Step lookup = check.context().trace().startStep("lookup");
    lookup.setAttribute("http.response.status_code", 200);
    lookup.end();

    check.complete(CheckOutcome.notFound("no"));

    assertThat(answer.get(10, TimeUnit.SECONDS).getVerdict()).isEqualTo(Verdict.VERDICT_NOT_FOUND);
    awaitServerSpan(HAS_SOCIAL_ACCOUNT);
    SpanData step = spans.require("lookup");
    assertThat(step.getParentSpanId()).isEqualTo(spans.require("check a").getSpanId());
    assertThat(step.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(200L);
  }

  @Test
  @DisplayName("No span name, attribute, event or status holds the address or its local part")
  void noSpanHoldsTheAddress() throws Exception {
    ListenableFuture<HasSocialAccountResponse> answer =
        call(HasSocialAccountRequest.newBuilder().setEmail(ADDRESS).build());
    c.awaitCall();
    FakeChecker.Call checkA = a.lastCall();
    checkA.context().trace().startStep("lookup").end();
    b.lastCall().complete(CheckOutcome.notFound("no"));
    checkA.complete(CheckOutcome.found("yes"));
    answer.get(10, TimeUnit.SECONDS);
    awaitServerSpan(HAS_SOCIAL_ACCOUNT);
    // A refused call too: its status description must not echo the address either.
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    call(HasSocialAccountRequest.newBuilder()
                            .setEmail("zq.private.person@@x")
                            .build())
                        .get(10, TimeUnit.SECONDS)))
        .as("malformed address refused")
        .isNotNull();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                spans.spans().stream().filter(s -> s.getName().equals(HAS_SOCIAL_ACCOUNT)).count()
                    == 2);

    List<String> texts = new ArrayList<>();
    for (SpanData span : spans.spans()) {
      texts.add(span.getName());
      texts.add(span.getStatus().getDescription());
      span.getAttributes().forEach((k, v) -> texts.add(k.getKey() + "=" + v));
      for (EventData e : span.getEvents()) {
        texts.add(e.getName());
        e.getAttributes().forEach((k, v) -> texts.add(k.getKey() + "=" + v));
      }
    }
    assertThat(texts).as("what the spans say").hasSizeGreaterThan(20);
    assertThat(texts)
        .as("span texts")
        .noneMatch(t -> t.contains("zq.private.person") || t.contains("example.org"));
  }
}
