package dev.socialcheck.client;

import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.ListPlatformsResponse;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every failure reaches the caller as a SocialCheckException carrying the status. */
class ErrorMappingTest {
  private static final Metadata.Key<String> DETAIL =
      Metadata.Key.of("x-detail", Metadata.ASCII_STRING_MARSHALLER);

  /** Fails every call with its {@code status} when set. */
  private final FailingInterceptor failing = new FailingInterceptor();

  private TestServer server;
  private SocialCheckClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.inProcess(List.of("github"), failing);
    client = SocialCheckClient.create(server.settings().build());
  }

  @AfterEach
  void stopServer() throws Exception {
    client.close();
    server.close();
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(Status.Code.INVALID_ARGUMENT, false),
        Arguments.of(Status.Code.DEADLINE_EXCEEDED, true),
        Arguments.of(Status.Code.CANCELLED, false),
        Arguments.of(Status.Code.RESOURCE_EXHAUSTED, true),
        Arguments.of(Status.Code.UNAUTHENTICATED, false),
        Arguments.of(Status.Code.PERMISSION_DENIED, false),
        Arguments.of(Status.Code.UNAVAILABLE, true),
        Arguments.of(Status.Code.ABORTED, true),
        Arguments.of(Status.Code.INTERNAL, false),
        Arguments.of(Status.Code.UNIMPLEMENTED, false),
        Arguments.of(Status.Code.UNKNOWN, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void serverStatus_becomesSocialCheckExceptionWithCodeMessageAndTrailers(
      Status.Code code, boolean retryable) throws Exception {
    failing.status = Status.fromCode(code).withDescription("told by the server");
    client.close();
    // No retries, so that UNAVAILABLE reaches the caller as sent.
    client =
        SocialCheckClient.createOwning(
            SocialCheckSettings.newBuilder()
                .setTarget("in-process")
                .setPlaintext(true)
                .disableRetries()
                .build(),
            InProcessChannelBuilder.forName(server.name()));

    SocialCheckException failure = failureOf(client.hasSocialAccount("user@email.com"));

    assertThat(failure.code()).as("code").isEqualTo(code);
    assertThat(failure.status().getDescription()).as("description").isEqualTo("told by the server");
    assertThat(failure.getMessage()).as("message").isEqualTo(code + ": told by the server");
    assertThat(failure.isRetryable()).as("retryable").isEqualTo(retryable);
    assertThat(failure.trailers().get(DETAIL)).as("trailer").isEqualTo("detail of " + code);
  }

  @Test
  void invalidEmail_failsWithTheServersInvalidArgumentMessage() throws Exception {
    SocialCheckException failure = failureOf(client.hasSocialAccount("not-an-address"));

    assertThat(failure.code()).as("code").isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(failure.getMessage()).as("message").isEqualTo("INVALID_ARGUMENT: email has no '@'");
    assertThat(failure.isRetryable()).as("retryable").isFalse();
  }

  @Test
  void unknownPlatform_streamFailsWithInvalidArgument() throws Exception {
    SocialCheckException failure =
        failureOf(
            client.checkEachToList(
                CheckEachRequest.newBuilder()
                    .setEmail("user@email.com")
                    .addPlatforms("myspace")
                    .build()));

    assertThat(failure.code()).as("code").isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(failure.getMessage()).as("message").contains("myspace");
  }

  @Test
  void noServer_failsWithUnavailable() throws Exception {
    ManagedChannel nowhere =
        InProcessChannelBuilder.forName(InProcessServerBuilder.generateName()).build();
    try (SocialCheckClient lost =
        SocialCheckClient.create(SocialCheckSettings.newBuilder().setChannel(nowhere).build())) {
      SocialCheckException failure = failureOf(lost.listPlatforms());

      assertThat(failure.code()).as("code").isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(failure.isRetryable()).as("retryable").isTrue();
    } finally {
      nowhere.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void noServer_waitForReady_waitsUntilTheDeadlineInsteadOfFailingFast() throws Exception {
    FakeTime time = new FakeTime();
    ManagedChannel nowhere =
        InProcessChannelBuilder.forName(InProcessServerBuilder.generateName())
            .scheduledExecutorService(time.timers())
            .build();
    try (SocialCheckClient lost =
        SocialCheckClient.create(
            SocialCheckSettings.newBuilder()
                .setChannel(nowhere)
                .setDeadlineTicker(time.ticker())
                .build())) {
      // A first call fails fast and leaves the channel resolved: the next call starts on this
      // thread, so its deadline timer is on the fake clock when listPlatforms returns.
      assertThat(failureOf(lost.listPlatforms()).code())
          .as("code without wait-for-ready")
          .isEqualTo(Status.Code.UNAVAILABLE);
      ListenableFuture<ListPlatformsResponse> waiting =
          lost.listPlatforms(
              CallSettings.newBuilder()
                  .setWaitForReady(true)
                  .setTimeout(Duration.ofMillis(300))
                  .build());

      // Failing fast would end it with UNAVAILABLE now; it ends only when fake time passes 300 ms.
      time.advance(Duration.ofMillis(300));
      SocialCheckException failure = failureOf(waiting);

      assertThat(failure.code()).as("code").isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    } finally {
      nowhere.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void responseLargerThanMaxInboundMessageSize_failsWithResourceExhausted() throws Exception {
    // In process, messages are not serialized and so not measured: use a real transport.
    TestServer loopback =
        TestServer.loopback(List.of("github"), InsecureServerCredentials.create());
    try (SocialCheckClient strict =
        SocialCheckClient.create(
            SocialCheckSettings.newBuilder()
                .setTarget(loopback.target())
                .setPlaintext(true)
                .setMaxInboundMessageSize(8)
                .build())) {
      SocialCheckException failure = failureOf(strict.listPlatforms());

      assertThat(failure.code()).as("code").isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    } finally {
      loopback.close();
    }
  }

  @Test
  void exception_withoutDescription_hasTheCodeAsMessage() {
    SocialCheckException exception = new SocialCheckException(Status.NOT_FOUND, null);

    assertThat(exception.getMessage()).as("message").isEqualTo("NOT_FOUND");
    assertThat(exception.trailers().keys()).as("trailers").isEmpty();
  }

  @Test
  void exception_keepsTheLocalCause() {
    IllegalStateException cause = new IllegalStateException("boom");

    SocialCheckException exception =
        new SocialCheckException(Status.INTERNAL.withDescription("x").withCause(cause), null);

    assertThat(exception).as("exception").hasCause(cause);
    assertThat(exception.status().getCause()).as("status cause").isSameAs(cause);
  }

  @Test
  void exception_withOkStatus_isRefused() {
    assertThatThrownBy(() -> new SocialCheckException(Status.OK, null))
        .as("exception for OK")
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static final class FailingInterceptor implements ServerInterceptor {
    volatile Status status;

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      Status failWith = status;
      if (failWith == null) {
        return next.startCall(call, headers);
      }
      Metadata trailers = new Metadata();
      trailers.put(DETAIL, "detail of " + failWith.getCode());
      call.close(failWith, trailers);
      return new ServerCall.Listener<>() {};
    }
  }
}
