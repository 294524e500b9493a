package dev.socialcheck.bench;

import static dev.socialcheck.bench.BenchRun.CONNECTIONS;
import static dev.socialcheck.bench.BenchRun.DEADLINE;
import static dev.socialcheck.bench.BenchRun.seconds;
import static java.util.Objects.requireNonNull;

import dev.socialcheck.bench.LoadGenerator.Window;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Target 6: the outbound probe path at scale. A loopback {@link PlatformFleet} of five platforms
 * (one of them two-step) answers real HTTP probes; three scenarios run side by side at the same
 * number of probes in flight, for RACE and HEDGED:
 *
 * <ol>
 *   <li>(a) socialcheck end to end: gRPC calls in, HTTP probes out, the catalog YAML loaded by
 *       {@code CatalogLoader} as {@code serve --catalog FILE} would;
 *   <li>(b) the ceiling: {@link RawProber} sends the same requests through the same client, no
 *       gRPC, engine or catalog;
 *   <li>(c) the same platforms simulated with timers (what targets 2–5 measure).
 * </ol>
 *
 * Concurrency N means N ÷ 5 calls in flight, so up to N probes (RACE starts all five; HEDGED
 * fewer). Every figure comes from the same window: fleet counters (connections, TLS handshakes,
 * requests, abandoned answers) and the server JVM's counters are read when it opens and closes.
 */
final class OutboundProbeTarget implements BenchTarget {

  @Option(
      names = "--t6-concurrency",
      split = ",",
      paramLabel = "N",
      description = "Target 6: probes in flight (N/5 calls). Default: ${DEFAULT-VALUE}.")
  List<Integer> t6Concurrency = List.of(100, 1000, 5000);

  @Option(
      names = "--t6-protocols",
      split = ",",
      paramLabel = "P",
      description =
          "Target 6: how the fleet serves the probes: h2 (HTTP/2 over TLS), h1s (HTTP/1.1 over"
              + " TLS), h1 (HTTP/1.1 cleartext). Default: ${DEFAULT-VALUE}.")
  List<String> t6Protocols = List.of("h2", "h1s");

  @Option(
      names = "--t6-strategies",
      split = ",",
      paramLabel = "S",
      description = "Target 6: race, hedged. Default: ${DEFAULT-VALUE}.")
  List<String> t6Strategies = List.of("race", "hedged");

  @Option(
      names = "--t6-latency",
      paramLabel = "MEDIAN/P99",
      description =
          "Target 6: the fleet's latency distribution in ms (log-normal; per platform scaled by"
              + " 0.6–1.5). Default: ${DEFAULT-VALUE}.")
  String t6Latency = "100/400";

  @Option(
      names = "--t6-hedge-ms",
      paramLabel = "MS",
      description = "Target 6: HEDGED's hedge delay. Default: ${DEFAULT-VALUE}.")
  long t6HedgeMillis = 100;

  @Option(
      names = "--t6-http-threads",
      paramLabel = "N",
      description =
          "Target 6: executor threads of the probes' HTTP client (serve's default: 2). Default:"
              + " ${DEFAULT-VALUE}.")
  int t6HttpThreads = 2;

  @Option(
      names = "--t6-max-clients",
      paramLabel = "N",
      description =
          "Target 6: HTTP clients the probes may use at most, each a connection per host (serve:"
              + " ${DEFAULT-VALUE}; 1 = one connection per platform, as before).")
  int t6MaxClients = CatalogLoader.MAX_HTTP_CLIENTS;

  @Option(
      names = "--t6-client",
      paramLabel = "CLIENT",
      description =
          "Target 6: the probes' HTTP client in both JVMs: jdk (serve's: the JDK HttpClient through"
              + " OverflowTransport) or netty (serve --probe-client netty: NettyHttp2Transport)."
              + " Default: ${DEFAULT-VALUE}.")
  String t6Client = "jdk";

  @Option(
      names = "--t6-max-streams",
      paramLabel = "N",
      description =
          "Target 6: the fleet's HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS. Default: ${DEFAULT-VALUE}.")
  int t6MaxStreams = 128;

  @Option(
      names = "--t6-goaway-after",
      paramLabel = "N",
      description =
          "Target 6: the fleet closes an HTTP/2 connection (GOAWAY, then the close) after N"
              + " requests, as real hosts do (nginx: 1,000); 0: never. Default: ${DEFAULT-VALUE}.")
  int t6GoAwayAfter = 0;

