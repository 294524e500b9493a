package dev.socialcheck.bench;

import static dev.socialcheck.bench.BenchRun.CONNECTIONS;
import static dev.socialcheck.bench.BenchRun.DEADLINE;
import static dev.socialcheck.bench.BenchRun.median;
import static dev.socialcheck.bench.BenchRun.seconds;
import static dev.socialcheck.bench.BenchRun.spread;
import static java.util.Objects.requireNonNull;

import dev.socialcheck.bench.LoadGenerator.Window;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Target 1: what the server costs per call against a bare gRPC echo on the same transport, layer by
 * layer, at concurrency 1 to 256.
 *
 * <p>Six server JVMs run side by side and are measured in turn (the order rotates each round): the
 * bare echo; the echo behind the production interceptors; the same with request decoding; the
 * engine over three instant NOT_FOUND platforms without the access log; the same with it (the
 * production defaults: {@code instant}); and the demo's answers ({@code instant-demo}). Every
 * server but the bare echo runs with the production defaults on: metrics, request ids, the
 * per-caller rate limit (at a rate the one load generator never reaches) and the in-flight limit;
 * authentication off. The server's CPU time and the bytes its threads allocated are read at the
 * window's edges, so each figure is per call of that server alone.
 */
final class EngineOverheadTarget implements BenchTarget {
  /** Key of the best {@code instant-demo} throughput, shared with target 2. */
  static final String BEST_THROUGHPUT = "t1.instant-demo.best.rps";

  /**
   * Every server of target 1, in layer order: each one adds one layer to the one before (the last
   * one, {@code instant-demo}, only changes the answers).
   */
  static final List<Layer> LAYERS =
      List.of(
          new Layer("echo", "bare gRPC echo", List.of("--service", "echo")),
          new Layer(
              "echo+interceptors",
              "+ interceptors: request id, call metrics, rate limit, in-flight limit",
              List.of("--service", "echo-intercepted", "--access-log", "off")),
          new Layer(
              "echo+decoding",
              "+ request decoding",
              List.of("--service", "echo-decoded", "--access-log", "off")),
          new Layer(
              "instant-nolog",
              "+ engine: 3 instant NOT_FOUND platforms, check metrics",
              List.of("--catalog", "instant", "--access-log", "off")),
          new Layer(
              "instant",
              "+ access log (1 % of the successful calls, every other call): the production"
                  + " defaults",
              List.of("--catalog", "instant")),
          new Layer(
              "instant-demo",
              "the production defaults, the demo's answers (FOUND first, 2 cancelled)",
              List.of("--catalog", "instant-demo")),
          new Layer(
              "instant-everyline",
              "the production defaults but --access-log-sample 1 (a line per call, the default"
                  + " before issue #18)",
              List.of("--catalog", "instant", "--access-log-sample", "1")));

  /** Servers of {@link #LAYERS} that are variants, not one more layer. */
  private static final List<String> VARIANTS = List.of("instant-demo", "instant-everyline");

