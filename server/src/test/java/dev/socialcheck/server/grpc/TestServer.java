package dev.socialcheck.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An in-process socialcheck server for tests, with a fake clock for the engine's timers (the test
 * decides when platform timeouts and hedge delays pass) and a borrowed thread pool the test can
 * inspect. {@link #close()} shuts everything down and verifies nothing was left running.
 */
final class TestServer implements AutoCloseable {
  final FakeScheduler scheduler = new FakeScheduler();
  final CheckEngine engine;
  final ThreadPoolExecutor executor = (ThreadPoolExecutor) Executors.newFixedThreadPool(4);
  final SocialCheckServer server;
  final ManagedChannel channel;

  TestServer(Catalog catalog) throws IOException {
    this(catalog, Duration.ofSeconds(10));
  }

  TestServer(Catalog catalog, Duration shutdownGrace) throws IOException {
    this(catalog, CheckObserver.NONE, builder -> builder.shutdownGrace(shutdownGrace));
  }

  /**
   * @param observer the engine's observer (metrics)
   * @param customize sets further server options
   */
  TestServer(Catalog catalog, CheckObserver observer, Consumer<SocialCheckServer.Builder> customize)
      throws IOException {
    engine = new CheckEngine(scheduler, scheduler.ticker(), observer);
    String name = InProcessServerBuilder.generateName();
    SocialCheckServer.Builder builder =
        SocialCheckServer.builder(engine, catalog)
            .transport(InProcessServerBuilder.forName(name))
            .executor(executor);
    customize.accept(builder);
    server = builder.start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  /**
   * Sends one server-reflection request and returns the first response (null if none within 10 s),
   * then ends the reflection stream.
   */
  @Nullable ServerReflectionResponse reflect(ServerReflectionRequest request)
      throws InterruptedException {
    BlockingQueue<ServerReflectionResponse> responses = new LinkedBlockingQueue<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    responses.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(request);
    ServerReflectionResponse response = responses.poll(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return response;
  }

  SocialAccountServiceGrpc.SocialAccountServiceBlockingStub blocking() {
    return SocialAccountServiceGrpc.newBlockingStub(channel);
  }

  SocialAccountServiceGrpc.SocialAccountServiceFutureStub future() {
    return SocialAccountServiceGrpc.newFutureStub(channel);
  }

  SocialAccountServiceGrpc.SocialAccountServiceStub async() {
    return SocialAccountServiceGrpc.newStub(channel);
  }

  /**
   * Waits until {@code count} timers are scheduled on the fake clock: a server thread schedules a
   * check's timeout just after calling its checker, so advance the clock only once it is there.
   */
  void awaitTimers(int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(scheduler.pendingTasks()).isEqualTo(count));
  }

  /** Waits until no gRPC task is running on the server's pool. */
  void awaitPoolIdle() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(executor.getActiveCount()).as("busy server threads").isZero());
  }

  @Override
  public void close() {
    try {
      shutDownAndVerify();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while shutting down", e);
    }
  }

  private void shutDownAndVerify() throws InterruptedException {
    channel.shutdownNow();
    assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).as("channel terminated").isTrue();
    server.shutdown();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(engine.stats().checksInFlight())
                    .as("checks in flight after the test")
                    .isZero());
    executor.shutdown();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("pool terminated").isTrue();
  }
}