  @Option(
      names = "--t6-fleet-threads",
      paramLabel = "N",
      description = "Target 6: the fleet's Netty event loop threads. Default: ${DEFAULT-VALUE}.")
  int t6FleetThreads = 2;

  @Option(
      names = "--t6-warmup",
      paramLabel = "SECONDS",
      description = "Target 6: warm-up per measurement (--quick: 1). Default: ${DEFAULT-VALUE}.")
  double t6Warmup = 2;

  @Option(
      names = "--t6-window",
      paramLabel = "SECONDS",
      description =
          "Target 6: measured window per measurement (--quick: 1). Default: ${DEFAULT-VALUE}.")
  double t6Window = 4;

  @Option(
      names = "--t6-jvm-flag",
      paramLabel = "FLAG",
      description =
          "Target 6: an extra flag for the socialcheck and raw JVMs (repeatable), e.g."
              + " -Djava.util.concurrent.ForkJoinPool.common.parallelism=2.")
  List<String> t6JvmFlags = new ArrayList<>();

  @Override
  public String name() {
    return "t6";
  }

  /** What one scenario measured at one concurrency. */
  record Cell(
      String strategy,
      String protocol,
      String scenario,
      int concurrency,
      int calls,
      double probesPerSecond,
      double callsPerSecond,
      double probesPerCall,
      double p50,
      double p99,
      long threadsMin,
      long threadsMax,
      double heapMaxMiB,
      double liveKiBPerProbe,
      long probesInFlightAtGc,
      double connectionsPer1000,
      double tlsPer1000,
      double abandonedPer1000,
      double threadsStartedPer1000,
      double cpuMicrosPerProbe,
      double bytesPerProbe,
      long jitMillis,
      String errors) {

    /** This cell with the live-heap figures of {@code pass} (a row's own live-heap pass). */
    Cell withLive(Cell pass) {
      return new Cell(
          strategy,
          protocol,
          scenario,
          concurrency,
          calls,
          probesPerSecond,
          callsPerSecond,
          probesPerCall,
          p50,
          p99,
          threadsMin,
          threadsMax,
          heapMaxMiB,
          pass.liveKiBPerProbe(),
          pass.probesInFlightAtGc(),
          connectionsPer1000,
          tlsPer1000,
          abandonedPer1000,
          threadsStartedPer1000,
          cpuMicrosPerProbe,
          bytesPerProbe,
          jitMillis,
          errors);
    }
  }

