package dev.socialcheck.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.base.Ticker;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.server.metrics.ServiceMetrics;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A real socialcheck server for the reliability scenarios: Netty on 127.0.0.1 (a free port), the
 * engine on its production scheduler and the system clock, Prometheus metrics (to read the calls in
 * flight), and the server's own callback pool. Everything a scenario must find back at zero after
 * it is one method away: {@link #awaitIdle}.
 */
final class RunningServer implements AutoCloseable {
  final ScheduledThreadPoolExecutor scheduler =
      (ScheduledThreadPoolExecutor) CheckEngine.newScheduler();
  final ServiceMetrics metrics = new ServiceMetrics();
  final CheckEngine engine = new CheckEngine(scheduler, Ticker.systemTicker(), metrics);
  final Catalog catalog;
  final SocialCheckServer server;
  private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

  /**
   * @param catalog makes the catalog on the engine's scheduler
   * @param customize sets server options (in-flight limit, connection limits...)
   */
  RunningServer(
      Function<ScheduledExecutorService, Catalog> catalog,
      Consumer<SocialCheckServer.Builder> customize)
      throws IOException {
    this.catalog = catalog.apply(scheduler);
    SocialCheckServer.Builder builder =
        SocialCheckServer.builder(engine, this.catalog)
            .host("127.0.0.1")
            .port(0)
            .metrics(metrics)
            .shutdownGrace(Duration.ofSeconds(5));
    customize.accept(builder);
    server = builder.start();
  }

  int port() {
    return server.port();
  }

  /** A new plaintext channel to the server, shut down by {@link #close()}. */
  ManagedChannel channel() {
    return channel(b -> {});
  }

  /** A new plaintext channel with client options, shut down by {@link #close()}. */
  ManagedChannel channel(Consumer<NettyChannelBuilder> customize) {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext();
    customize.accept(builder);
    ManagedChannel channel = builder.build();
    channels.add(channel);
    return channel;
  }

  /** socialcheck calls in progress on the server (the load-shedding count). */
  int callsInFlight() {
    return (int) metrics.registry().get("socialcheck.rpc.in.flight").gauge().value();
  }

  /** Calls the server finished with this gRPC status code, as its metrics counted them. */
  long callsEnded(String code) {
    return (long)
        metrics.registry().find("socialcheck.rpc.requests").tag("code", code).counters().stream()
            .mapToDouble(c -> c.count())
            .sum();
  }

  /** Timers on the engine's scheduler: check timeouts, hedge delays, simulated answers. */
  int pendingTimers() {
    return scheduler.getQueue().size();
  }

  /**
   * Waits (bounded) until nothing is left: no call in progress, no run, no check, no timer. Fails
   * naming what is left.
   */
  void awaitIdle(Duration atMost) {
    await()
        .atMost(atMost)
        .untilAsserted(
            () -> {
              assertThat(callsInFlight()).as("calls in flight").isZero();
              assertThat(engine.stats().runsInFlight()).as("runs in flight").isZero();
              assertThat(engine.stats().checksInFlight()).as("checks in flight").isZero();
              assertThat(pendingTimers()).as("timers left on the engine's scheduler").isZero();
            });
  }

  @Override
  public void close() {
    try {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(10, TimeUnit.SECONDS);
      }
      server.shutdown();
      scheduler.shutdownNow();
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      catalog.close();
    }
  }
}