  /** One server of target 1: its name in figures, what it adds, its {@link BenchServer} flags. */
  record Layer(String name, String adds, List<String> args) {}

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "Target 1 rounds (default 4; 1 with --quick), shared out among the forks.")
  @Nullable Integer rounds;

  @Option(
      names = "--t1-forks",
      paramLabel = "N",
      description =
          "Target 1: JVMs per server, one after the other (default 2; 1 with --quick). Two JVMs"
              + " of one server can differ by 10 % in CPU per call (what the JIT compiled and"
              + " inlined); the medians are taken over every fork's rounds.")
  @Nullable Integer forks;

  @Option(
      names = "--t1-servers",
      split = ",",
      paramLabel = "NAME",
      description =
          "Target 1: the servers to measure (default all: echo, echo+interceptors, echo+decoding,"
              + " instant-nolog, instant, instant-demo, instant-everyline; echo is always measured).")
  @Nullable List<String> servers;

  @Option(
      names = "--t1-concurrency",
      split = ",",
      paramLabel = "N",
      description = "Target 1: the concurrencies (default 1,16,64,256; 16 with --quick).")
  @Nullable List<Integer> concurrency;

  @Override
  public String name() {
    return "t1";
  }

  /** The layers to measure: the selected ones, echo first. */
  List<Layer> layers() {
    if (servers == null) {
      return LAYERS;
    }
    for (String name : servers) {
      if (LAYERS.stream().noneMatch(l -> l.name().equals(name))) {
        throw new IllegalArgumentException("--t1-servers: unknown server " + name);
      }
    }
    return LAYERS.stream()
        .filter(l -> l.name().equals("echo") || servers.contains(l.name()))
        .toList();
  }

  /**
   * One measured window of one server: client result, server CPU and allocation per call, load, and
   * the JIT compilers' time in the window (ms; -1 unknown).
   */
  record Sample(
      LoadGenerator.Result result, double cpuMicros, double bytes, double load, long jitMillis) {}

  /**
   * Loads {@code server} in passes of about 2 s, each pass at every measured concurrency in turn
   * (at least 2 passes, at most 12), until a pass costs its JIT compilers less than {@link
   * JitWarmUp#QUIET_JIT_MILLIS}. Every concurrency, because a path warmed at one can be compiled
   * again at another: one concurrency's branch profile is not another's (a server warmed at 64
   * alone compiled for up to a second inside its windows at 1 and 256).
   */
  private static void warmUp(
      String name,
      ServerProcess server,
      LoadGenerator load,
      List<Integer> concurrencies,
      boolean quick)
      throws Exception {
    Duration each = seconds((quick ? 1.0 : 2.0) / concurrencies.size());
    JitWarmUp.untilQuiet(
        "t1 warm-up " + name,
        server,
        quick ? 1 : 12,
        () -> {
          for (int c : concurrencies) {
            load.closedLoop(Lanes.simple(name), c, each, seconds(0.25), DEADLINE, Window.NONE);
          }
        });
  }

  @Override
  public void run(BenchRun run) throws Exception {
    int rounds = this.rounds != null ? this.rounds : run.quick ? 1 : 4;
    int forks = Math.min(rounds, this.forks != null ? this.forks : run.quick ? 1 : 2);
    if (forks < 1) {
      throw new IllegalArgumentException("--t1-forks and --rounds must be at least 1");
    }
    List<Integer> concurrencies =
        concurrency != null ? concurrency : run.quick ? List.of(16) : List.of(1, 16, 64, 256);
    Duration warmup = seconds(run.quick ? 0.5 : 1);
    Duration measure = seconds(run.quick ? 1 : 2);
    List<Layer> layers = layers();
    List<String> names = layers.stream().map(Layer::name).toList();
    // windows[name][concurrency] = one window per round. Rounds rotate the server order.
    Map<String, Map<Integer, List<Sample>>> windows = new LinkedHashMap<>();
    for (String name : names) {
      windows.put(name, new LinkedHashMap<>());
    }
    // Windows measured again because the JIT compilers ran in them, per server.
    Map<String, Integer> remeasured = new LinkedHashMap<>();
    for (int fork = 0; fork < forks; fork++) {
      String suffix = forks == 1 ? "" : "-fork" + (fork + 1);
      Map<String, ServerProcess> servers = new LinkedHashMap<>();
      Map<String, LoadGenerator> loads = new LinkedHashMap<>();
      try {
        for (Layer layer : layers) {
          ServerProcess server = run.server("t1-" + layer.name() + suffix, layer.args());
          servers.put(layer.name(), server);
          loads.put(layer.name(), new LoadGenerator(server.port(), CONNECTIONS));
        }
        // JIT warm-up of each server (and of the client paths), not measured: load until the
        // server's JIT compilers go quiet, so that the windows measure calls, not compilations (C2
        // can take most of a young server's CPU).
        for (String name : names) {
          warmUp(
              name + suffix,
              requireNonNull(servers.get(name)),
              requireNonNull(loads.get(name)),
              concurrencies,
              run.quick);
        }
        for (int round = rounds * fork / forks; round < rounds * (fork + 1) / forks; round++) {
          measureRound(
              round,
              names,
              concurrencies,
              servers,
              loads,
              warmup,
              measure,
              JitWarmUp.retries(run),
              windows,
              remeasured);
        }
      } finally {
        for (LoadGenerator load : loads.values()) {
          load.close();
        }
        for (ServerProcess server : servers.values()) {
          server.close();
        }
      }
    }
    write(run, rounds, forks, concurrencies, layers, windows, remeasured);
  }

  /** One round: every server at every concurrency, the server order rotated by the round. */
  private static void measureRound(
      int round,
      List<String> names,
      List<Integer> concurrencies,
      Map<String, ServerProcess> servers,
      Map<String, LoadGenerator> loads,
      Duration warmup,
      Duration measure,
      int retries,
      Map<String, Map<Integer, List<Sample>>> windows,
      Map<String, Integer> remeasured)
      throws Exception {
    for (int c : concurrencies) {
      for (int k = 0; k < names.size(); k++) {
        String name = names.get((k + round) % names.size());
        Sample w =
            JitWarmUp.quietest(
                String.format(Locale.ROOT, "t1 round %d %-17s c=%-4d", round + 1, name, c),
                retries,
                JitWarmUp.QUIET_JIT_MILLIS,
                Sample::jitMillis,
                () -> remeasured.merge(name, 1, Integer::sum),
                () ->
                    measure(
                        requireNonNull(servers.get(name)),
                        requireNonNull(loads.get(name)),
                        name,
                        c,
                        warmup,
                        measure));
        LoadGenerator.Result r = w.result();
        requireNonNull(windows.get(name)).computeIfAbsent(c, x -> new ArrayList<>()).add(w);
        System.out.printf(
            Locale.ROOT,
            "t1 round %d %-17s c=%-4d %8.0f calls/s p50 %.2f ms p99 %.2f ms cpu %.1f µs"
                + " alloc %.0f B per call, JIT %d ms, load %.2f, errors %s%n",
            round + 1,
            name,
            c,
            r.throughput(),
            r.millis(50),
            r.millis(99),
            w.cpuMicros(),
            w.bytes(),
            w.jitMillis(),
            w.load(),
            r.errors());
      }
    }
  }

  /**
   * One closed-loop window of {@code name} at concurrency {@code c}: the client's result, and the
   * server's CPU, allocation and JIT time read at the window's edges.
   */
  private static Sample measure(
      ServerProcess server,
      LoadGenerator load,
      String name,
      int c,
      Duration warmup,
      Duration measure)
      throws Exception {
    Map<String, Long> before = new LinkedHashMap<>();
    Map<String, Long> after = new LinkedHashMap<>();
    LoadGenerator.Result r =
        load.closedLoop(
            Lanes.simple(name),
            c,
            warmup,
            measure,
            DEADLINE,
            new Window() {
              @Override
              public void opened() {
                before.putAll(BenchRun.statsOrEmpty(server));
              }

              @Override
              public void closed() {
                after.putAll(BenchRun.statsOrEmpty(server));
              }
            });
    long calls = Math.max(1, r.ok());
    return new Sample(
        r,
        (after.getOrDefault("cpuNanos", 0L) - before.getOrDefault("cpuNanos", 0L)) / 1e3 / calls,
        (after.getOrDefault("allocatedBytes", 0L) - before.getOrDefault("allocatedBytes", 0L))
            / (double) calls,
        BenchRun.loadAverage1(),
        JitWarmUp.jitDelta(before, after));
  }

  /** What the JIT compilers took inside the measured windows, per server (the worst window). */
  private static String jitInWindows(
      List<String> names,
      List<Integer> concurrencies,
      Map<String, Map<Integer, List<Sample>>> windows) {
    List<String> parts = new ArrayList<>();
    for (String name : names) {
      long worst = -1;
      for (int c : concurrencies) {
        for (Sample w : samples(windows, name, c)) {
          worst = Math.max(worst, w.jitMillis());
        }
      }
      parts.add(name + " " + (worst < 0 ? "unknown" : worst + " ms"));
    }
    return "JIT time in the worst measured window: " + String.join(", ", parts);
  }

  private static double medianOf(List<Sample> windows, Function<Sample, Double> figure) {
    return median(windows.stream().map(figure));
  }

  private static void write(
      BenchRun run,
      int rounds,
      int forks,
      List<Integer> concurrencies,
      List<Layer> layers,
      Map<String, Map<Integer, List<Sample>>> windows,
      Map<String, Integer> remeasured)
      throws IOException {
    List<String> names = layers.stream().map(Layer::name).toList();
    Report report = run.report;
    report.heading("Target 1: per-call cost of the server stack, layer by layer, vs a bare echo");
    report.line(
        "Closed loop, same generator, same transport settings; the servers run side by side and"
            + " are measured in turn (order rotated each round), "
            + rounds
            + " round(s) in "
            + forks
            + " JVM(s) per server (forks, one after the other, each warmed afresh). Ratio = server calls/s ÷ echo calls/s in the same round; shown as median"
            + " [min–max] over rounds. Every server but the bare echo has the production defaults:"
            + " metrics, request ids, per-caller rate limit (1e9/s: the interceptor runs, never"
            + " refuses), in-flight limit 1,000, auth off; the layer servers turn the access log"
            + " off. `instant`: three platforms answering NOT_FOUND at once (every check runs to"
            + " its end); `instant-demo`: the demo's answers (facebook FOUND first: the run is"
            + " decided while it launches facebook; the other two checkers are still called, then"
            + " reported as cancelled). CPU µs/call = server process CPU time over the window ÷"
            + " calls; bytes/call = bytes allocated by all the server's threads over the window ÷"
            + " calls (ThreadMXBean). Load = 1-minute load average at the window's end, min–max"
            + " over rounds (2 CPUs: above 2, the neighbours squeeze every ratio toward 1)."
            + " Each server is first loaded at every measured concurrency until its JIT compilers go"
            + " quiet, and a window in which they ran for more than "
            + JitWarmUp.QUIET_JIT_MILLIS
            + " ms is measured again (at most "
            + JitWarmUp.retries(run)
            + " times, the quietest kept; compiling is not a per-call cost): "
            + (remeasured.isEmpty() ? "no window was" : remeasured + " windows were")
            + " measured again; "
            + jitInWindows(names, concurrencies, windows)
            + ".");
    report.line("");
    List<List<String>> rows = new ArrayList<>();
    List<Charts.Line> lines = new ArrayList<>();
    for (String name : names) {
      List<double[]> points = new ArrayList<>();
      for (int c : concurrencies) {
        points.add(
            new double[] {c, medianOf(samples(windows, name, c), w -> w.result().throughput())});
      }
      lines.add(new Charts.Line(name, points, true));
    }
    for (int c : concurrencies) {
      List<Sample> echo = samples(windows, "echo", c);
      double echoCpu = medianOf(echo, Sample::cpuMicros);
      double echoBytes = medianOf(echo, Sample::bytes);
      for (String name : names) {
        List<Sample> ws = samples(windows, name, c);
        List<Double> ratios = new ArrayList<>();
        // CPU per call over the echo's in the same round: its spread shows how much the machine
        // moved the figure while the code stood still.
        List<Double> cpuRatios = new ArrayList<>();
        for (int i = 0; i < requireNonNull(ws).size(); i++) {
          Sample echoRound = requireNonNull(echo).get(i);
          ratios.add(ws.get(i).result().throughput() / echoRound.result().throughput());
          cpuRatios.add(ws.get(i).cpuMicros() / echoRound.cpuMicros());
        }
        LoadGenerator.Result last = ws.get(ws.size() - 1).result();
        double cpu = medianOf(ws, Sample::cpuMicros);
        double bytes = medianOf(ws, Sample::bytes);
        rows.add(
            List.of(
                String.valueOf(c),
                name,
                Report.fmt(medianOf(ws, w -> w.result().throughput())),
                name.equals("echo") ? "—" : spread(ratios, true),
                Report.fmt(medianOf(ws, w -> w.result().millis(50))),
                Report.fmt(medianOf(ws, w -> w.result().millis(99))),
                Report.fmt(medianOf(ws, w -> w.result().maxMillis())),
                Report.fmt(cpu),
                name.equals("echo")
                    ? "—"
                    : String.format(
                        Locale.ROOT,
                        "%.2f× [%.2f–%.2f]",
                        cpu / echoCpu,
                        Collections.min(cpuRatios),
                        Collections.max(cpuRatios)),
                Report.fmt(bytes),
                name.equals("echo") ? "—" : String.format(Locale.ROOT, "%.2f×", bytes / echoBytes),
                Report.fmt(last.responseBytes()),
                loadRange(ws),
                BenchRun.errors(ws.stream().map(Sample::result).toList())));
        String key = "t1." + name + ".c" + c;
        if (!name.equals("echo")) {
          report.figure(key + ".ratio", median(ratios.stream()));
          report.figure(key + ".ratio.min", Collections.min(ratios));
          report.figure(key + ".ratio.max", Collections.max(ratios));
          report.figure(key + ".cpuPerCallRatio", cpu / echoCpu);
          report.figure(key + ".cpuPerCallRatio.min", Collections.min(cpuRatios));
          report.figure(key + ".cpuPerCallRatio.max", Collections.max(cpuRatios));
          report.figure(key + ".allocPerCallRatio", bytes / echoBytes);
        }
        report.figure(key + ".rps", medianOf(ws, w -> w.result().throughput()));
        report.figure(key + ".cpuMicrosPerCall", cpu);
        report.figure(key + ".bytesPerCall", bytes);
      }
    }
    report.table(
        List.of(
            "concurrency",
            "server",
            "calls/s",
            "ratio to echo",
            "p50 ms",
            "p99 ms",
            "max ms",
            "server CPU µs/call",
            "CPU ÷ echo [per-round min–max]",
            "server bytes/call",
            "bytes ÷ echo",
            "response bytes",
            "load (1 min)",
            "errors"),
        rows);
    layerTable(report, concurrencies, layers, windows);
    if (windows.containsKey("instant-demo")) {
      double best =
          concurrencies.stream()
              .mapToDouble(
                  c -> medianOf(samples(windows, "instant-demo", c), w -> w.result().throughput()))
              .max()
              .orElse(Double.NaN);
      report.figure(BEST_THROUGHPUT, best);
      run.share(BEST_THROUGHPUT, best);
    }
    run.plot(
        () ->
            Charts.lines(
                run.out.resolve("t1-throughput-vs-concurrency.png"),
                "Target 1: throughput vs concurrency (closed loop, loopback)",
                "concurrency (calls in flight, log scale)",
                "calls/s (median over rounds)",
                lines,
                false),
        "t1-throughput-vs-concurrency.png");
  }

  /** "What each layer costs per call": each server's figures minus the previous layer's. */
  private static void layerTable(
      Report report,
      List<Integer> concurrencies,
      List<Layer> layers,
      Map<String, Map<Integer, List<Sample>>> windows) {
    report.line(
        "What each layer costs per call (median over rounds; + = this server minus the one"
            + " above it, measured in the same rounds):");
    report.line("");
    List<List<String>> rows = new ArrayList<>();
    for (int c : concurrencies) {
      @Nullable Layer previous = null;
      for (Layer layer : layers) {
        if (VARIANTS.contains(layer.name())) {
          continue; // other answers or settings, not another layer
        }
        List<Sample> ws = samples(windows, layer.name(), c);
        double cpu = medianOf(requireNonNull(ws), Sample::cpuMicros);
        double bytes = medianOf(requireNonNull(ws), Sample::bytes);
        String addedCpu = "—";
        String addedBytes = "—";
        if (previous != null) {
          List<Sample> before = samples(windows, previous.name(), c);
          addedCpu =
              String.format(
                  Locale.ROOT, "%+.1f", cpu - medianOf(requireNonNull(before), Sample::cpuMicros));
          addedBytes =
              String.format(
                  Locale.ROOT, "%+.0f", bytes - medianOf(requireNonNull(before), Sample::bytes));
        }
        rows.add(
            List.of(
                String.valueOf(c),
                layer.adds() + " (`" + layer.name() + "`)",
                Report.fmt(cpu),
                addedCpu,
                Report.fmt(bytes),
                addedBytes));
        previous = layer;
      }
    }
    report.table(
        List.of(
            "concurrency",
            "layer (server)",
            "CPU µs/call",
            "+ CPU µs/call",
            "bytes/call",
            "+ bytes/call"),
        rows);
  }

  private static String loadRange(List<Sample> ws) {
    double lo = ws.stream().mapToDouble(Sample::load).min().orElse(Double.NaN);
    double hi = ws.stream().mapToDouble(Sample::load).max().orElse(Double.NaN);
    return String.format(Locale.ROOT, "%.1f–%.1f", lo, hi);
  }

  /** The windows of server {@code name} at concurrency {@code c}: every round measures each. */
  private static List<Sample> samples(
      Map<String, Map<Integer, List<Sample>>> windows, String name, int c) {
    return requireNonNull(requireNonNull(windows.get(name), name).get(c), name);
  }
}