  @Override
  public void run(BenchRun run) throws Exception {
    double warmup = run.quick ? 1 : t6Warmup;
    double window = run.quick ? 1 : t6Window;
    FleetModel model = new FleetModel(FleetModel.Latency.parse(t6Latency));
    Set<PlatformFleet.Protocol> protocols = EnumSet.noneOf(PlatformFleet.Protocol.class);
    t6Protocols.forEach(p -> protocols.add(PlatformFleet.Protocol.parse(p)));
    FleetCertificate certificate = FleetCertificate.create();
    Path pem = run.out.resolve("t6-fleet.pem");
    certificate.writePem(pem);
    List<Cell> cells = new ArrayList<>();
    Map<String, Cell> raws = new LinkedHashMap<>();
    try (PlatformFleet fleet =
        new PlatformFleet(model, certificate, protocols, t6FleetThreads, t6MaxStreams)) {
      fleet.goAwayAfter(t6GoAwayAfter);
      for (PlatformFleet.Protocol protocol : protocols) {
        Path catalog = run.out.resolve("t6-fleet-" + protocol.label() + ".yaml");
        Files.writeString(catalog, FleetCatalog.yaml(fleet.urls(protocol)));
        List<String> client =
            List.of(
                "--trust",
                pem.toString(),
                "--http-threads",
                "" + t6HttpThreads,
                "--max-clients",
                "" + t6MaxClients,
                "--client",
                t6Client);
        // Room for c/5 calls: target 6 measures the probes, not the load shedding.
        List<String> serverArgs =
            new ArrayList<>(
                List.of("--catalog-file", catalog.toString(), "--max-in-flight", maxInFlight()));
        serverArgs.addAll(client);
        List<String> rawArgs =
            new ArrayList<>(
                List.of(
                    "--service",
                    "raw",
                    "--fleet-urls",
                    FleetScenarios.formatUrls(fleet.urls(protocol))));
        rawArgs.addAll(client);
        try (ServerProcess server =
                server(run, "t6-" + protocol.label() + "-socialcheck", serverArgs);
            ServerProcess raw = server(run, "t6-" + protocol.label() + "-raw", rawArgs);
            LoadGenerator load = new LoadGenerator(server.port(), CONNECTIONS)) {
          long serverIdle = requireNonNull(server.stats(true).get("heapUsed"));
          long rawIdle = requireNonNull(raw.stats(true).get("heapUsed"));
          warmUp(run, server, load, raw);
          List<Cell[]> rows = new ArrayList<>();
          for (String strategy : t6Strategies) {
            for (int c : t6Concurrency) {
              Cell a =
                  quietest(
                      run,
                      () ->
                          measureServer(
                              server,
                              load,
                              fleet,
                              strategy,
                              protocol.label(),
                              "socialcheck",
                              c,
                              serverIdle,
                              warmup,
                              window,
                              false));
              Cell b =
                  quietest(
                      run,
                      () ->
                          measureRaw(
                              raw,
                              fleet,
                              strategy,
                              protocol.label(),
                              c,
                              rawIdle,
                              warmup,
                              window,
                              false));
              rows.add(new Cell[] {a, b});
            }
          }
          // The live heap per probe needs a full GC at full load, and a forced full GC disturbs
          // what follows it (it made CookieManager.put compile again, 1.5-2 s of C2, in the
          // window): so it is read in a pass of its own after every window of these JVMs.
          System.out.println("t6 live-heap pass (" + protocol.label() + ")");
          for (Cell[] row : rows) {
            Cell a = row[0];
            Cell b = row[1];
            Cell liveA =
                measureServer(
                    server,
                    load,
                    fleet,
                    a.strategy(),
                    a.protocol(),
                    "socialcheck",
                    a.concurrency(),
                    serverIdle,
                    warmup,
                    1,
                    true);
            Cell liveB =
                measureRaw(
                    raw,
                    fleet,
                    b.strategy(),
                    b.protocol(),
                    b.concurrency(),
                    rawIdle,
                    warmup,
                    1,
                    true);
            a = a.withLive(liveA);
            b = b.withLive(liveB);
            cells.add(a);
            cells.add(b);
            raws.put(b.strategy() + "/" + b.protocol() + "/" + b.concurrency(), b);
            figures(run, a, b);
          }
        }
      }
      try (ServerProcess sim =
              server(
                  run,
                  "t6-sim",
                  List.of(
                      "--catalog",
                      "fleet-sim",
                      "--fleet-latency",
                      t6Latency,
                      "--max-in-flight",
                      maxInFlight()));
          LoadGenerator load = new LoadGenerator(sim.port(), CONNECTIONS)) {
        long idle = requireNonNull(sim.stats(true).get("heapUsed"));
        warmUp(run, sim, load, null);
        for (String strategy : t6Strategies) {
          for (int c : t6Concurrency) {
            Cell cell =
                quietest(
                    run,
                    () ->
                        measureServer(
                            sim,
                            load,
                            null,
                            strategy,
                            "timers",
                            "simulated",
                            c,
                            idle,
                            warmup,
                            window,
                            true));
            cells.add(cell);
            String key = "t6." + strategy + "-sim.c" + c;
            run.report.figure(key + ".probesPerSecond", cell.probesPerSecond());
            run.report.figure(key + ".p99ms", cell.p99());
          }
        }
      }
    }
    report(run, model, cells, raws);
  }

  /** The servers' call limit: twice the calls in flight at the largest concurrency. */
  private String maxInFlight() {
    int most = t6Concurrency.stream().max(Integer::compare).orElse(100);
    return String.valueOf(Math.max(1000, 2 * most / FleetModel.PLATFORMS.size()));
  }

  /** A server JVM with target 6's extra flags. */
  private ServerProcess server(BenchRun run, String name, List<String> args)
      throws IOException, InterruptedException {
    List<String> flags = new ArrayList<>(run.serverFlags(name));
    flags.addAll(t6JvmFlags);
    return new ServerProcess(name, flags, args, run.out.resolve(name + ".log"));
  }

