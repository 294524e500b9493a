package dev.socialcheck.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import com.google.common.util.concurrent.MoreExecutors;
import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.logging.BatchingConsoleAppender;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.SocialAccountServiceGrpc.SocialAccountServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
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
import org.slf4j.LoggerFactory;

/**
 * The whole server path of one {@code HasSocialAccount} call — interceptors, request decoding,
 * engine, response encoding, access log — over the in-process transport, layer by layer as target 1
 * of the load suite has them, so a per-call regression shows here without a load test. Run with the
 * GC profiler: {@code gc.alloc.rate.norm} is the bytes allocated per call.
 *
 * <p>Everything runs on the benchmark thread (direct executors on both sides, blocking stub), so
 * the time per operation is the CPU cost of one call, client side included; the client side (stub,
 * in-process transport) is the same in every layer, so the difference between two layers is what
 * the outer one adds. The access log is formatted by the production appenders and encoder as
 * configured (on their own thread: {@code -prof gc} counts every thread's allocations), their
 * output replaced by a null stream (what it costs to write the bytes to a file or a pipe is the
 * load suite's business).
 *
 * <p>{@code layer}: {@code echo} (bare echo), {@code echo+interceptors} (the echo behind the
 * production interceptors: request id, metrics, rate limit, in-flight limit; access log off),
 * {@code echo+decoding} (and request decoding), {@code instant-nolog} (the engine over three
 * instant NOT_FOUND platforms, with its metrics), {@code instant} (and the access log, 1 % of the
 * successful calls: the production defaults), {@code instant-everyline} (an access line per call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ServerCallBenchmark {
  @Param({
    "echo",
    "echo+interceptors",
    "echo+decoding",
    "instant-nolog",
    "instant",
    "instant-everyline"
  })
  public String layer;

  private final Logger access = (Logger) LoggerFactory.getLogger("socialcheck.access");
  private @Nullable Level accessLevel;
  private @Nullable Server echo;
  private @Nullable ServerAssembly server;
  private @Nullable ManagedChannel channel;
  private @Nullable SocialAccountServiceBlockingStub stub;
  private final HasSocialAccountRequest[] requests = new HasSocialAccountRequest[1024];
  private int next;

  @Setup(org.openjdk.jmh.annotations.Level.Trial)
  public void setUp() throws IOException, InterruptedException {
    for (int i = 0; i < requests.length; i++) {
      requests[i] =
          HasSocialAccountRequest.newBuilder().setEmail("u" + i + "@bench.example").build();
    }
    silenceLogOutput((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
    accessLevel = access.getLevel();
    access.setLevel(
        layer.startsWith("instant") && !layer.equals("instant-nolog") ? Level.INFO : Level.OFF);
    String name = InProcessServerBuilder.generateName();
    if (layer.equals("echo")) {
      echo =
          InProcessServerBuilder.forName(name)
              .directExecutor()
              .addService(new EchoService())
              .build()
              .start();
    } else {
      // The server as serve assembles it (metrics, caller rate limit), in process.
      ServerSettings.Builder settings =
          ServerSettings.newBuilder()
              .catalog(BenchCatalogs.factory("instant", Duration.ZERO, 1, 1))
              .resultCache(false)
              .transport(InProcessServerBuilder.forName(name))
              .executor(MoreExecutors.directExecutor())
              .metrics(true)
              .callerRateLimit(1e9)
              .shutdownGrace(Duration.ZERO);
      if (layer.equals("instant-everyline")) {
        settings.accessLogSample(1);
      }
      if (layer.startsWith("echo+")) {
        settings
            .replacementService(new EchoService())
            .requestDecoding(layer.equals("echo+decoding"));
      }
      ServerAssembly assembly = ServerAssembly.create(settings.build());
      assembly.startServer();
      server = assembly;
    }
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = SocialAccountServiceGrpc.newBlockingStub(channel);
  }

  /**
   * Points every output-stream appender under {@code logger} (through asynchronous appenders too)
   * at a null stream, so the benchmark formats log lines as production does without writing them.
   */
  private static void silenceLogOutput(AppenderAttachable<ILoggingEvent> attachable) {
    for (Iterator<Appender<ILoggingEvent>> it = attachable.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> appender = it.next();
      if (appender instanceof OutputStreamAppender<ILoggingEvent> stream) {
        stream.setOutputStream(OutputStream.nullOutputStream());
      }
      if (appender instanceof BatchingConsoleAppender batching) {
        batching.setStream(new PrintStream(OutputStream.nullOutputStream()));
      }
      if (appender instanceof AppenderAttachable<?> nested) {
        @SuppressWarnings("unchecked")
        AppenderAttachable<ILoggingEvent> children = (AppenderAttachable<ILoggingEvent>) nested;
        silenceLogOutput(children);
      }
    }
  }

  @TearDown(org.openjdk.jmh.annotations.Level.Trial)
  public void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
    if (echo != null) {
      echo.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    access.setLevel(accessLevel);
  }

  @Benchmark
  public HasSocialAccountResponse call() {
    HasSocialAccountRequest request = requests[next++ & (requests.length - 1)];
    SocialAccountServiceBlockingStub s = stub;
    if (s == null) {
      throw new IllegalStateException("not set up");
    }
    return s.hasSocialAccount(request);
  }
}
