package dev.socialcheck.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.ListPlatformsResponse;
import dev.socialcheck.v1.Platform;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Strategy;
import dev.socialcheck.v1.Verdict;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scenario checks with the plain generated grpc-java stubs (blocking and async, from
 * socialcheck-proto) over a Netty channel, against the real server process: proves the harness in
 * Java, and is the baseline the Java SDK tests repeat through the SDK.
 *
 * <p>These tests assert what any client sees: the status code, and that the server keeps answering
 * afterwards. That a cancelled or expired call also cancelled the checks inside the server is shown
 * by {@link JavaSdkIT}, through the server's metrics endpoint.
 */
class JavaStubsIT {
  /** Generous bound on every call that should succeed: the demo answers within 250 ms here. */
  private static final long CALL_TIMEOUT_S = 30;

  private static ServerProcess server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start("JavaStubsIT");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(10, SECONDS);
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private static SocialAccountServiceGrpc.SocialAccountServiceBlockingStub blocking() {
    return SocialAccountServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT_S, SECONDS);
  }

  private static SocialAccountServiceGrpc.SocialAccountServiceStub async() {
    return SocialAccountServiceGrpc.newStub(channel).withDeadlineAfter(CALL_TIMEOUT_S, SECONDS);
  }

  @Test
  void health_isServing_forTheServerAndTheService() {
    HealthGrpc.HealthBlockingStub health =
        HealthGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT_S, SECONDS);

    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(
            health
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService(SocialAccountServiceGrpc.SERVICE_NAME)
                        .build())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void reflection_listsEveryService() throws Exception {
    CompletableFuture<List<String>> services = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(CALL_TIMEOUT_S, SECONDS)
            .serverReflectionInfo(
                new StreamObserver<ServerReflectionResponse>() {
                  private final List<String> names = new ArrayList<>();

                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    response.getListServicesResponse().getServiceList().stream()
                        .map(ServiceResponse::getName)
                        .forEach(names::add);
                  }

                  @Override
                  public void onError(Throwable t) {
                    services.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    services.complete(names);
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();

    assertThat(services.get(CALL_TIMEOUT_S, SECONDS))
        .containsExactlyInAnyOrder(
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
            SocialAccountServiceGrpc.SERVICE_NAME);
  }

  @Test
  void listPlatforms_likeliestFirst() {
    ListPlatformsResponse response =
        blocking().listPlatforms(ListPlatformsRequest.getDefaultInstance());

    assertThat(response.getPlatformsList())
        .extracting(Platform::getId)
        .containsExactly("facebook", "twitter", "github");
  }

  @Test
  void hasSocialAccount_race_foundOnGithub_andTheOthersCancelled() {
    HasSocialAccountResponse response =
        blocking()
            .hasSocialAccount(
                HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build());

    assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
    assertThat(response.getHasAccount()).isTrue();
    assertThat(response.getFoundOn()).isEqualTo("github");
    assertThat(response.getResultsList())
        .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
        .containsExactly(
            tuple("facebook", PlatformStatus.PLATFORM_STATUS_CANCELLED),
            tuple("twitter", PlatformStatus.PLATFORM_STATUS_CANCELLED),
            tuple("github", PlatformStatus.PLATFORM_STATUS_FOUND));
  }

  @Test
  void hasSocialAccount_nobody_notFoundAnywhere() {
    HasSocialAccountResponse response =
        blocking()
            .hasSocialAccount(
                HasSocialAccountRequest.newBuilder().setEmail("user+nobody@email.com").build());

    assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_NOT_FOUND);
    assertThat(response.getHasAccount()).isFalse();
    assertThat(response.getFoundOn()).isEmpty();
    assertThat(response.getResultsList())
        .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
        .containsExactly(
            tuple("facebook", PlatformStatus.PLATFORM_STATUS_NOT_FOUND),
            tuple("twitter", PlatformStatus.PLATFORM_STATUS_NOT_FOUND),
            tuple("github", PlatformStatus.PLATFORM_STATUS_NOT_FOUND));
  }

  @Test
  void checkEach_streamsEveryPlatformInCompletionOrder() throws Exception {
    CompletableFuture<List<PlatformResult>> stream = new CompletableFuture<>();
    async()
        .checkEach(
            CheckEachRequest.newBuilder().setEmail("user@email.com").build(),
            new StreamObserver<CheckEachResponse>() {
              private final List<PlatformResult> results =
                  Collections.synchronizedList(new ArrayList<>());

              @Override
              public void onNext(CheckEachResponse message) {
                results.add(message.getResult());
              }

              @Override
              public void onError(Throwable t) {
                stream.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                stream.complete(List.copyOf(results));
              }
            });

    assertThat(stream.get(CALL_TIMEOUT_S, SECONDS))
        .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
        .containsExactly(
            tuple("github", PlatformStatus.PLATFORM_STATUS_FOUND),
            tuple("twitter", PlatformStatus.PLATFORM_STATUS_NOT_FOUND),
            tuple("facebook", PlatformStatus.PLATFORM_STATUS_FOUND));
  }

  @Test
  void malformedAddress_isInvalidArgument_onBothMethods() {
    StatusRuntimeException unary =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                blocking()
                    .hasSocialAccount(
                        HasSocialAccountRequest.newBuilder().setEmail("not-an-address").build()));
    StatusRuntimeException streaming =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                blocking()
                    .checkEach(CheckEachRequest.newBuilder().setEmail("not-an-address").build())
                    .forEachRemaining(ignored -> {}));

    assertThat(unary.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(unary.getStatus().getDescription()).isEqualTo("email has no '@'");
    assertThat(streaming.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void deadline_isDeadlineExceeded_andTheServerKeepsServing() {
    // SEQUENTIAL on facebook alone answers after half of facebook's timeout (5 s of 10 s, times
    // the demo time scale): a deadline of a fifth of that timeout passes first, at any time scale.
    long deadlineMs = facebookTimeoutMillis() / 5;
    HasSocialAccountRequest slow =
        HasSocialAccountRequest.newBuilder()
            .setEmail("user@email.com")
            .setStrategy(Strategy.STRATEGY_SEQUENTIAL)
            .addPlatforms("facebook")
            .build();

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                SocialAccountServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadlineMs, MILLISECONDS)
                    .hasSocialAccount(slow));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    // Without a deadline the same request answers: the expired call left nothing behind.
    assertThat(blocking().hasSocialAccount(slow).getFoundOn()).isEqualTo("facebook");
  }

  @Test
  void cancellingCheckEach_afterTheFirstResult_endsTheStreamCancelled() throws Exception {
    // user+slow: twitter answers at 0.3 T and facebook at 0.5 T, but github never does, so the
    // stream cannot end before github's timeout T (T = 10 s times the time scale): a wide window
    // to cancel in after the first result.
    List<PlatformResult> received = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Status> end = new CompletableFuture<>();
    async()
        .checkEach(
            CheckEachRequest.newBuilder().setEmail("user+slow@email.com").build(),
            new ClientResponseObserver<CheckEachRequest, CheckEachResponse>() {
              private ClientCallStreamObserver<CheckEachRequest> call;

              @Override
              public void beforeStart(ClientCallStreamObserver<CheckEachRequest> requestStream) {
                call = requestStream;
              }

              @Override
              public void onNext(CheckEachResponse message) {
                received.add(message.getResult());
                call.cancel("the caller has what it needs", null);
              }

              @Override
              public void onError(Throwable t) {
                end.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                end.complete(Status.OK);
              }
            });

    assertThat(end.get(CALL_TIMEOUT_S, SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(received)
        .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
        .containsExactly(tuple("twitter", PlatformStatus.PLATFORM_STATUS_NOT_FOUND));
    // The server keeps answering on the same connection.
    assertThat(
            blocking()
                .hasSocialAccount(
                    HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build())
                .getFoundOn())
        .isEqualTo("github");
  }

  private static long facebookTimeoutMillis() {
    com.google.protobuf.Duration timeout =
        blocking()
            .listPlatforms(ListPlatformsRequest.getDefaultInstance())
            .getPlatformsList()
            .stream()
            .filter(p -> p.getId().equals("facebook"))
            .findFirst()
            .orElseThrow()
            .getTimeout();
    return timeout.getSeconds() * 1000 + timeout.getNanos() / 1_000_000;
  }
}