  /**
   * Warms the JVMs up before anything is measured: one call at a time first, so that each
   * platform's connection is opened (and its TLS handshake made) once, as a replica that has been
   * serving for a while has them; then passes at the largest concurrency measured (each strategy in
   * turn) until the JVM's JIT compilers go quiet ({@link JitWarmUp}), the server's first and the
   * raw prober's after, so that the overflow clients a replica needs at that load exist too.
   * Without the first step, a cold client meeting hundreds of probes at once opens a connection per
   * probe before the first handshake completes (measured: see RESULTS.md). Without the second, the
   * JVM with more code to compile (socialcheck's) paid for its compilations inside the windows.
   */
  private void warmUp(
      BenchRun run, ServerProcess server, LoadGenerator load, @Nullable ServerProcess raw)
      throws Exception {
    int calls = Math.max(1, t6Concurrency.stream().max(Integer::compare).orElse(100) / 5);
    int passes = run.quick ? 1 : 40;
    double perStrategy = run.quick ? 0.5 : 1;
    load.closedLoop(lane("race"), 1, Duration.ZERO, seconds(1), DEADLINE, Window.NONE);
    untilQuietPerStrategy(
        server,
        passes,
        strategy ->
            load.closedLoop(
                lane(strategy), calls, Duration.ZERO, seconds(perStrategy), DEADLINE, Window.NONE));
    if (raw != null) {
      raw.command("raw-start RACE 1 0 1000 0");
      raw.command("raw-wait");
      untilQuietPerStrategy(
          raw,
          passes,
          strategy -> {
            raw.command(
                "raw-start "
                    + strategy.toUpperCase(Locale.ROOT)
                    + " "
                    + calls
                    + " 0 "
                    + Math.round(1000 * perStrategy)
                    + " "
                    + t6HedgeMillis);
            raw.command("raw-wait");
          });
    }
  }

  /** Load of one strategy for a warm-up pass. */
  @FunctionalInterface
  private interface StrategyLoad {
    void run(String strategy) throws Exception;
  }

  /** {@link JitWarmUp#untilQuiet} on {@code jvm}, a pass being {@code load} of each strategy. */
  private void untilQuietPerStrategy(ServerProcess jvm, int passes, StrategyLoad load)
      throws Exception {
    JitWarmUp.untilQuiet(
        "t6 warm-up " + jvm.name(),
        jvm,
        passes,
        () -> {
          for (String strategy : t6Strategies) {
            load.run(strategy);
          }
        });
  }

  private static void figures(BenchRun run, Cell a, Cell b) {
    String key = "t6." + a.strategy() + "-" + a.protocol() + ".c" + a.concurrency();
    run.report.figure(key + ".ratioToRaw", a.probesPerSecond() / b.probesPerSecond());
    run.report.figure(key + ".connectionsPer1000", a.connectionsPer1000());
    run.report.figure(key + ".tlsHandshakesPer1000", a.tlsPer1000());
    run.report.figure(key + ".p99ms", a.p99());
    run.report.figure(key + ".probesPerSecond", a.probesPerSecond());
    run.report.figure(key + ".liveKiBPerProbe", a.liveKiBPerProbe());
    run.report.figure(key + ".threads.max", (double) a.threadsMax());
    run.report.figure(key + ".threadsStartedPer1000", a.threadsStartedPer1000());
    run.report.figure(key + ".cpuRatioToRaw", a.cpuMicrosPerProbe() / b.cpuMicrosPerProbe());
    run.report.figure(key + ".bytesRatioToRaw", a.bytesPerProbe() / b.bytesPerProbe());
    String rawKey = "t6." + b.strategy() + "-" + b.protocol() + "-raw.c" + b.concurrency();
    run.report.figure(rawKey + ".probesPerSecond", b.probesPerSecond());
    run.report.figure(rawKey + ".connectionsPer1000", b.connectionsPer1000());
    run.report.figure(rawKey + ".p99ms", b.p99());
  }

  /**
   * JIT time in a window over which the window is measured again: 2.5 % of what two processors give
   * in a 4-s window. A JVM warmed until quiet still compiled for 0.3–2.9 s inside some windows at
   * 5,000 probes in flight, and whichever lane paid it lost up to a fifth of its throughput. Most
   * of it was the suite's own doing (the full GC that reads the live heap, then inside the window:
   * see {@link JitWarmUp#settle}); what is left is a path the warm-up did not take.
   */
  static final long JIT_RETRY_MILLIS = 200;

  /** Windows measured again because the JIT compilers ran in them (for the report). */
  private int remeasured;

  /**
   * {@code measure}, measured again (at most twice, the quietest kept) while its JVM compiled for
   * more than {@link #JIT_RETRY_MILLIS} in the window; not with {@code --quick}.
   */
  private Cell quietest(BenchRun run, JitWarmUp.Measurement<Cell> measure) throws Exception {
    return JitWarmUp.quietest(
        "t6",
        JitWarmUp.retries(run),
        JIT_RETRY_MILLIS,
        Cell::jitMillis,
        () -> remeasured++,
        measure);
  }

