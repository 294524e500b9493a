package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.common.primitives.Bytes;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Request bytes that are not a valid message are refused with INVALID_ARGUMENT and a human
 * description, recorded as such in the access log, with nothing logged at SEVERE or ERROR
 * (grpc-java logs through java.util.logging, our code through logback: both are watched), and the
 * server keeps serving.
 */
class RequestDecodingTest {
  private static final String TOKEN = "tok-0123456789abcdef";

  /** Field 1 (email) says 127 bytes follow, and only an address does: truncated. */
  private static final byte[] TRUNCATED =
      Bytes.concat(new byte[] {0x0A, 0x7F}, "secret.person@email.com".getBytes(UTF_8));

  /** A tag whose varint never ends. */
  private static final byte[] MALFORMED_VARINT = {
    (byte) 0xFF,
    (byte) 0xFF,
    (byte) 0xFF,
    (byte) 0xFF,
    (byte) 0xFF,
    (byte) 0xFF,
    (byte) 0xFF,
    (byte) 0xFF,
    (byte) 0xFF,
    (byte) 0xFF,
    (byte) 0xFF
  };

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final FakeChecker checker = new FakeChecker();
  private final Catalog catalog = new Catalog("test", List.of(platform("a", 0.5, checker)));

  private final List<LogRecord> julRecords = new CopyOnWriteArrayList<>();
  private final Handler julHandler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          julRecords.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger access = (Logger) LoggerFactory.getLogger("socialcheck.access");
  private final Level accessLevel = access.getLevel();

  RequestDecodingTest() {
    julRoot.addHandler(julHandler);
    logs.start();
    root.addAppender(logs);
    access.setLevel(Level.INFO);
  }

  @AfterEach
  void detach() {
    julRoot.removeHandler(julHandler);
    root.detachAppender(logs);
    access.setLevel(accessLevel);
  }

  private TestServer server(Consumer<SocialCheckServer.Builder> customize) throws IOException {
    return new TestServer(catalog, CheckObserver.NONE, customize);
  }

  private static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
    return MethodDescriptor.newBuilder(BYTES, BYTES)
        .setType(method.getType())
        .setFullMethodName(method.getFullMethodName())
        .build();
  }

  /** Sends {@code bytes} as the request of {@code method}; the status the call ends with. */
  private static Status send(
      TestServer server, MethodDescriptor<?, ?> method, byte[] bytes, Metadata headers) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
    Channel channel =
        ClientInterceptors.intercept(
            server.channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> {
              if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                ClientCalls.blockingServerStreamingCall(channel, raw(method), options, bytes)
                    .forEachRemaining(ignored -> {});
              } else {
                ClientCalls.blockingUnaryCall(channel, raw(method), options, bytes);
              }
            });
    return e == null ? Status.OK : e.getStatus();
  }

  private static Metadata bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(BearerTokenAuthenticator.AUTHORIZATION, "Bearer " + token);
    return headers;
  }

  @Test
  void garbageBytes_areInvalidArgument_forEveryMethod_andTheServerKeepsServing() throws Exception {
    Map<MethodDescriptor<?, ?>, String> methods =
        Map.of(
            SocialAccountServiceGrpc.getHasSocialAccountMethod(),
                "request is not a valid socialcheck.v1.HasSocialAccountRequest message",
            SocialAccountServiceGrpc.getCheckEachMethod(),
                "request is not a valid socialcheck.v1.CheckEachRequest message",
            SocialAccountServiceGrpc.getListPlatformsMethod(),
                "request is not a valid socialcheck.v1.ListPlatformsRequest message");
    try (TestServer server = server(b -> {})) {
      methods.forEach(
          (method, description) -> {
            for (byte[] garbage : List.of(TRUNCATED, MALFORMED_VARINT)) {
              Status status = send(server, method, garbage, new Metadata());
              assertThat(status.getCode())
                  .as("%s: %s", method.getBareMethodName(), status)
                  .isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(status.getDescription()).isEqualTo(description);
            }
          });

      assertThat(
              server
                  .blocking()
                  .listPlatforms(ListPlatformsRequest.getDefaultInstance())
                  .getPlatformsCount())
          .isEqualTo(1);
      ListenableFuture<HasSocialAccountResponse> valid =
          server
              .future()
              .hasSocialAccount(
                  HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build());
      checker.awaitCall().complete(CheckOutcome.found("yes"));
      assertThat(valid.get(10, TimeUnit.SECONDS).getFoundOn()).isEqualTo("a");
      // Refused calls leave the in-flight count too (it drops once each call has completed).
      await().atMost(Duration.ofSeconds(10)).until(() -> server.server.callsInFlight() == 0);
    }
    // The server has shut down and its pool terminated: anything it would log is logged by now.

    assertThat(julRecords)
        .as("java.util.logging records at WARNING or above (grpc-java)")
        .noneMatch(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue());
    assertThat(logs.list)
        .as("logback events at ERROR")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
    assertThat(logs.list)
        .filteredOn(e -> e.getLoggerName().equals("socialcheck.access"))
        .filteredOn(e -> String.valueOf(e.getKeyValuePairs()).contains("INVALID_ARGUMENT"))
        .extracting(e -> e.getFormattedMessage().replaceFirst(" \\d+ms$", ""))
        .containsExactlyInAnyOrder(
            "HasSocialAccount INVALID_ARGUMENT",
            "HasSocialAccount INVALID_ARGUMENT",
            "CheckEach INVALID_ARGUMENT",
            "CheckEach INVALID_ARGUMENT",
            "ListPlatforms INVALID_ARGUMENT",
            "ListPlatforms INVALID_ARGUMENT");
    assertThat(logs.list)
        .extracting(e -> e.getFormattedMessage() + " " + e.getKeyValuePairs())
        .noneMatch(line -> line.contains("secret.person"));
  }

  @Test
  void garbageBytes_withoutAToken_areUnauthenticated_andWithOne_invalidArgument() throws Exception {
    try (TestServer server = server(b -> b.bearerTokens(Map.of("alice", TOKEN)))) {
      MethodDescriptor<?, ?> method = SocialAccountServiceGrpc.getHasSocialAccountMethod();

      assertThat(send(server, method, TRUNCATED, new Metadata()).getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(send(server, method, TRUNCATED, bearer(TOKEN + "x")).getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(send(server, method, TRUNCATED, bearer(TOKEN)).getCode())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(checker.wasCalled()).isFalse();
    }
  }

  @Test
  void reflection_stillDescribesTheService() throws Exception {
    try (TestServer server = server(b -> {})) {
      ServerReflectionResponse response =
          server.reflect(
              ServerReflectionRequest.newBuilder()
                  .setFileContainingSymbol(SocialCheckServer.SERVICE_NAME)
                  .build());

      assertThat(response).isNotNull();
      assertThat(response.getFileDescriptorResponse().getFileDescriptorProtoCount())
          .as("%s", response)
          .isPositive();
    }
  }
}
