package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.testing.CapturedLogs;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Verdict;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Health, reflection and graceful shutdown. */
class ServerLifecycleTest {
  @RegisterExtension final CapturedLogs healthLogs = CapturedLogs.of("io.grpc.protobuf.services");
  @RegisterExtension final CapturedLogs serverLogs = CapturedLogs.of(SocialCheckServer.class);

  private final FakeChecker checker = new FakeChecker();
  private final Catalog catalog = new Catalog("test", List.of(platform("a", 0.5, checker)));
  private static final HasSocialAccountRequest REQUEST =
      HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build();

  @Test
  void health_isServing_forTheServerAndTheService() throws Exception {
    try (TestServer server = new TestServer(catalog)) {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(server.channel);

      assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
          .isEqualTo(ServingStatus.SERVING);
      assertThat(
              health
                  .check(
                      HealthCheckRequest.newBuilder()
                          .setService(SocialCheckServer.SERVICE_NAME)
                          .build())
                  .getStatus())
          .isEqualTo(ServingStatus.SERVING);
    }
  }

  @Test
  void reflection_listsTheService() throws Exception {
    try (TestServer server = new TestServer(catalog)) {
      ServerReflectionResponse response =
          server.reflect(ServerReflectionRequest.newBuilder().setListServices("").build());

      assertThat(response).isNotNull();
      assertThat(response.getListServicesResponse().getServiceList())
          .extracting(ServiceResponse::getName)
          .contains(SocialCheckServer.SERVICE_NAME, "grpc.health.v1.Health");
    }
  }

  @Test
  void shutdown_turnsHealthNotServing_refusesNewCalls_andLetsCallsInFlightFinish()
      throws Exception {
    try (TestServer server = new TestServer(catalog)) {
      BlockingQueue<ServingStatus> health = watchHealth(server);
      assertThat(health.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
      ListenableFuture<HasSocialAccountResponse> inFlight =
          server.future().hasSocialAccount(REQUEST);
      FakeChecker.Call check = checker.awaitCall();

      CompletableFuture<Void> shutdown = CompletableFuture.runAsync(server.server::shutdown);

      assertThat(health.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
      await().atMost(Duration.ofSeconds(10)).until(server.server::isShutdown);
      assertThatThrownBy(() -> server.blocking().hasSocialAccount(REQUEST))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(shutdown).as("waits for the call in flight").isNotDone();

      check.complete(CheckOutcome.found("yes"));

      assertThat(inFlight.get(10, TimeUnit.SECONDS).getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
      shutdown.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shutdown_twice_isQuiet() throws Exception {
    try (TestServer server = new TestServer(catalog, Duration.ofMillis(200))) {
      server.server.shutdown();
      server.server.shutdown(); // and once more when the test server closes
    }

    assertThat(healthLogs.events())
        .as("gRPC's health service warns when told to terminate twice")
        .isEmpty();
  }

  @Test
  void shutdown_afterTheGracePeriod_cancelsWhatIsLeft() throws Exception {
    try (TestServer server = new TestServer(catalog, Duration.ofMillis(200))) {
      ListenableFuture<HasSocialAccountResponse> inFlight =
          server.future().hasSocialAccount(REQUEST);
      FakeChecker.Call check = checker.awaitCall();

      server.server.shutdown();

      check.awaitCancelled();
      assertThat(check.wasCancelledWithInterrupt()).isTrue();
      assertThat(serverLogs.take(Level.WARN, "after the 200ms grace period")).hasSize(1);
      assertThatThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StatusRuntimeException.class);
    }
  }

  @Test
  void shutdown_returnsOnlyOnceTheTasksOnTheServersOwnThreadsHaveRun() throws Exception {
    CountDownLatch handlerRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean shutdownHadReturned = new AtomicBoolean();
    CompletableFuture<Boolean> sawShutdownReturned = new CompletableFuture<>();
    // A handler held on one of the server's own threads: gRPC's termination does not wait for it.
    SocialAccountServiceGrpc.SocialAccountServiceImplBase held =
        new SocialAccountServiceGrpc.SocialAccountServiceImplBase() {
          @Override
          public void hasSocialAccount(
              HasSocialAccountRequest request, StreamObserver<HasSocialAccountResponse> responses) {
            handlerRunning.countDown();
            try {
              release.await();
              sawShutdownReturned.complete(shutdownHadReturned.get());
            } catch (InterruptedException e) {
              sawShutdownReturned.completeExceptionally(e);
            }
          }
        };
    String name = InProcessServerBuilder.generateName();
    FakeScheduler scheduler = new FakeScheduler();
    SocialCheckServer server =
        SocialCheckServer.builder(new CheckEngine(scheduler, scheduler.ticker()), catalog)
            .transport(InProcessServerBuilder.forName(name))
            .service(held)
            .shutdownGrace(Duration.ZERO)
            .start(); // no executor given: the server makes and owns its own
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      ListenableFuture<HasSocialAccountResponse> call =
          SocialAccountServiceGrpc.newFutureStub(channel).hasSocialAccount(REQUEST);
      assertThat(handlerRunning.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Void> shutdown =
          CompletableFuture.runAsync(
              () -> {
                server.shutdown();
                shutdownHadReturned.set(true);
              });

      assertThatThrownBy(() -> shutdown.get(300, TimeUnit.MILLISECONDS))
          .as("shutdown waits for the handler still running")
          .isInstanceOf(TimeoutException.class);
      release.countDown();
      shutdown.get(10, TimeUnit.SECONDS);
      assertThat(sawShutdownReturned.get(10, TimeUnit.SECONDS)).isFalse();
      assertThat(serverLogs.take(Level.WARN, "calls still running after the 0ms grace period"))
          .hasSize(1);
      assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StatusRuntimeException.class);
    } finally {
      release.countDown();
      server.shutdown();
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static BlockingQueue<ServingStatus> watchHealth(TestServer server) {
    BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
    HealthGrpc.newStub(server.channel)
        .watch(
            HealthCheckRequest.newBuilder().setService(SocialCheckServer.SERVICE_NAME).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(HealthCheckResponse value) {
                statuses.add(value.getStatus());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    return statuses;
  }
}