  private Cell measureServer(
      ServerProcess server,
      LoadGenerator load,
      @Nullable PlatformFleet fleet,
      String strategy,
      String protocol,
      String scenario,
      int concurrency,
      long idleHeap,
      double warmup,
      double window,
      boolean readLive)
      throws Exception {
    int calls = Math.max(1, concurrency / FleetModel.PLATFORMS.size());
    ServerSampler sampler = new ServerSampler(server);
    List<Map<String, Long>> stats = new ArrayList<>();
    List<PlatformFleet.Counters> counters = new ArrayList<>();
    AtomicReference<Map<String, Long>> live = new AtomicReference<>(Map.of());
    Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    LoadGenerator.Result r =
        load.closedLoop(
            lane(strategy, outcomes),
            calls,
            seconds(warmup),
            seconds(window),
            DEADLINE,
            new Window() {
              @Override
              public void opened() {
                if (fleet != null) {
                  counters.add(fleet.counters());
                }
                stats.add(BenchRun.statsOrEmpty(server));
                sampler.start();
              }

              @Override
              public void endedUnderLoad() {
                if (fleet != null) {
                  counters.add(fleet.counters());
                }
                stats.add(BenchRun.statsOrEmpty(server));
                sampler.stop();
                if (readLive) {
                  // The calls in flight at full load, the window's figures taken: the live heap.
                  live.set(BenchRun.liveStatsOrEmpty(server));
                }
              }
            });
    if (readLive) {
      // That full GC has after-effects (see JitWarmUp.settle): the JIT is let go quiet.
      JitWarmUp.settle(server);
    }
    long probes =
        stats.get(1).getOrDefault("checksStarted", 0L)
            - stats.get(0).getOrDefault("checksStarted", 0L);
    PlatformFleet.Counters delta = fleet == null ? null : counters.get(1).minus(counters.get(0));
    Cell cell =
        cell(
            strategy,
            protocol,
            scenario,
            concurrency,
            calls,
            probes,
            r.ok(),
            r.windowSeconds(),
            r.latency(),
            sampler.min("threads"),
            sampler.max("threads"),
            sampler.max("heapUsed"),
            requireNonNull(live.get()),
            idleHeap,
            delta,
            stats.get(1).getOrDefault("threadsStarted", 0L)
                - stats.get(0).getOrDefault("threadsStarted", 0L),
            stats.get(1).getOrDefault("cpuNanos", 0L) - stats.get(0).getOrDefault("cpuNanos", 0L),
            stats.get(1).getOrDefault("allocatedBytes", 0L)
                - stats.get(0).getOrDefault("allocatedBytes", 0L),
            JitWarmUp.jitDelta(stats.get(0), stats.get(1)),
            errors(r.errors(), outcomes));
    print(cell);
    printTransport(cell, stats.get(0), stats.get(1), probes);
    return cell;
  }

  /**
   * The HTTP/2 stream-limit refusals the JVM's transport met in the window, per 1,000 probes
   * started (each costs the JDK client an exception), the probes it sent again because their
   * connection was closed under them (a GOAWAY: {@code --t6-goaway-after}), and the files the JVM
   * held open at the window's end (its sockets: a replica that keeps connections it no longer uses
   * shows here, even when it opened them before the window). A diagnostic line, not a table column.
   */
  private static void printTransport(
      Cell cell, Map<String, Long> opened, Map<String, Long> closed, long probes) {
    Long from = opened.get("streamRefusals");
    Long to = closed.get("streamRefusals");
    long openFiles = closed.getOrDefault("openFiles", -1L);
    long retries = closed.getOrDefault("lostRetries", 0L) - opened.getOrDefault("lostRetries", 0L);
    if (from == null || to == null || probes <= 0) {
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "t6 %s %s %s c=%d: %.1f stream-limit refusals and %.1f lost-connection retries per 1,000"
            + " probes; %d files open at the window's end%n",
        cell.strategy(),
        cell.protocol(),
        cell.scenario(),
        cell.concurrency(),
        (to - from) * 1000.0 / probes,
        retries * 1000.0 / probes,
        openFiles);
  }

