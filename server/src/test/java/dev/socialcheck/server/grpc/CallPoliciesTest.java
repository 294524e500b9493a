package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Authentication, per-caller rate limit, load shedding and request ids, in process. */
class CallPoliciesTest {
  private static final String TOKEN = "tok-0123456789abcdef";
  private static final HasSocialAccountRequest REQUEST =
      HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build();

  private final FakeChecker checker = new FakeChecker();
  private final Catalog catalog = new Catalog("test", List.of(platform("a", 0.5, checker)));

  private TestServer server(Consumer<SocialCheckServer.Builder> customize) throws Exception {
    return new TestServer(catalog, CheckObserver.NONE, customize);
  }

  private static Metadata bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(BearerTokenAuthenticator.AUTHORIZATION, "Bearer " + token);
    return headers;
  }

  private static Status.Code codeOf(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as("the call failed").isNotNull();
    return e.getStatus().getCode();
  }

  @Test
  void missingOrWrongToken_isUnauthenticated_withoutDetails() throws Exception {
    try (TestServer server = server(b -> b.bearerTokens(Map.of("alice", TOKEN)))) {
      StatusRuntimeException missing =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> server.blocking().listPlatforms(ListPlatformsRequest.getDefaultInstance()));
      StatusRuntimeException wrong =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  server
                      .blocking()
                      .withInterceptors(
                          MetadataUtils.newAttachHeadersInterceptor(bearer(TOKEN + "x")))
                      .listPlatforms(ListPlatformsRequest.getDefaultInstance()));

      for (StatusRuntimeException e : List.of(missing, wrong)) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(e.getStatus().getDescription()).isEqualTo("missing or invalid bearer token");
      }
      assertThat(checker.wasCalled()).isFalse();
    }
  }

  @Test
  void rightToken_isServed_andHealthStaysOpen() throws Exception {
    try (TestServer server = server(b -> b.bearerTokens(Map.of("alice", TOKEN)))) {
      SocialAccountServiceGrpc.SocialAccountServiceBlockingStub authed =
          server
              .blocking()
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(TOKEN)));

      assertThat(
              authed.listPlatforms(ListPlatformsRequest.getDefaultInstance()).getPlatformsCount())
          .isEqualTo(1);
      assertThat(
              HealthGrpc.newBlockingStub(server.channel)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus())
          .isEqualTo(ServingStatus.SERVING);
    }
  }

  @Test
  void protectedHealth_needsTheTokenToo() throws Exception {
    try (TestServer server =
        server(b -> b.bearerTokens(Map.of("alice", TOKEN)).protect(true, true))) {
      assertThat(
              codeOf(
                  () ->
                      HealthGrpc.newBlockingStub(server.channel)
                          .check(HealthCheckRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
    }
  }

  @Test
  void callerOverItsRate_isResourceExhausted_withARetryHint() throws Exception {
    try (TestServer server = server(b -> b.callerRateLimit(0.001))) {
      server.blocking().listPlatforms(ListPlatformsRequest.getDefaultInstance());
      AtomicReference<Metadata> trailers = new AtomicReference<>();

      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  server
                      .blocking()
                      .withInterceptors(
                          MetadataUtils.newCaptureMetadataInterceptor(
                              new AtomicReference<>(), trailers))
                      .listPlatforms(ListPlatformsRequest.getDefaultInstance()));

      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(e.getStatus().getDescription())
          .startsWith("rate limit of 0.001 calls per second for this caller exceeded");
      assertThat(Long.parseLong(e.getTrailers().get(CallerRateLimit.RETRY_PUSHBACK)))
          .as("ms until the next permit, at most the 1000 s period")
          .isBetween(900_000L, 1_000_000L);
    }
  }

  @Test
  void rateLimit_isPerCaller() throws Exception {
    try (TestServer server =
        server(
            b ->
                b.callerRateLimit(0.001)
                    .bearerTokens(Map.of("alice", TOKEN, "bob", "tok-fedcba9876543210")))) {
      for (String token : List.of(TOKEN, "tok-fedcba9876543210")) {
        server
            .blocking()
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)))
            .listPlatforms(ListPlatformsRequest.getDefaultInstance());
      }
      assertThat(
              codeOf(
                  () ->
                      server
                          .blocking()
                          .withInterceptors(
                              MetadataUtils.newAttachHeadersInterceptor(bearer(TOKEN)))
                          .listPlatforms(ListPlatformsRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
  }

  @Test
  void beyondTheInFlightLimit_callsAreShedAtOnce_andAcceptedAgainWhenThereIsRoom()
      throws Exception {
    try (TestServer server = server(b -> b.maxInFlight(1))) {
      ListenableFuture<HasSocialAccountResponse> first = server.future().hasSocialAccount(REQUEST);
      FakeChecker.Call check = checker.awaitCall();

      StatusRuntimeException shed =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> server.blocking().hasSocialAccount(REQUEST));

      assertThat(shed.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(shed.getStatus().getDescription())
          .isEqualTo("server busy: 1 calls in progress; retry shortly");
      assertThat(shed.getTrailers().get(CallerRateLimit.RETRY_PUSHBACK)).isEqualTo("100");
      assertThat(checker.callCount()).as("the shed call started no check").isEqualTo(1);

      check.complete(CheckOutcome.found("yes"));
      first.get(10, TimeUnit.SECONDS);
      // The client has its answer slightly before the server counts the call as finished.
      await().atMost(Duration.ofSeconds(10)).until(() -> server.server.callsInFlight() == 0);
      ListenableFuture<HasSocialAccountResponse> later = server.future().hasSocialAccount(REQUEST);
      await().atMost(Duration.ofSeconds(10)).until(() -> checker.callCount() == 2);
      checker.lastCall().complete(CheckOutcome.found("yes"));
      assertThat(later.get(10, TimeUnit.SECONDS).getHasAccount()).isTrue();
    }
  }

  @Test
  void requestId_isEchoed_orCreated() throws Exception {
    try (TestServer server = server(b -> {})) {
      Metadata sent = new Metadata();
      sent.put(CallTelemetry.REQUEST_ID, "req-42");
      AtomicReference<Metadata> headers = new AtomicReference<>();
      AtomicReference<Metadata> trailers = new AtomicReference<>();

      server
          .blocking()
          .withInterceptors(
              MetadataUtils.newAttachHeadersInterceptor(sent),
              MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
          .listPlatforms(ListPlatformsRequest.getDefaultInstance());
      assertThat(headers.get().get(CallTelemetry.REQUEST_ID)).isEqualTo("req-42");

      Metadata bad = new Metadata();
      bad.put(CallTelemetry.REQUEST_ID, "not a sane id!");
      assertThatExceptionOfType(StatusRuntimeException.class)
          .isThrownBy(
              () ->
                  server
                      .blocking()
                      .withInterceptors(
                          MetadataUtils.newAttachHeadersInterceptor(bad),
                          MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                      .hasSocialAccount(HasSocialAccountRequest.getDefaultInstance()));
      assertThat(trailers.get().get(CallTelemetry.REQUEST_ID))
          .as("a new id, in the trailers of a call that failed before any header")
          .matches("[0-9a-f-]{36}");
    }
  }
}
