package dev.socialcheck.bench;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.server.tracing.Tracing;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What tracing costs per call: one unary {@code HasSocialAccount} (RACE over the demo's three
 * platforms answering at once, FOUND on the likeliest) through the whole server stack on the
 * in-process transport, from the blocking stub's call to its answer. Run with the GC profiler for
 * the allocation per call ({@code gc.alloc.rate.norm}).
 *
 * <p>{@code tracing}: {@code off} (what {@code serve} builds without {@code OTEL_*} settings: no
 * SDK, no stream tracer, no interceptor, the engine's observer {@code NONE}); {@code unsampled}
 * (tracing on, a sampler that drops everything: the cost of the hooks alone); {@code sampled}
 * (every call recorded, 1 server span and 3 check spans, handed to a batch processor whose exporter
 * drops them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TracingOverheadBenchmark {
  @Param({"off", "unsampled", "sampled"})
  public String tracing;

  private ScheduledExecutorService scheduler;
  private @Nullable OpenTelemetrySdk sdk;
  private SocialCheckServer server;
  private ManagedChannel channel;
  private SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub;
  private final HasSocialAccountRequest request =
      HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build();

  @Setup
  public void setUp() throws Exception {
    scheduler = CheckEngine.newScheduler();
    Tracing chosen = Tracing.off();
    if (!tracing.equals("off")) {
      sdk =
          OpenTelemetrySdk.builder()
              .setTracerProvider(
                  SdkTracerProvider.builder()
                      .setSampler(
                          tracing.equals("sampled") ? Sampler.alwaysOn() : Sampler.alwaysOff())
                      .addSpanProcessor(
                          BatchSpanProcessor.builder(SpanExporter.composite()).build())
                      .build())
              .build();
      chosen = Tracing.using(sdk);
    }
    List<Platform> platforms = new ArrayList<>();
    List<String> ids = List.of("facebook", "twitter", "github");
    List<Double> priors = List.of(0.60, 0.073, 0.009);
    for (int i = 0; i < ids.size(); i++) {
      ListenableFuture<CheckOutcome> answer =
          Futures.immediateFuture(
              i == 1 ? CheckOutcome.notFound("no account") : CheckOutcome.found("account"));
      platforms.add(
          new Platform(
              ids.get(i), ids.get(i), priors.get(i), Duration.ofSeconds(10), (e, c) -> answer));
    }
    CheckObserver observer = chosen.observer();
    String name = InProcessServerBuilder.generateName();
    server =
        SocialCheckServer.builder(
                new CheckEngine(scheduler, Ticker.systemTicker(), observer),
                new Catalog("instant-demo", platforms))
            .transport(InProcessServerBuilder.forName(name))
            .tracing(chosen)
            .shutdownGrace(Duration.ZERO)
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = SocialAccountServiceGrpc.newBlockingStub(channel);
  }

  @Benchmark
  public HasSocialAccountResponse call() {
    return stub.hasSocialAccount(request);
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.shutdown();
    scheduler.shutdownNow();
    if (sdk != null) {
      sdk.close();
    }
  }
}