  private Cell measureRaw(
      ServerProcess raw,
      PlatformFleet fleet,
      String strategy,
      String protocol,
      int concurrency,
      long idleHeap,
      double warmup,
      double window,
      boolean readLive)
      throws Exception {
    int calls = Math.max(1, concurrency / FleetModel.PLATFORMS.size());
    ServerSampler sampler = new ServerSampler(raw);
    long warmupMs = Math.round(warmup * 1000);
    long windowMs = Math.round(window * 1000);
    String started =
        raw.command(
            "raw-start "
                + strategy.toUpperCase(Locale.ROOT)
                + " "
                + calls
                + " "
                + warmupMs
                + " "
                + windowMs
                + " "
                + t6HedgeMillis);
    if (!started.startsWith("RAW started")) {
      throw new IOException("raw prober: " + started);
    }
    Thread.sleep(warmupMs);
    // The probes in flight at full load. Only the live-heap pass reads it, and that pass keeps
    // nothing else of the window its forced GC falls into.
    Map<String, Long> live = readLive ? raw.stats(true) : Map.of();
    PlatformFleet.Counters before = fleet.counters();
    Map<String, Long> opened = raw.stats(false);
    sampler.start();
    Thread.sleep(windowMs);
    PlatformFleet.Counters delta = fleet.counters().minus(before);
    Map<String, Long> closed = raw.stats(false);
    sampler.stop();
    Map<String, String> result = ServerProcess.parsePairs(raw.command("raw-wait"));
    if (!result.containsKey("latency")) {
      throw new IOException("raw prober: " + result);
    }
    Cell cell =
        cell(
            strategy,
            protocol,
            "raw",
            concurrency,
            calls,
            Long.parseLong(result.get("probes")),
            Long.parseLong(result.get("calls")),
            Long.parseLong(result.get("windowMs")) / 1000.0,
            Histograms.decode(result.get("latency")),
            sampler.min("threads"),
            sampler.max("threads"),
            sampler.max("heapUsed"),
            live,
            idleHeap,
            delta,
            requireNonNull(closed.get("threadsStarted"))
                - requireNonNull(opened.get("threadsStarted")),
            requireNonNull(closed.get("cpuNanos")) - requireNonNull(opened.get("cpuNanos")),
            closed.getOrDefault("allocatedBytes", 0L) - opened.getOrDefault("allocatedBytes", 0L),
            JitWarmUp.jitDelta(opened, closed),
            "-".equals(result.get("errors")) ? "0" : requireNonNull(result.get("errors")));
    print(cell);
    printTransport(cell, opened, closed, Long.parseLong(requireNonNull(result.get("probes"))));
    return cell;
  }

  private static Cell cell(
      String strategy,
      String protocol,
      String scenario,
      int concurrency,
      int calls,
      long probes,
      long ok,
      double seconds,
      Histogram latency,
      long threadsMin,
      long threadsMax,
      long heapMax,
      Map<String, Long> live,
      long idleHeap,
      PlatformFleet.@Nullable Counters fleet,
      long threadsStarted,
      long cpuNanos,
      long allocatedBytes,
      long jitMillis,
      String errors) {
    long inFlight = live.getOrDefault("checksInFlight", 0L);
    double liveKiB =
        inFlight <= 0
            ? Double.NaN
            : (requireNonNull(live.get("heapUsed")) - idleHeap) / 1024.0 / inFlight;
    double per1000 = probes == 0 ? Double.NaN : 1000.0 / probes;
    return new Cell(
        strategy,
        protocol,
        scenario,
        concurrency,
        calls,
        probes / seconds,
        ok / seconds,
        ok == 0 ? Double.NaN : probes / (double) ok,
        Histograms.millis(latency, 50),
        Histograms.millis(latency, 99),
        threadsMin,
        threadsMax,
        heapMax / 1048576.0,
        liveKiB,
        inFlight,
        fleet == null ? Double.NaN : fleet.connections() * per1000,
        fleet == null ? Double.NaN : fleet.tlsHandshakes() * per1000,
        fleet == null ? Double.NaN : fleet.abandoned() * per1000,
        threadsStarted * per1000,
        probes == 0 ? Double.NaN : cpuNanos / 1e3 / probes,
        probes == 0 || allocatedBytes <= 0 ? Double.NaN : allocatedBytes / (double) probes,
        jitMillis,
        errors);
  }

