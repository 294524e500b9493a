package dev.socialcheck.bench;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.Level;
import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogDefinition;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.checkers.CommonPoolParallelism;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EngineStats;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformLearning;
import dev.socialcheck.server.engine.PlatformStatistics;
import dev.socialcheck.server.grpc.SocialCheckServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The server JVM of a benchmark: either the real server over a benchmark catalog, assembled from
 * {@link ServerSettings} by the {@link ServerAssembly} as {@code serve} assembles it, or the echo
 * baseline with the same transport settings.
 *
 * <p>Prints {@code PORT <n>} once listening, then answers commands read from standard input, one
 * per line: {@code stats} (threads, heap, GC, CPU, engine counters), {@code stats-gc} (the same
 * after a full GC, i.e. the live heap), {@code timeline} (target 3's server-side histograms),
 * {@code quit}. It exits when standard input closes, so it never outlives the driver.
 *
 * <p>Arguments: {@code --service engine|echo|echo-intercepted|echo-decoded} ({@code echo}: the bare
 * baseline; {@code echo-intercepted}: the echo behind the server's interceptors, as {@link
 * SocialCheckServer} assembles them; {@code echo-decoded}: the same with its request decoding;
 * {@code engine}, the default: the real service), the production defaults (on unless turned off):
 * {@code --metrics on|off} (Prometheus registry, engine observer), {@code --access-log on|off} (the
 * {@code socialcheck.access} logger), {@code --caller-rate-limit N} (per-caller calls per second,
 * default 1e9: the interceptor runs but never refuses the one load generator; 0 turns it off),
 * {@code --access-log-sample F} (share of successful calls logged, default the server's, 0.01),
 * {@code --max-in-flight N} (load shedding beyond N calls in progress, default 1000), and {@code
 * --catalog NAME} (see {@link BenchCatalogs}), {@code --latency-ms N}, {@code --time-scale X},
 * {@code --seed N}, {@code --timeline}, {@code --executor pool|direct} (what-if: {@code direct}
 * runs gRPC callbacks and answers without the executor hop), {@code --count-calls} (count the calls
 * that reach the platforms, see {@link CallCounter}), {@code --cache-ttl D} and {@code
 * --cache-max-entries N} (put the server's result cache in front of every platform, as the real
 * catalog does: {@code CachingChecker} over one shared {@code ResultCache} with TTL {@code D} for
 * FOUND and NOT_FOUND alike).
 *
 * <p>Target 6 (outbound probes, see {@link FleetScenarios}): {@code --catalog-file FILE} loads a
 * catalog YAML with {@code CatalogLoader} (the loopback fleet's), its probes on an HTTP client that
 * trusts {@code --trust PEM} with {@code --http-threads N} executor threads and at most {@code
 * --max-clients N} clients; {@code --service raw} runs no gRPC server but the raw prober over the
 * same client ({@code --fleet-urls id=URL,...}; commands {@code raw-start MODE CALLS WARMUP_MS
 * MEASURE_MS HEDGE_MS}, then {@code raw-wait}); {@code --catalog fleet-sim --fleet-latency
 * MEDIAN/P99} simulates the fleet with timers.
 *
 * <p>Further commands: {@code learning} (what the engine learned per platform: samples, p50, p95,
 * found rate), {@code cache-keys N} (checks every key and value held by the result cache for the
 * address, for a {@link ZipfAddresses} population of {@code N}).
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    // As socialcheck's main does (the probes' HTTP client would start a thread per answer).
    CommonPoolParallelism.ensure(System.getProperties());
    Map<String, String> options = parse(args);
    String service = options.getOrDefault("service", "engine");
    if (!List.of("engine", "echo", "echo-intercepted", "echo-decoded", "raw").contains(service)) {
      throw new IllegalArgumentException("unknown --service " + service);
    }
    boolean metricsOn = onOff(options, "metrics");
    if (!onOff(options, "access-log")) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("socialcheck.access"))
          .setLevel(Level.OFF);
    }
    ScheduledExecutorService scheduler = CheckEngine.newScheduler();
    @Nullable TimelineRecorder timeline =
        options.containsKey("timeline") ? new TimelineRecorder() : null;
    NettyServerBuilder transport =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    if (timeline != null) {
      transport.intercept(timeline);
    }
    Runnable stop;
    int port;
    @Nullable CallCounter counter =
        options.containsKey("count-calls") && !service.equals("echo") && !service.equals("raw")
            ? new CallCounter()
            : null;
    @Nullable ResultCache cache = null;
    List<String> platformIds = List.of();
    @Nullable FleetClient fleetClient =
        options.containsKey("trust")
            ? new FleetClient(
                Path.of(options.get("trust")),
                Integer.parseInt(options.getOrDefault("http-threads", "2")),
                Integer.parseInt(
                    options.getOrDefault(
                        "max-clients", String.valueOf(CatalogLoader.MAX_HTTP_CLIENTS))),
                options.getOrDefault("client", "jdk").equals("netty"))
            : null;
    @Nullable RawProber raw = null;
    // The baselines have no engine: its counters stay at zero, for the same stats line.
    EngineStats engineStats = new CheckEngine(scheduler, Ticker.systemTicker()).stats();
    @Nullable PlatformLearning learning = null;
    if (service.equals("echo")) {
      Server echo = startEcho(transport);
      port = echo.getPort();
      stop = echo::shutdownNow;
    } else if (service.equals("raw")) {
      raw = FleetScenarios.rawProber(options, requireNonNull(fleetClient), scheduler);
      port = 0;
      stop = () -> {};
    } else {
      // The server as serve assembles it (ServerSettings, ServerAssembly), over a catalog the
      // benchmark builds: its own checkers, as they are, on the assembly's scheduler.
      @Nullable CallCounter counting = counter;
      @Nullable FleetClient fleet = fleetClient;
      ServerSettings.Builder settings =
          ServerSettings.newBuilder()
              .catalog(
                  context -> {
                    ScheduledExecutorService timers = context.scheduler();
                    Catalog catalog =
                        options.containsKey("catalog-file")
                            ? requireNonNull(fleet).catalog(Path.of(options.get("catalog-file")))
                            : FleetScenarios.isSimulated(options)
                                ? FleetScenarios.simulatedCatalog(options, timers)
                                : BenchCatalogs.create(
                                    options.getOrDefault("catalog", "instant"),
                                    timers,
                                    Duration.ofMillis(
                                        Long.parseLong(options.getOrDefault("latency-ms", "100"))),
                                    Double.parseDouble(options.getOrDefault("time-scale", "1")),
                                    Long.parseLong(options.getOrDefault("seed", "1")));
                    if (timeline != null) {
                      catalog = timeline.instrument(catalog);
                    }
                    if (counting != null) {
                      catalog = counting.wrap(catalog);
                    }
                    return CatalogDefinition.unprotected(catalog);
                  })
              .transport(transport)
              .shutdownGrace(Duration.ZERO)
              .callerRateLimit(Double.parseDouble(options.getOrDefault("caller-rate-limit", "1e9")))
              .accessLogSample(
                  Double.parseDouble(
                      options.getOrDefault(
                          "access-log-sample",
                          String.valueOf(SocialCheckServer.DEFAULT_ACCESS_LOG_SAMPLE))))
              .maxInFlight(Integer.parseInt(options.getOrDefault("max-in-flight", "1000")))
              .metrics(metricsOn)
              // --cache-ttl: the server's result cache in front of every platform, as the real
              // catalog has it (one ResultCache, the same TTL for FOUND and NOT_FOUND).
              .resultCache(options.containsKey("cache-ttl"));
      if (options.containsKey("cache-ttl")) {
        Duration ttl = DurationText.parse(options.get("cache-ttl"));
        settings
            .cacheTtlFound(ttl)
            .cacheTtlNotFound(ttl)
            .cacheMaxEntries(Long.parseLong(options.getOrDefault("cache-max-entries", "100000")));
      }
      if (service.startsWith("echo-")) {
        settings
            .replacementService(new EchoService())
            .requestDecoding(service.equals("echo-decoded"));
      }
      if (options.getOrDefault("executor", "pool").equals("direct")) {
        // What-if: gRPC callbacks and the answer run on the thread that completed the run.
        settings.executor(MoreExecutors.directExecutor());
      } else if (timeline != null) {
        settings.executor(timeline.timedExecutor());
      }
      ServerAssembly assembly = ServerAssembly.create(settings.build());
      SocialCheckServer server = assembly.startServer();
      port = server.port();
      stop = assembly::close;
      engineStats = assembly.engine().stats();
      learning = assembly.engine().learning();
      platformIds = assembly.catalog().platforms().stream().map(Platform::id).toList();
      cache = assembly.resultCache().enabled() ? assembly.resultCache() : null;
    }
    System.out.println("PORT " + port);
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    FleetScenarios.@Nullable RawRun rawRun = null;
    while ((line = in.readLine()) != null) {
      String command = line.trim();
      String refusals =
          fleetClient == null
              ? ""
              : " streamRefusals="
                  + fleetClient.transport().streamLimitRefusals()
                  + " lostRetries="
                  + fleetClient.transport().lostConnectionRetries();
      String work = (raw == null ? engineCounters(engineStats) : raw.stats()) + refusals;
      switch (command) {
        case "stats" -> System.out.println(stats(work, counter, cache));
        case "stats-gc" -> {
          System.gc();
          String afterGc = (raw == null ? engineCounters(engineStats) : raw.stats()) + refusals;
          System.out.println(stats(afterGc, counter, cache));
        }
        case "raw-wait" ->
            System.out.println(rawRun == null ? "ERROR no raw run" : rawRun.awaitLine());
        case "learning" ->
            System.out.println(learning == null ? "LEARNING" : learning(learning, platformIds));
        case "timeline" ->
            System.out.println(timeline == null ? "TIMELINE off" : timeline.reportAndReset());
        case "quit" -> {
          stop.run();
          if (fleetClient != null) {
            fleetClient.close();
          }
          scheduler.shutdownNow();
          System.out.println("BYE");
          System.out.flush();
          System.exit(0);
        }
        default -> {
          if (command.startsWith("raw-start ") && raw != null) {
            rawRun = FleetScenarios.RawRun.start(raw, command.substring(10).trim());
            System.out.println("RAW started");
          } else if (command.startsWith("cache-keys ") && cache != null) {
            System.out.println(
                CacheInspection.inspect(cache, Integer.parseInt(command.substring(11).trim())));
          } else {
            System.out.println("ERROR unknown command");
          }
        }
      }
      System.out.flush();
    }
    stop.run();
    scheduler.shutdownNow();
    System.exit(0);
  }

  /**
   * The baseline server: what {@link SocialCheckServer} configures for its transport (executor of
   * twice the processors, inbound limits, health and reflection services), with {@link EchoService}
   * in place of the engine-backed service.
   */
  private static Server startEcho(NettyServerBuilder transport) throws IOException {
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2 * Runtime.getRuntime().availableProcessors(),
            new ThreadFactoryBuilder().setNameFormat("socialcheck-grpc-%d").build());
    HealthStatusManager health = new HealthStatusManager();
    return transport
        .executor(executor)
        .maxInboundMessageSize(64 * 1024)
        .maxInboundMetadataSize(16 * 1024)
        .addService(new EchoService())
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build()
        .start();
  }

  private static String learning(PlatformLearning learning, List<String> platformIds) {
    StringBuilder line = new StringBuilder("LEARNING");
    for (String id : platformIds) {
      PlatformStatistics.Snapshot s = learning.snapshot(id);
      line.append(' ')
          .append(id)
          .append(".samples=")
          .append(s.samples())
          .append(' ')
          .append(id)
          .append(".p50us=")
          .append(s.p50().toNanos() / 1000)
          .append(' ')
          .append(id)
          .append(".p95us=")
          .append(s.p95().toNanos() / 1000)
          .append(' ')
          .append(id)
          .append(".foundPermille=")
          .append(Math.round(s.foundRate() * 1000));
    }
    return line.toString();
  }

  /** The engine's counters in the stats line's format. */
  private static String engineCounters(EngineStats engine) {
    return " runsStarted="
        + engine.runsStarted()
        + " runsInFlight="
        + engine.runsInFlight()
        + " checksStarted="
        + engine.checksStarted()
        + " checksCancelled="
        + engine.checksCancelled()
        + " checksInFlight="
        + engine.checksInFlight();
  }

  /**
   * @param work counters of the work in flight: the engine's, or the raw prober's under the same
   *     names
   */
  private static String stats(
      String work, @Nullable CallCounter counter, @Nullable ResultCache cache) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    long afterGc = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage collected = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && collected != null) {
        afterGc += collected.getUsed();
      }
    }
    long allocatedBytes = -1;
    if (threads instanceof com.sun.management.ThreadMXBean counting
        && counting.isThreadAllocatedMemoryEnabled()) {
      allocatedBytes = 0;
      for (long bytes : counting.getThreadAllocatedBytes(threads.getAllThreadIds())) {
        allocatedBytes += Math.max(0, bytes);
      }
    }
    // Time the JIT compilers spent so far: part of the process CPU that is not per-call work.
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long jitMillis =
        jit != null && jit.isCompilationTimeMonitoringSupported()
            ? jit.getTotalCompilationTime()
            : -1;
    long cpuNanos = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      cpuNanos = os.getProcessCpuTime();
    }
    // Sockets (the probes' connections among them), jars and the like: what a connection leak
    // shows.
    long openFiles = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      openFiles = unix.getOpenFileDescriptorCount();
    }
    return "STATS"
        + " threads="
        + threads.getThreadCount()
        + " peakThreads="
        + threads.getPeakThreadCount()
        + " threadsStarted="
        + threads.getTotalStartedThreadCount()
        + " heapUsed="
        + heap.getUsed()
        + " heapMax="
        + heap.getMax()
        + " heapAfterGc="
        + afterGc
        + " gcCount="
        + gcCount
        + " gcMillis="
        + gcMillis
        + " cpuNanos="
        + cpuNanos
        + " openFiles="
        + openFiles
        + " jitMillis="
        + jitMillis
        + " allocatedBytes="
        + allocatedBytes
        + work
        + (counter == null ? "" : counter.stats())
        + (cache == null ? "" : " cacheSize=" + cache.size());
  }

  /** Whether an {@code on|off} option is on (default on). */
  private static boolean onOff(Map<String, String> options, String name) {
    String value = options.getOrDefault(name, "on");
    return switch (value) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("--" + name + " must be on or off: " + value);
    };
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      }
      String name = arg.substring(2);
      @Nullable String value =
          i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
      options.put(name, value);
    }
    return options;
  }
}