  private static void print(Cell c) {
    System.out.printf(
        Locale.ROOT,
        "t6 %-6s %-6s %-11s c=%-5d %8.0f probes/s %7.0f calls/s p50 %6.1f ms p99 %7.1f ms"
            + " threads %d-%d (+%s/1000) conn/1000 %s tls/1000 %s live %s KiB/probe (%d in"
            + " flight) cpu %s µs/probe alloc %s B/probe JIT %d ms errors %s%n",
        c.strategy(),
        c.protocol(),
        c.scenario(),
        c.concurrency(),
        c.probesPerSecond(),
        c.callsPerSecond(),
        c.p50(),
        c.p99(),
        c.threadsMin(),
        c.threadsMax(),
        Report.fmt(c.threadsStartedPer1000()),
        Report.fmt(c.connectionsPer1000()),
        Report.fmt(c.tlsPer1000()),
        Report.fmt(c.liveKiBPerProbe()),
        c.probesInFlightAtGc(),
        Report.fmt(c.cpuMicrosPerProbe()),
        Report.fmt(c.bytesPerProbe()),
        c.jitMillis(),
        c.errors());
  }

  private LoadGenerator.Lane lane(String strategy) {
    return lane(strategy, new ConcurrentHashMap<>());
  }

  /**
   * A lane of {@code strategy} calls that counts, in {@code outcomes}, the probe results that are
   * neither an answer nor a cancellation (by status and the start of the detail): the probe path's
   * errors, which the gRPC call itself does not show; and every answer that is not the fleet's
   * answer for the call's address ({@code WRONG ANSWER: platform}), which would mean an answer read
   * from another probe's exchange.
   */
  LoadGenerator.Lane lane(String strategy, Map<String, LongAdder> outcomes) {
    HasSocialAccountRequest.Builder template = HasSocialAccountRequest.newBuilder();
    if (strategy.equals("hedged")) {
      template
          .setStrategy(Strategy.STRATEGY_HEDGED)
          .setHedgeDelay(
              com.google.protobuf.Duration.newBuilder()
                  .setNanos((int) Duration.ofMillis(t6HedgeMillis).toNanos()));
    } else if (!strategy.equals("race")) {
      throw new IllegalArgumentException("--t6-strategies: race or hedged, not " + strategy);
    }
    HasSocialAccountRequest prototype = template.build();
    return new LoadGenerator.Lane(
        strategy,
        n -> prototype.toBuilder().setEmail("u" + n + "@bench.example").build(),
        (request, response) -> {
          for (PlatformResult result : response.getResultsList()) {
            switch (result.getStatus()) {
              case PLATFORM_STATUS_FOUND, PLATFORM_STATUS_NOT_FOUND -> {
                // The fleet's answers are a function of (platform, address): an answer that is
                // not the one the fleet gives this address came from another probe's exchange.
                boolean found = result.getStatus() == PlatformStatus.PLATFORM_STATUS_FOUND;
                if (found != FleetModel.found(result.getPlatform(), request.getEmail())) {
                  outcomes
                      .computeIfAbsent(
                          "WRONG ANSWER: " + result.getPlatform(), k -> new LongAdder())
                      .increment();
                }
              }
              case PLATFORM_STATUS_CANCELLED, PLATFORM_STATUS_SKIPPED -> {}
              default -> {
                String detail = result.getDetail();
                String key =
                    result.getStatus().name().replace("PLATFORM_STATUS_", "")
                        + ": "
                        + detail.substring(0, Math.min(40, detail.length()));
                outcomes.computeIfAbsent(key, k -> new LongAdder()).increment();
              }
            }
          }
        });
  }

  private static String errors(Map<String, Long> calls, Map<String, LongAdder> probes) {
    Map<String, Long> all = new TreeMap<>(calls);
    probes.forEach((k, v) -> all.put(k, v.sum()));
    return all.isEmpty() ? "0" : all.toString();
  }

  private void report(BenchRun run, FleetModel model, List<Cell> cells, Map<String, Cell> raws) {
    run.report.heading("Target 6: outbound probes at scale (loopback platform fleet)");
    run.report.line(
        "Five platforms on 127.0.0.1 (Netty; one listener per platform and protocol; latency "
            + model.latency()
            + ", scaled 0.6–1.5 per platform; `forum` takes a token page and a cookie first), HTTP/2"
            + " SETTINGS_MAX_CONCURRENT_STREAMS "
            + t6MaxStreams
            + ". Probes' HTTP client: "
            + (t6Client.equals("netty")
                ? "`NettyHttp2Transport` (Netty's HTTP/2 client, `--probe-client netty`)"
                : "`CatalogLoader.httpClientBuilder` (JDK HttpClient, HTTP/2 preferred)")
            + " on "
            + t6HttpThreads
            + " executor threads, trusting the fleet's self-signed certificate. c = probes in"
            + " flight (c/5 calls). Each JVM is first loaded at the largest c, each strategy in"
            + " turn, until its JIT compilers go quiet (< 50 ms in a 2 s pass; the passes are in"
            + " the log); then per row a warm-up of "
            + Report.fmt(run.quick ? 1 : t6Warmup)
            + " s and a window of "
            + Report.fmt(run.quick ? 1 : t6Window)
            + " s per row; a window in which the JVM compiled for more than "
            + JIT_RETRY_MILLIS
            + " ms is measured again (at most twice, the quietest kept: "
            + remeasured
            + " windows were measured again in this run). Ratio = probes/s ÷ the raw prober's (same client, same fleet, same"
            + " concurrency). Live KiB/probe: (live heap after a full GC, at full load, − idle live heap) ÷"
            + " probes in flight at that moment, read in a pass of its own after every window of"
            + " the JVM (a forced full GC made the JDK's CookieManager.put compile again, 1.5–2 s"
            + " of C2, inside the window when it was read mid-window). Connections, TLS handshakes and abandoned"
            + " answers (the client gave up first: a cancelled probe) are the fleet's counters per"
            + " 1,000 probes started in the window. JVM CPU µs/probe: the"
            + " process CPU time of the socialcheck, raw or simulated JVM over the window ÷ probes"
            + " started (the driver JVM, which runs the fleet and the gRPC load generator, is not in"
            + " it): less disturbed by the neighbours than throughput; B/probe: bytes the JVM"
            + " allocated over the window ÷ probes started. The driver and the fleet share"
            + " the machine's processors with the JVM measured.");
    run.report.line("");
    List<List<String>> rows = new ArrayList<>();
    for (Cell c : cells) {
      Cell raw =
          c.scenario().equals("socialcheck")
              ? raws.get(c.strategy() + "/" + c.protocol() + "/" + c.concurrency())
              : null;
      rows.add(
          List.of(
              c.strategy(),
              c.protocol(),
              c.scenario(),
              String.valueOf(c.concurrency()),
              Report.fmt(c.probesPerSecond()),
              raw == null ? "" : Report.pct(c.probesPerSecond() / raw.probesPerSecond()),
              Report.fmt(c.callsPerSecond()),
              Report.fmt(c.probesPerCall()),
              Report.fmt(c.p50()),
              Report.fmt(c.p99()),
              c.threadsMin() + "–" + c.threadsMax(),
              Report.fmt(c.heapMaxMiB()),
              Report.fmt(c.liveKiBPerProbe()) + " (" + c.probesInFlightAtGc() + ")",
              Report.fmt(c.connectionsPer1000()),
              Report.fmt(c.tlsPer1000()),
              Report.fmt(c.abandonedPer1000()),
              Report.fmt(c.threadsStartedPer1000()),
              Report.fmt(c.cpuMicrosPerProbe()),
              Report.fmt(c.bytesPerProbe()),
              c.jitMillis() < 0 ? "n/a" : String.valueOf(c.jitMillis()),
              c.errors()));
    }
    run.report.table(
        List.of(
            "strategy",
            "protocol",
            "scenario",
            "c",
            "probes/s",
            "of raw",
            "calls/s",
            "probes/call",
            "p50 ms",
            "p99 ms",
            "threads",
            "heap max MiB",
            "live KiB/probe (in flight)",
            "conns/1000",
            "TLS/1000",
            "abandoned/1000",
            "threads started/1000",
            "JVM CPU µs/probe",
            "B/probe",
            "JIT ms in window",
            "errors"),
        rows);
    for (String strategy : t6Strategies) {
      List<Charts.Line> lines = new ArrayList<>();
      for (String scenario : List.of("socialcheck", "raw", "simulated")) {
        Map<String, List<double[]>> byProtocol = new LinkedHashMap<>();
        for (Cell c : cells) {
          if (c.strategy().equals(strategy) && c.scenario().equals(scenario)) {
            byProtocol
                .computeIfAbsent(c.protocol(), p -> new ArrayList<>())
                .add(new double[] {c.concurrency(), c.probesPerSecond()});
          }
        }
        byProtocol.forEach(
            (protocol, points) ->
                lines.add(new Charts.Line(scenario + " " + protocol, points, true)));
      }
      String file = "t6-" + strategy + "-probes.png";
      run.plot(
          () ->
              Charts.lines(
                  run.out.resolve(file),
                  "Target 6, " + strategy + ": probes/s vs probes in flight",
                  "probes in flight (log scale)",
                  "probes/s (log scale)",
                  lines,
                  true),
          file);
    }
  }
}
