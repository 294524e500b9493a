package dev.socialcheck.bench;

import dev.socialcheck.bench.LoadGenerator.Window;
import dev.socialcheck.server.engine.AdaptiveSettings;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.Strategy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.jspecify.annotations.Nullable;

/**
 * The load suite: targets 1 to 5 of the Benchmarks issue, each server in its own JVM, the load
 * generator in this one, everything on loopback. Writes {@code results.md}, {@code summary.tsv},
 * PNG plots and the servers' logs under {@code --out}.
 *
 * <p>Options: {@code --out DIR} (default {@code benchmarks/target/bench}), {@code --quick} (short
 * windows, for a smoke run), {@code --jfr} (server JVMs record a JFR profile), {@code --rounds N}
 * (target 1 rounds, default 3), {@code --only t1,t2,t3,t4,t5,screen} (screen: {@link ScreenTarget},
 * not run unless named), {@code --seed N} (the mix, default 42), {@code --t3-executor direct}
 * (what-if for target 3: the server without the gRPC executor hop), and for target 5 {@code
 * --t5-population N} (default 10000), {@code --t5-exponent X} (Zipf exponent, default 1.0), {@code
 * --t5-strategy hedged|race} (default hedged, at the likeliest platform's p95), {@code --t5-ttl D}
 * (default 10m).
 */
public final class BenchMain {
  /** Flags of every server JVM; the 512 MiB heap is target 2's limit, applied to all. */
  static final List<String> SERVER_JVM_FLAGS =
      List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true");

  private static final int CONNECTIONS = 4;
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final Path out;
  private final boolean quick;
  private final boolean jfr;
  private final int rounds;
  private final Set<String> only;
  private final long seed;
  private final String t3Executor;
  private final int t5Population;
  private final double t5Exponent;
  private final String t5Strategy;
  private final String t5Ttl;
  private final Report report = new Report();

  /** Target 1's best engine throughput (instant demo platforms), an input of target 2's bound. */
  private double t1EngineThroughput = Double.NaN;

  private BenchMain(Map<String, String> options) {
    this.out = Path.of(options.getOrDefault("out", "benchmarks/target/bench"));
    this.quick = options.containsKey("quick");
    this.jfr = options.containsKey("jfr");
    this.rounds = Integer.parseInt(options.getOrDefault("rounds", quick ? "1" : "3"));
    this.only = Set.of(options.getOrDefault("only", "t1,t2,t3,t4,t5").split(","));
    this.seed = Long.parseLong(options.getOrDefault("seed", "42"));
    this.t3Executor = options.getOrDefault("t3-executor", "pool");
    this.t5Population = Integer.parseInt(options.getOrDefault("t5-population", "10000"));
    this.t5Exponent = Double.parseDouble(options.getOrDefault("t5-exponent", "1.0"));
    this.t5Strategy = options.getOrDefault("t5-strategy", "hedged");
    this.t5Ttl = options.getOrDefault("t5-ttl", "10m");
    if (!t5Strategy.equals("hedged") && !t5Strategy.equals("race")) {
      throw new IllegalArgumentException("--t5-strategy must be hedged or race: " + t5Strategy);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("overload")) {
      // Issue 21's overload benchmark of the concurrency limit, in its own class.
      OverloadBench.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].replaceFirst("^--", "");
      if (name.equals("help")) {
        System.out.println(
            "BenchMain [--out DIR] [--quick] [--jfr] [--rounds N] [--only t1,t2,t3,t4,t5]"
                + " [--seed N] [--t3-executor pool|direct] [--t5-population N] [--t5-exponent X]"
                + " [--t5-strategy hedged|race] [--t5-ttl D]");
        return;
      }
      boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
      options.put(name, hasValue ? args[++i] : "true");
    }
    new BenchMain(options).run();
  }

  private void run() throws Exception {
    Files.createDirectories(out);
    Instant started = Instant.now();
    String loadBefore = loadAverage();
    report.line("# socialcheck benchmark run");
    report.line("");
    report.line("- started: " + started + (quick ? " (quick mode: short windows)" : ""));
    report.line("- machine: " + machine());
    report.line("- load average before: " + loadBefore);
    report.line("- server JVMs: `" + String.join(" ", serverFlags("NAME")) + "`");
    report.line(
        "- load generator JVM: `"
            + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
            + "`, "
            + CONNECTIONS
            + " HTTP/2 connections, directExecutor, call deadline "
            + DEADLINE.toSeconds()
            + " s");
    if (only.contains("t1")) {
      targetOne();
    }
    if (only.contains("t2")) {
      targetTwo();
    }
    if (only.contains("t3")) {
      targetThree();
    }
    if (only.contains("t4")) {
      targetFour();
    }
    if (only.contains("t5")) {
      targetFive();
    }
    if (only.contains("screen")) {
      new ScreenTarget(quick ? 10_000 : 100_000, quick ? 1 : 3).run(report);
    }
    report.line("");
    report.line(
        "- finished: "
            + Instant.now()
            + " ("
            + Duration.between(started, Instant.now()).toSeconds()
            + " s); load average after: "
            + loadAverage());
    report.write(out);
    System.out.println("wrote " + out.resolve("results.md"));
  }

  // ---------------------------------------------------------------------------------------------
  // Target 1: engine overhead against the echo baseline.

  private void targetOne() throws Exception {
    List<Integer> concurrencies = quick ? List.of(16) : List.of(1, 16, 64, 256);
    Duration warmup = seconds(quick ? 0.5 : 1);
    Duration measure = seconds(quick ? 1 : 2);
    List<String> names = List.of("echo", "instant-demo", "instant");
    Map<String, ServerProcess> servers = new LinkedHashMap<>();
    Map<String, LoadGenerator> loads = new LinkedHashMap<>();
    try {
      servers.put("echo", server("t1-echo", List.of("--service", "echo")));
      servers.put("instant-demo", server("t1-instant-demo", List.of("--catalog", "instant-demo")));
      servers.put("instant", server("t1-instant", List.of("--catalog", "instant")));
      for (String name : names) {
        loads.put(name, new LoadGenerator(servers.get(name).port(), CONNECTIONS));
      }
      // JIT warm-up of each server (and of the client paths), not measured.
      for (String name : names) {
        loads
            .get(name)
            .closedLoop(
                simpleLane(name), 64, seconds(quick ? 1 : 4), seconds(0.5), DEADLINE, Window.NONE);
      }
      // results[name][concurrency] = one Result per round. Rounds rotate the server order.
      Map<String, Map<Integer, List<LoadGenerator.Result>>> results = new LinkedHashMap<>();
      Map<String, Map<Integer, List<Double>>> cpuPerCall = new LinkedHashMap<>();
      for (String name : names) {
        results.put(name, new LinkedHashMap<>());
        cpuPerCall.put(name, new LinkedHashMap<>());
      }
      for (int round = 0; round < rounds; round++) {
        for (int c : concurrencies) {
          for (int k = 0; k < names.size(); k++) {
            String name = names.get((k + round) % names.size());
            ServerProcess server = servers.get(name);
            long[] cpu = new long[2];
            LoadGenerator.Result r =
                loads
                    .get(name)
                    .closedLoop(
                        simpleLane(name),
                        c,
                        warmup,
                        measure,
                        DEADLINE,
                        new Window() {
                          @Override
                          public void opened() {
                            cpu[0] = cpuNanos(server);
                          }

                          @Override
                          public void closed() {
                            cpu[1] = cpuNanos(server);
                          }
                        });
            results.get(name).computeIfAbsent(c, x -> new ArrayList<>()).add(r);
            cpuPerCall
                .get(name)
                .computeIfAbsent(c, x -> new ArrayList<>())
                .add((cpu[1] - cpu[0]) / 1e3 / Math.max(1, r.ok()));
            System.out.printf(
                Locale.ROOT,
                "t1 round %d %-12s c=%-4d %8.0f calls/s p50 %.2f ms p99 %.2f ms errors %s%n",
                round + 1,
                name,
                c,
                r.throughput(),
                r.millis(50),
                r.millis(99),
                r.errors());
          }
        }
      }
      writeTargetOne(concurrencies, names, results, cpuPerCall);
    } finally {
      for (LoadGenerator load : loads.values()) {
        load.close();
      }
      for (ServerProcess server : servers.values()) {
        server.close();
      }
    }
  }

  private void writeTargetOne(
      List<Integer> concurrencies,
      List<String> names,
      Map<String, Map<Integer, List<LoadGenerator.Result>>> results,
      Map<String, Map<Integer, List<Double>>> cpuPerCall)
      throws IOException {
    report.heading("Target 1: engine overhead (HasSocialAccount over 3 instant platforms vs echo)");
    report.line(
        "Closed loop, same generator, same transport settings; the three servers run side by side"
            + " and are measured in turn (order rotated each round), "
            + rounds
            + " round(s). Ratio = engine calls/s ÷ echo calls/s in the same round; shown as median"
            + " [min–max] over rounds. `instant-demo`: the demo's answers (facebook FOUND first:"
            + " the run is decided while it launches facebook; the other two checkers are still"
            + " called, then reported as cancelled); `instant`: all three"
            + " NOT_FOUND (every check runs to its end). CPU µs/call = server process CPU time"
            + " over the window ÷ calls.");
    report.line("");
    List<List<String>> rows = new ArrayList<>();
    List<Charts.Line> lines = new ArrayList<>();
    for (String name : names) {
      List<double[]> points = new ArrayList<>();
      for (int c : concurrencies) {
        points.add(
            new double[] {c, median(results.get(name).get(c).stream().map(r -> r.throughput()))});
      }
      lines.add(new Charts.Line(name, points, true));
    }
    for (int c : concurrencies) {
      List<LoadGenerator.Result> echo = results.get("echo").get(c);
      for (String name : names) {
        List<LoadGenerator.Result> rs = results.get(name).get(c);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
          ratios.add(rs.get(i).throughput() / echo.get(i).throughput());
        }
        LoadGenerator.Result last = rs.get(rs.size() - 1);
        rows.add(
            List.of(
                String.valueOf(c),
                name,
                Report.fmt(median(rs.stream().map(LoadGenerator.Result::throughput))),
                name.equals("echo") ? "—" : spread(ratios, true),
                Report.fmt(median(rs.stream().map(r -> r.millis(50)))),
                Report.fmt(median(rs.stream().map(r -> r.millis(90)))),
                Report.fmt(median(rs.stream().map(r -> r.millis(99)))),
                Report.fmt(median(rs.stream().map(r -> r.millis(99.9)))),
                Report.fmt(median(rs.stream().map(LoadGenerator.Result::maxMillis))),
                Report.fmt(median(cpuPerCall.get(name).get(c).stream())),
                Report.fmt(last.responseBytes()),
                errors(rs)));
        if (!name.equals("echo")) {
          report.figure("t1." + name + ".c" + c + ".ratio", median(ratios.stream()));
          report.figure("t1." + name + ".c" + c + ".ratio.min", Collections.min(ratios));
          report.figure("t1." + name + ".c" + c + ".ratio.max", Collections.max(ratios));
          report.figure(
              "t1." + name + ".c" + c + ".cpuPerCallRatio",
              median(cpuPerCall.get(name).get(c).stream())
                  / median(cpuPerCall.get("echo").get(c).stream()));
        }
        report.figure(
            "t1." + name + ".c" + c + ".rps",
            median(rs.stream().map(LoadGenerator.Result::throughput)));
      }
    }
    report.table(
        List.of(
            "concurrency",
            "server",
            "calls/s",
            "ratio to echo",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "server CPU µs/call",
            "response bytes",
            "errors"),
        rows);
    t1EngineThroughput =
        concurrencies.stream()
            .mapToDouble(
                c ->
                    median(
                        results.get("instant-demo").get(c).stream()
                            .map(LoadGenerator.Result::throughput)))
            .max()
            .orElse(Double.NaN);
    report.figure("t1.instant-demo.best.rps", t1EngineThroughput);
    plot(
        () ->
            Charts.lines(
                out.resolve("t1-throughput-vs-concurrency.png"),
                "Target 1: throughput vs concurrency (closed loop, loopback)",
                "concurrency (calls in flight, log scale)",
                "calls/s (median over rounds)",
                lines,
                false),
        "t1-throughput-vs-concurrency.png");
  }

  private static LoadGenerator.Lane simpleLane(String name) {
    return new LoadGenerator.Lane(
        name,
        n -> HasSocialAccountRequest.newBuilder().setEmail("u" + n + "@bench.example").build(),
        null);
  }

  // ---------------------------------------------------------------------------------------------
  // Target 2: latency hiding, threads, heap.

  private void targetTwo() throws Exception {
    List<Integer> concurrencies = quick ? List.of(100) : List.of(10, 100, 1000, 10_000);
    List<List<String>> rows = new ArrayList<>();
    List<double[]> measured = new ArrayList<>();
    List<double[]> bound = new ArrayList<>();
    try (ServerProcess server = server("t2-slow100", List.of("--catalog", "slow"));
        LoadGenerator load = new LoadGenerator(server.port(), CONNECTIONS)) {
      load.closedLoop(
          simpleLane("warm-up"), 500, seconds(quick ? 1 : 3), seconds(0.5), DEADLINE, Window.NONE);
      for (int c : concurrencies) {
        Sampler sampler = new Sampler(server);
        long[] cpu = new long[2];
        LoadGenerator.Result r =
            load.closedLoop(
                simpleLane("slow"),
                c,
                seconds(quick ? 1 : (c >= 10_000 ? 3 : 2)),
                seconds(quick ? 1 : 5),
                DEADLINE,
                new Window() {
                  @Override
                  public void opened() {
                    cpu[0] = cpuNanos(server);
                    sampler.start();
                  }

                  @Override
                  public void closed() {
                    sampler.stop();
                    cpu[1] = cpuNanos(server);
                  }
                });
        double little = c / 0.1;
        measured.add(new double[] {c, r.throughput()});
        bound.add(new double[] {c, little});
        rows.add(
            List.of(
                String.valueOf(c),
                Report.fmt(r.throughput()),
                Report.fmt(little),
                Report.pct(r.throughput() / little),
                Report.fmt(r.millis(50)),
                Report.fmt(r.millis(90)),
                Report.fmt(r.millis(99)),
                Report.fmt(r.millis(99.9)),
                Report.fmt(r.maxMillis()),
                sampler.min("threads") + "–" + sampler.max("threads"),
                String.valueOf(sampler.max("checksInFlight")),
                Report.fmt(sampler.max("heapUsed") / 1048576.0),
                Report.fmt((cpu[1] - cpu[0]) / 1e3 / Math.max(1, r.ok())),
                errorsOf(r)));
        report.figure("t2.c" + c + ".rps", r.throughput());
        report.figure("t2.c" + c + ".threads.max", sampler.max("threads"));
        report.figure("t2.c" + c + ".threads.min", sampler.min("threads"));
        report.figure("t2.c" + c + ".p50ms", r.millis(50));
        System.out.printf(
            Locale.ROOT,
            "t2 c=%-5d %8.0f calls/s p50 %.1f ms p99 %.1f ms threads %d-%d inflight %d errors %s%n",
            c,
            r.throughput(),
            r.millis(50),
            r.millis(99),
            sampler.min("threads"),
            sampler.max("threads"),
            sampler.max("checksInFlight"),
            r.errors());
      }
    }
    report.heading("Target 2: latency hiding (3 platforms × 100 ms, all NOT_FOUND)");
    double target = Math.min(10_000, t1EngineThroughput);
    report.line(
        "Closed loop; every call waits for all three 100 ms checks, so the Little's-law bound is"
            + " concurrency ÷ 0.1 s. Threads and checks in flight are sampled in the server JVM"
            + " every 250 ms during the window (ThreadMXBean, engine stats). The target at"
            + " concurrency 1,000 is 80 % of min(10,000, target 1's best instant-demo figure = "
            + Report.fmt(t1EngineThroughput)
            + ") = "
            + Report.fmt(0.8 * target)
            + " calls/s.");
    report.line("");
    report.table(
        List.of(
            "concurrency",
            "calls/s",
            "Little bound",
            "of bound",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "server threads (min–max)",
            "checks in flight (max)",
            "heap used MiB (max)",
            "server CPU µs/call",
            "errors"),
        rows);
    report.figure("t2.target.rps", 0.8 * target);
    plot(
        () ->
            Charts.lines(
                out.resolve("t2-latency-hiding.png"),
                "Target 2: 3 × 100 ms platforms, throughput vs concurrency",
                "concurrency (log scale)",
                "calls/s (log scale)",
                List.of(
                    new Charts.Line("measured", measured, true),
                    new Charts.Line("Little's-law bound (c / 0.1 s)", bound, false)),
                true),
        "t2-latency-hiding.png");
    if (!quick) {
      tenThousandInFlight();
    }
  }

  /** 10,000 calls held in flight for seconds (5 s platforms): 30,000 checks in a 512 MiB heap. */
  private void tenThousandInFlight() throws Exception {
    try (ServerProcess server =
            server("t2-hold5s", List.of("--catalog", "slow", "--latency-ms", "5000"));
        LoadGenerator load = new LoadGenerator(server.port(), CONNECTIONS)) {
      Sampler sampler = new Sampler(server);
      AtomicReference<Map<String, Long>> live = new AtomicReference<>(Map.of());
      Thread liveHeap =
          new Thread(
              () -> {
                try {
                  // Mid-hold: once all 30,000 checks are in flight (or 4.5 s after the first
                  // call, before the first answers at 5 s), read the live heap after a full GC.
                  long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4_500);
                  while (System.nanoTime() < giveUp
                      && server.stats(false).get("checksInFlight") < 30_000) {
                    Thread.sleep(100);
                  }
                  live.set(server.stats(true));
                } catch (IOException | InterruptedException e) {
                  live.set(Map.of());
                }
              },
              "live-heap");
      LoadGenerator.Result r =
          load.closedLoop(
              simpleLane("hold"),
              10_000,
              Duration.ZERO,
              seconds(12),
              DEADLINE,
              new Window() {
                @Override
                public void opened() {
                  sampler.start();
                  liveHeap.start();
                }

                @Override
                public void closed() {
                  sampler.stop();
                }
              });
      liveHeap.join();
      Map<String, Long> heap = live.get();
      report.heading("Target 2: 10,000 concurrent calls in a 512 MiB heap (3 platforms × 5 s)");
      report.line(
          "Closed loop of 10,000 calls over 3 platforms answering NOT_FOUND after 5 s, so every"
              + " call holds its three checks in flight for 5 s; 12 s window from the first call."
              + " Server JVM: `-Xmx512m`. The live heap is read after a full GC (`System.gc()` in"
              + " the server) as soon as all 30,000 checks are in flight (at the latest 4.5 s after the"
              + " first call, before the first answers).");
      report.line("");
      report.table(
          List.of(
              "calls in flight",
              "checks in flight (max sampled)",
              "runs in flight (max)",
              "server threads (min–max)",
              "heap used MiB (max)",
              "live heap after full GC MiB",
              "GCs / GC ms (at that point)",
              "completed calls",
              "p50 ms",
              "p99 ms",
              "errors"),
          List.of(
              List.of(
                  "10,000",
                  String.valueOf(sampler.max("checksInFlight")),
                  String.valueOf(sampler.max("runsInFlight")),
                  sampler.min("threads") + "–" + sampler.max("threads"),
                  Report.fmt(sampler.max("heapUsed") / 1048576.0),
                  Report.fmt(heap.getOrDefault("heapUsed", -1L) / 1048576.0)
                      + " (with "
                      + heap.getOrDefault("checksInFlight", -1L)
                      + " checks in flight)",
                  heap.getOrDefault("gcCount", -1L) + " / " + heap.getOrDefault("gcMillis", -1L),
                  String.valueOf(r.ok()),
                  Report.fmt(r.millis(50)),
                  Report.fmt(r.millis(99)),
                  errorsOf(r))));
      report.line("Ramp (server samples, time since the first call: runs / checks in flight):");
      report.line("");
      report.line("```");
      report.line(sampler.series());
      report.line("```");
      report.figure("t2.hold.checksInFlight.max", sampler.max("checksInFlight"));
      report.figure("t2.hold.liveHeapMiB", heap.getOrDefault("heapUsed", -1L) / 1048576.0);
      report.figure("t2.hold.liveChecksInFlight", heap.getOrDefault("checksInFlight", -1L));
      report.figure("t2.hold.heapMaxMiB", sampler.max("heapUsed") / 1048576.0);
      report.figure("t2.hold.threads.max", sampler.max("threads"));
      report.figure("t2.hold.errors", r.errorCount());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Target 3: early answer and early cancellation, with server-side timestamps.

  private void targetThree() throws Exception {
    report.heading(
        "Target 3: early answer (demo scenario, time scale 0.1)"
            + (t3Executor.equals("direct")
                ? " — WHAT-IF: server executor = directExecutor (not the shipped setting)"
                : ""));
    report.line(
        "The demo catalog at time scale 0.1: github FOUND at 100 ms, twitter NOT_FOUND at 300 ms,"
            + " facebook FOUND at 500 ms; RACE. Server-side timestamps (System.nanoTime in the"
            + " server JVM): a wrapper around each checker notes when its FOUND completed and when"
            + " its future was cancelled; a global interceptor notes when the answer was handed to"
            + " gRPC (`sendMessage`). *found→answer* = answer sent − fastest FOUND; *found→cancel*"
            + " = loser cancelled − fastest FOUND; *answer→cancel* = loser cancelled − answer sent"
            + " (0 when the loser was cancelled before the answer was sent, which is the engine's"
            + " order). The response's own figures (`elapsed` and each platform's `latency`) give"
            + " the engine's view: elapsed − github latency, and CANCELLED latency − github"
            + " latency.");
    report.line("");
    List<List<String>> rows = new ArrayList<>();
    try (ServerProcess server =
            server(
                "t3-demo",
                List.of(
                    "--catalog",
                    "demo",
                    "--time-scale",
                    "0.1",
                    "--timeline",
                    "--executor",
                    t3Executor));
        LoadGenerator load = new LoadGenerator(server.port(), CONNECTIONS)) {
      AtomicLong sequence = new AtomicLong();
      load.closedLoop(
          demoLane("warm-up", sequence, null, null),
          100,
          seconds(quick ? 1 : 3),
          seconds(0.5),
          DEADLINE,
          Window.NONE);
      for (int c : quick ? List.of(20) : List.of(10, 200)) {
        server.command("timeline"); // Reset.
        Histogram engineAnswer = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram engineCancel = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        LoadGenerator.Result r =
            load.closedLoop(
                demoLane("demo", sequence, engineAnswer, engineCancel),
                c,
                seconds(quick ? 0.5 : 1),
                seconds(quick ? 1 : 5),
                DEADLINE,
                Window.NONE);
        Map<String, String> timeline = ServerProcess.parsePairs(server.command("timeline"));
        Histogram answer = Histograms.decode(timeline.get("foundToAnswer"));
        Histogram cancel = Histograms.decode(timeline.get("foundToCancel"));
        Histogram afterAnswer = Histograms.decode(timeline.get("answerToCancel"));
        Histogram dispatch = Histograms.decode(timeline.get("dispatchDelay"));
        rows.add(row(c, r, "found→answer (server)", answer, timeline));
        rows.add(row(c, r, "found→cancel (server)", cancel, timeline));
        rows.add(row(c, r, "answer→cancel (server)", afterAnswer, timeline));
        rows.add(row(c, r, "elapsed − found latency (response)", engineAnswer, timeline));
        rows.add(row(c, r, "cancelled − found latency (response)", engineCancel, timeline));
        rows.add(row(c, r, "gRPC executor dispatch delay (server)", dispatch, timeline));
        report.figure("t3.c" + c + ".foundToAnswer.p50ms", Histograms.millis(answer, 50));
        report.figure("t3.c" + c + ".engine.p99ms", Histograms.millis(engineAnswer, 99));
        report.figure("t3.c" + c + ".dispatch.p99ms", Histograms.millis(dispatch, 99));
        report.figure("t3.c" + c + ".foundToAnswer.p99ms", Histograms.millis(answer, 99));
        report.figure("t3.c" + c + ".foundToCancel.p99ms", Histograms.millis(cancel, 99));
        report.figure("t3.c" + c + ".answerToCancel.p99ms", Histograms.millis(afterAnswer, 99));
        report.figure("t3.c" + c + ".client.p50ms", r.millis(50));
        report.figure("t3.c" + c + ".client.p99ms", r.millis(99));
        report.figure("t3.c" + c + ".rps", r.throughput());
        System.out.printf(
            Locale.ROOT,
            "t3 c=%d %s; found->answer p99 %.3f ms; found->cancel p99 %.3f ms%n",
            c,
            timeline.keySet(),
            Histograms.millis(answer, 99),
            Histograms.millis(cancel, 99));
      }
    }
    report.table(
        List.of(
            "concurrency",
            "calls/s",
            "client p50 / p99 ms",
            "measure",
            "n",
            "p50 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "notes"),
        rows);
  }

  private static List<String> row(
      int c, LoadGenerator.Result r, String what, Histogram h, Map<String, String> timeline) {
    return List.of(
        String.valueOf(c),
        Report.fmt(r.throughput()),
        Report.fmt(r.millis(50)) + " / " + Report.fmt(r.millis(99)),
        what,
        String.valueOf(h.getTotalCount()),
        Report.fmt(Histograms.millis(h, 50)),
        Report.fmt(Histograms.millis(h, 99)),
        Report.fmt(Histograms.millis(h, 99.9)),
        Report.fmt(Histograms.maxMillis(h)),
        what.startsWith("answer→")
            ? "cancelled before the answer: "
                + timeline.get("cancelledBeforeAnswer")
                + "; not cancelled: "
                + timeline.get("losersNotCancelled")
            : "errors " + errorsOf(r));
  }

  private static LoadGenerator.Lane demoLane(
      String name,
      AtomicLong sequence,
      @Nullable Histogram answerGap,
      @Nullable Histogram cancelGap) {
    return new LoadGenerator.Lane(
        name,
        n ->
            HasSocialAccountRequest.newBuilder()
                .setEmail("d" + sequence.getAndIncrement() + "@demo.example")
                .build(),
        answerGap == null || cancelGap == null
            ? null
            : response -> inspectDemo(response, answerGap, cancelGap));
  }

  private static void inspectDemo(
      HasSocialAccountResponse response, Histogram answerGap, Histogram cancelGap) {
    long found = -1;
    for (PlatformResult result : response.getResultsList()) {
      if (result.getPlatform().equals(response.getFoundOn())) {
        found = toNanos(result.getLatency());
      }
    }
    if (found < 0) {
      return;
    }
    answerGap.recordValue(Math.max(0, toNanos(response.getElapsed()) - found));
    for (PlatformResult result : response.getResultsList()) {
      if (result.getStatus() == PlatformStatus.PLATFORM_STATUS_CANCELLED) {
        cancelGap.recordValue(Math.max(0, toNanos(result.getLatency()) - found));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Target 4: strategy trade-off over the realistic mix.

  private void targetFour() throws Exception {
    MixModel model = new MixModel(seed);
    MixModel.PlatformSpec likeliest = MixModel.PLATFORMS.get(0);
    long p50 = model.latencyQuantileNanos(likeliest, 0.50, 200_000);
    long p95 = model.latencyQuantileNanos(likeliest, 0.95, 200_000);
    long warmup = quick ? 50 : 300;
    long measured = quick ? 200 : 2500;
    double rate = 100;
    List<LoadGenerator.Lane> lanes =
        List.of(
            mixLane("RACE", Strategy.STRATEGY_RACE, -1),
            mixLane("SEQUENTIAL", Strategy.STRATEGY_SEQUENTIAL, -1),
            mixLane("HEDGED p50 (" + millis(p50) + " ms)", Strategy.STRATEGY_HEDGED, p50),
            mixLane("HEDGED p95 (" + millis(p95) + " ms)", Strategy.STRATEGY_HEDGED, p95),
            mixLane("ADAPTIVE", Strategy.STRATEGY_ADAPTIVE, -1));
    List<LoadGenerator.Result> results;
    try (ServerProcess server =
            server("t4-mix", List.of("--catalog", "mix", "--seed", String.valueOf(seed)));
        LoadGenerator load = new LoadGenerator(server.port(), CONNECTIONS)) {
      results = load.openLoop(lanes, rate, warmup, measured, 20_000, DEADLINE);
    }
    // The zero-overhead model over the same addresses, and delays the engine cannot express yet.
    Map<String, long[]> modelDelays = new LinkedHashMap<>();
    modelDelays.put("RACE", MixModel.uniformDelay(0));
    modelDelays.put("SEQUENTIAL", MixModel.uniformDelay(Long.MAX_VALUE));
    modelDelays.put(lanes.get(2).name, MixModel.uniformDelay(p50));
    modelDelays.put(lanes.get(3).name, MixModel.uniformDelay(p95));
    long[] perPlatform95 = model.perPlatformDelay(0.95, 200_000);
    long[] perPlatform50 = model.perPlatformDelay(0.50, 200_000);
    Map<String, MixModel.ModelSummary> modelled = new LinkedHashMap<>();
    modelDelays.forEach((k, v) -> modelled.put(k, model.summarize(warmup, (int) measured, v)));
    MixModel.ModelSummary pp95 = model.summarize(warmup, (int) measured, perPlatform95);
    MixModel.ModelSummary pp50 = model.summarize(warmup, (int) measured, perPlatform50);
    // ADAPTIVE's start rules with what it would learn exactly (each platform's p95, the priors).
    MixModel.ModelSummary adaptiveRules =
        model.summarize(warmup, (int) measured, perPlatform95, ADAPTIVE_EARLY_START_WASTE);

    report.heading("Target 4: strategy trade-off over a realistic mix");
    report.line(
        "Open loop, "
            + Report.fmt(rate)
            + " addresses/s; each address is sent once per strategy at the same moment (so the"
            + " four strategies see the same addresses, latencies and answers), "
            + warmup
            + " warm-up addresses then "
            + measured
            + " measured ones; latency from the intended start (no coordinated omission). The"
            + " mix (seed "
            + seed
            + "): per platform a log-normal body plus a 1–5 % log-normal slow tail, answer FOUND"
            + " with probability = prior, every check times out after "
            + MixModel.TIMEOUT.toSeconds()
            + " s. The engine has one `hedge_delay` per request: the delays used are the likeliest"
            + " platform's (facebook) p50 = "
            + millis(p50)
            + " ms and p95 = "
            + millis(p95)
            + " ms. *Model* = the engine's start rules replayed on the same draws with zero"
            + " overhead.");
    report.line("");
    report.table(
        List.of(
            "platform", "prior", "median ms", "sigma", "slow share", "slow median ms", "p95 ms"),
        MixModel.PLATFORMS.stream()
            .map(
                s ->
                    List.of(
                        s.id(),
                        Report.fmt(s.prior()),
                        Report.fmt(s.medianMillis()),
                        Report.fmt(s.sigma()),
                        Report.pct(s.slowShare()),
                        Report.fmt(s.slowMedianMillis()),
                        millis(model.latencyQuantileNanos(s, 0.95, 200_000))))
            .toList());
    List<List<String>> rows = new ArrayList<>();
    LoadGenerator.Result race = results.get(0);
    Map<String, Histogram> cdf = new LinkedHashMap<>();
    for (LoadGenerator.Result r : results) {
      MixModel.ModelSummary m = modelled.get(r.name());
      rows.add(
          List.of(
              r.name(),
              Report.fmt(r.millis(50)),
              Report.fmt(r.millis(90)),
              Report.fmt(r.millis(99)),
              Report.fmt(r.millis(99.9)),
              Report.fmt(r.maxMillis()),
              Report.fmt(r.callsPerRequest()),
              Report.fmt(r.cancelledPerRequest()),
              String.format(Locale.ROOT, "%.3f×", r.millis(99) / race.millis(99)),
              Report.pct(r.callsPerRequest() / race.callsPerRequest()),
              m == null
                  ? "– (learned online)"
                  : millis(m.p50Nanos())
                      + " / "
                      + millis(m.p99Nanos())
                      + " / "
                      + Report.fmt(m.callsPerRequest()),
              errorsOf(r)));
      cdf.put(r.name(), r.latency());
      String key =
          "t4."
              + r.name().replaceAll(" .*", "")
              + (r.name().contains("p95") ? "95" : r.name().contains("p50") ? "50" : "");
      report.figure(key + ".p50ms", r.millis(50));
      report.figure(key + ".p99ms", r.millis(99));
      report.figure(key + ".calls", r.callsPerRequest());
      report.figure(
          key + ".p99.ratioToRace",
          String.format(Locale.ROOT, "%.3f", r.millis(99) / race.millis(99)));
      report.figure(
          key + ".calls.ratioToRace",
          String.format(Locale.ROOT, "%.3f", r.callsPerRequest() / race.callsPerRequest()));
    }
    rows.add(
        modelRow(
            "model only: HEDGED, per-platform p95 delays " + delays(perPlatform95),
            pp95,
            modelled.get("RACE")));
    rows.add(
        modelRow(
            "model only: HEDGED, per-platform p50 delays " + delays(perPlatform50),
            pp50,
            modelled.get("RACE")));
    rows.add(
        modelRow(
            "model only: ADAPTIVE's rules (per-platform p95 delays, early start at waste <= "
                + ADAPTIVE_EARLY_START_WASTE
                + ", no budget)",
            adaptiveRules,
            modelled.get("RACE")));
    report.table(
        List.of(
            "strategy",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "calls/request",
            "cancelled/request",
            "p99 ÷ RACE",
            "calls ÷ RACE",
            "model p50 / p99 ms / calls",
            "errors"),
        rows);
    report.figure("t4.hedge.p50.ms", p50 / 1e6);
    report.figure("t4.hedge.p95.ms", p95 / 1e6);
    report.figure("t4.model.perPlatform95.p99ms", pp95.p99Nanos() / 1e6);
    report.figure("t4.model.perPlatform95.calls", pp95.callsPerRequest());

    // The trade-off curve: the model over a sweep of uniform delays, with the measured points.
    List<double[]> curve = new ArrayList<>();
    for (long d = 0; d <= 1500; d += 25) {
      MixModel.ModelSummary s =
          model.summarize(warmup, (int) measured, MixModel.uniformDelay(d * 1_000_000));
      curve.add(new double[] {s.callsPerRequest(), s.p99Nanos() / 1e6});
    }
    adaptiveVerdict(results, curve);
    modelSeeds(p50, p95, perPlatform95);
    List<double[]> measuredPoints = new ArrayList<>();
    List<double[]> adaptivePoints = new ArrayList<>();
    for (LoadGenerator.Result r : results) {
      (r.name().equals("ADAPTIVE") ? adaptivePoints : measuredPoints)
          .add(new double[] {r.callsPerRequest(), r.millis(99)});
    }
    List<double[]> perPlatformPoints =
        List.of(
            new double[] {pp95.callsPerRequest(), pp95.p99Nanos() / 1e6},
            new double[] {pp50.callsPerRequest(), pp50.p99Nanos() / 1e6},
            new double[] {adaptiveRules.callsPerRequest(), adaptiveRules.p99Nanos() / 1e6});
    plot(
        () ->
            Charts.cdf(
                out.resolve("t4-latency-cdf.png"),
                "Target 4: latency CDF per strategy (realistic mix, measured)",
                cdf),
        "t4-latency-cdf.png");
    plot(
        () ->
            Charts.linearLines(
                out.resolve("t4-tradeoff.png"),
                "Target 4: p99 latency vs calls per request",
                "calls (checks started) per request",
                "p99 latency (ms)",
                List.of(
                    new Charts.Line("model: HEDGED, one delay 0–1500 ms", curve, false),
                    new Charts.Line(
                        "measured: RACE, SEQUENTIAL, HEDGED p50, p95", measuredPoints, true),
                    new Charts.Line(
                        "model: per-platform delay (p95, p50), ADAPTIVE's rules",
                        perPlatformPoints,
                        true),
                    new Charts.Line("measured: ADAPTIVE", adaptivePoints, true))),
        "t4-tradeoff.png");
  }

  /**
   * Prints how ADAPTIVE compares with each fixed HEDGED lane of the same run (dominates: lower p99
   * at no more calls, or fewer calls at no worse p99), with the fixed delay of the model that makes
   * at least as many calls, and its extra load compared with SEQUENTIAL.
   *
   * @param curve the model's {calls, p99 ms} for uniform delays 0, 25, 50, … ms
   */
  private void adaptiveVerdict(List<LoadGenerator.Result> results, List<double[]> curve) {
    LoadGenerator.Result adaptive = null;
    LoadGenerator.Result sequential = null;
    for (LoadGenerator.Result r : results) {
      if (r.name().equals("ADAPTIVE")) {
        adaptive = r;
      } else if (r.name().equals("SEQUENTIAL")) {
        sequential = r;
      }
    }
    if (adaptive == null || sequential == null) {
      return;
    }
    double calls = adaptive.callsPerRequest();
    double p99 = adaptive.millis(99);
    report.line("");
    report.line(
        String.format(
            Locale.ROOT,
            "ADAPTIVE: p99 %s ms at %s calls per request; %+.1f %% calls compared with SEQUENTIAL"
                + " (budget: +25 %%).",
            Report.fmt(p99),
            Report.fmt(calls),
            100 * (calls / sequential.callsPerRequest() - 1)));
    report.figure(
        "t4.ADAPTIVE.extraLoadVsSequential",
        String.format(Locale.ROOT, "%.3f", calls / sequential.callsPerRequest() - 1));
    for (LoadGenerator.Result r : results) {
      if (!r.name().startsWith("HEDGED")) {
        continue;
      }
      double otherCalls = r.callsPerRequest();
      double otherP99 = r.millis(99);
      boolean dominates =
          (p99 < otherP99 && calls <= otherCalls) || (calls < otherCalls && p99 <= otherP99);
      report.line(
          String.format(
              Locale.ROOT,
              "- vs %s: p99 %+.0f ms, calls %+.2f (%+.1f %%): %s.",
              r.name(),
              p99 - otherP99,
              calls - otherCalls,
              100 * (calls / otherCalls - 1),
              dominates ? "**ADAPTIVE dominates**" : "no dominance"));
      report.figure(
          "t4.ADAPTIVE.dominates.HEDGED" + (r.name().contains("p95") ? "95" : "50"),
          dominates ? "yes" : "no");
    }
    // The model's fixed delay with the fewest calls that is still at least as many as ADAPTIVE's.
    for (int i = curve.size() - 1; i >= 0; i--) {
      if (curve.get(i)[0] >= calls) {
        report.line(
            String.format(
                Locale.ROOT,
                "- vs the model's fixed delay of %d ms (%s calls, at least ADAPTIVE's): p99 %s ms"
                    + " (zero overhead), ADAPTIVE measured %+.0f ms.",
                25 * i,
                Report.fmt(curve.get(i)[0]),
                Report.fmt(curve.get(i)[1]),
                p99 - curve.get(i)[1]));
        break;
      }
    }
  }

  /** ADAPTIVE's default early-start threshold (its percentile, 95, is that of perPlatform95). */
  private static final double ADAPTIVE_EARLY_START_WASTE =
      AdaptiveSettings.DEFAULTS.earlyStartWaste();

  /**
   * The p99 of 2,500 requests is the 25th slowest, so one run says little about small differences:
   * the model compares ADAPTIVE's rules with the two fixed delays over 20,000 addresses of this and
   * two more seeds.
   */
  private void modelSeeds(long p50, long p95, long[] perPlatform95) {
    int count = quick ? 2_000 : 20_000;
    List<List<String>> rows = new ArrayList<>();
    for (long s = seed; s < seed + 3; s++) {
      MixModel m = new MixModel(s);
      MixModel.ModelSummary h50 = m.summarize(0, count, MixModel.uniformDelay(p50));
      MixModel.ModelSummary h95 = m.summarize(0, count, MixModel.uniformDelay(p95));
      MixModel.ModelSummary ad = m.summarize(0, count, perPlatform95, ADAPTIVE_EARLY_START_WASTE);
      MixModel.ModelSummary seq = m.summarize(0, count, MixModel.uniformDelay(Long.MAX_VALUE));
      rows.add(
          List.of(
              String.valueOf(s),
              millis(h50.p99Nanos()) + " / " + Report.fmt(h50.callsPerRequest()),
              millis(h95.p99Nanos()) + " / " + Report.fmt(h95.callsPerRequest()),
              millis(ad.p99Nanos()) + " / " + Report.fmt(ad.callsPerRequest()),
              Report.pct(ad.callsPerRequest() / seq.callsPerRequest() - 1),
              ad.p99Nanos() <= h50.p99Nanos() && ad.callsPerRequest() < h50.callsPerRequest()
                  ? "yes"
                  : "no"));
    }
    report.line("");
    report.line(
        "Model only, "
            + count
            + " addresses per seed (zero overhead; ADAPTIVE's rules with exact p95s and priors, no"
            + " budget): p99 ms / calls per request.");
    report.line("");
    report.table(
        List.of(
            "seed",
            "HEDGED p50 delay",
            "HEDGED p95 delay",
            "ADAPTIVE rules",
            "ADAPTIVE extra calls vs SEQUENTIAL",
            "ADAPTIVE dominates HEDGED p50"),
        rows);
  }

  private static List<String> modelRow(
      String name, MixModel.ModelSummary m, MixModel.ModelSummary race) {
    return List.of(
        name,
        millis(m.p50Nanos()),
        "",
        millis(m.p99Nanos()),
        "",
        "",
        Report.fmt(m.callsPerRequest()),
        "",
        String.format(Locale.ROOT, "%.3f× (model)", m.p99Nanos() / (double) race.p99Nanos()),
        Report.pct(m.callsPerRequest() / race.callsPerRequest()) + " (model)",
        millis(m.p50Nanos())
            + " / "
            + millis(m.p99Nanos())
            + " / "
            + Report.fmt(m.callsPerRequest()),
        "");
  }

  private static String delays(long[] nanos) {
    return Arrays.stream(nanos).mapToObj(BenchMain::millis).toList().toString().replace(" ", "");
  }

  private static LoadGenerator.Lane mixLane(String name, Strategy strategy, long hedgeNanos) {
    HasSocialAccountRequest.Builder template =
        HasSocialAccountRequest.newBuilder().setStrategy(strategy);
    if (hedgeNanos >= 0) {
      template.setHedgeDelay(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(hedgeNanos / 1_000_000_000L)
              .setNanos((int) (hedgeNanos % 1_000_000_000L)));
    }
    HasSocialAccountRequest prototype = template.build();
    return new LoadGenerator.Lane(
        name, n -> prototype.toBuilder().setEmail(MixModel.address(n)).build(), null);
  }

  // ---------------------------------------------------------------------------------------------
  // Target 5: the result cache, on vs off, over repeated addresses.

  private void targetFive() throws Exception {
    MixModel model = new MixModel(seed);
    long p95 = model.latencyQuantileNanos(MixModel.PLATFORMS.get(0), 0.95, 200_000);
    boolean race = t5Strategy.equals("race");
    long[] delays = MixModel.uniformDelay(race ? 0 : p95);
    ZipfAddresses zipf = new ZipfAddresses(t5Population, t5Exponent, seed);
    Duration ttl = DurationText.parse(t5Ttl);
    long maxEntries = 100_000;
    long warmup = quick ? 300 : 1000;
    long measured = quick ? 300 : 5000;
    double rate = 100;
    int perBin = quick ? 50 : 500;
    long total = warmup + measured;
    String strategyName = race ? "RACE" : "HEDGED p95 (" + millis(p95) + " ms)";

    List<String> common =
        List.of("--catalog", "mix-repeat", "--seed", String.valueOf(seed), "--count-calls");
    List<String> cached = new ArrayList<>(common);
    cached.addAll(List.of("--cache-ttl", t5Ttl, "--cache-max-entries", String.valueOf(maxEntries)));
    LongAdder detailsWithAddress = new LongAdder();
    // Server time (the response's `elapsed`) of the answers that made no platform call.
    Histogram fromCacheElapsed = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    java.util.function.Consumer<HasSocialAccountResponse> inspect =
        response -> {
          for (PlatformResult r : response.getResultsList()) {
            String detail = r.getDetail().toLowerCase(Locale.ROOT);
            if (detail.contains("@") || detail.contains("zipf")) {
              detailsWithAddress.increment();
            }
          }
          long started = LoadGenerator.started(response);
          if (started > 0 && started == LoadGenerator.cacheHits(response)) {
            fromCacheElapsed.recordValue(toNanos(response.getElapsed()));
          }
        };
    List<LoadGenerator.Result> results;
    Map<String, Long> statsOff;
    Map<String, Long> statsOn;
    Map<String, Long> windowOff;
    Map<String, Long> windowOn;
    // [time, off stats, on stats], sampled every bin.
    List<List<Map<String, Long>>> series =
        java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, String> learnedOff;
    Map<String, String> learnedOn;
    Map<String, String> keys;
    LoadGenerator.Lane off;
    LoadGenerator.Lane on;
    try (ServerProcess offServer = server("t5-cache-off", common);
        ServerProcess onServer = server("t5-cache-on", cached);
        LoadGenerator offLoad = new LoadGenerator(offServer.port(), CONNECTIONS);
        LoadGenerator onLoad = new LoadGenerator(onServer.port(), CONNECTIONS)) {
      off = zipfLane("cache off", zipf, race, p95, inspect).via(offLoad);
      on = zipfLane("cache on", zipf, race, p95, inspect).via(onLoad);
      // Both servers' counters every bin (perBin arrivals), from the start of the open loop.
      long tick = Math.round(perBin / rate * 1e9);
      Thread sampler =
          new Thread(
              () -> {
                long next = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                  series.add(
                      List.of(
                          Map.of("t", System.nanoTime()),
                          statsOrEmpty(offServer),
                          statsOrEmpty(onServer)));
                  next += tick;
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    try {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                }
              },
              "t5-series");
      sampler.setDaemon(true);
      sampler.start();
      // Server counters when the first measured arrival is due and once every call has ended.
      Map<String, Map<String, Long>> snapshots = new ConcurrentHashMap<>();
      Thread opening =
          new Thread(
              () -> {
                snapshots.put("off.open", statsOrEmpty(offServer));
                snapshots.put("on.open", statsOrEmpty(onServer));
              },
              "t5-window");
      results =
          offLoad.openLoop(
              List.of(off, on),
              rate,
              warmup,
              measured,
              20_000,
              DEADLINE,
              new Window() {
                @Override
                public void opened() {
                  opening.start(); // Off the sending thread: the arrivals stay on time.
                }

                @Override
                public void closed() {
                  try {
                    opening.join(10_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
      sampler.interrupt();
      sampler.join(5_000);
      statsOff = offServer.stats(false);
      statsOn = onServer.stats(false);
      series.add(List.of(Map.of("t", System.nanoTime()), statsOff, statsOn));
      windowOff = delta(snapshots.getOrDefault("off.open", Map.of()), statsOff);
      windowOn = delta(snapshots.getOrDefault("on.open", Map.of()), statsOn);
      learnedOff = ServerProcess.parsePairs(offServer.command("learning"));
      learnedOn = ServerProcess.parsePairs(onServer.command("learning"));
      keys = ServerProcess.parsePairs(onServer.command("cache-keys " + t5Population));
    }
    long logLinesWithAddress = 0;
    for (String name : List.of("t5-cache-off", "t5-cache-on")) {
      for (String line : Files.readAllLines(out.resolve(name + ".log"))) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.contains("zipf") || lower.contains("@")) {
          logLinesWithAddress++;
        }
      }
    }
    LoadGenerator.Result rOff = results.get(0);
    LoadGenerator.Result rOn = results.get(1);

    CacheModel.Summary modelOff =
        new CacheModel(model, zipf, rate, delays, false, ttl).run(warmup, measured, perBin);
    // The engine starts platforms with a cached answer first: a cached FOUND answers at once.
    CacheModel.Summary modelOn =
        new CacheModel(model, zipf, rate, delays, true, ttl)
            .cacheFirst()
            .run(warmup, measured, perBin);

    report.heading("Target 5: result cache on vs off (repeated addresses, Zipf)");
    int distinct =
        (int) java.util.stream.LongStream.range(0, total).map(zipf::rank).distinct().count();
    report.line(
        "Two server JVMs over the same simulated platforms (the target-4 mix, catalog `mix-repeat`:"
            + " an address's answers are fixed, each call draws its own latency), one with the"
            + " server's result cache in front of every platform (`CachingChecker` over one shared"
            + " `ResultCache`, TTL "
            + t5Ttl
            + " for FOUND and NOT_FOUND, at most "
            + maxEntries
            + " entries), one without. One open loop sends each address to both at the same moment,"
            + " "
            + Report.fmt(rate)
            + " addresses/s, strategy "
            + strategyName
            + ". Addresses: a Zipf stream (exponent "
            + t5Exponent
            + ") over a population of "
            + t5Population
            + " (seed "
            + seed
            + "; the most popular address is "
            + Report.pct(zipf.probability(1))
            + " of the requests); "
            + warmup
            + " warm-up arrivals (JIT and cache), then "
            + measured
            + " measured; "
            + distinct
            + " distinct addresses in all "
            + total
            + ". *Platform calls* = calls that reached a platform, counted in each server"
            + " below the cache (`CallCounter`) while the measured arrivals were sent and"
            + " answered (it also counts the later calls of the last warm-up requests, a few per"
            + " thousand). *Hit rate* = 1 − platform calls ÷ checks the engine started. *From"
            + " cache alone* = requests whose every started check was answered by the cache"
            + " (detail `cached ...` in the response). *Model* = the same stream replayed with"
            + " zero overhead (`CacheModel`).");
    report.line("");
    Map<String, Map<String, Long>> windows = Map.of("cache off", windowOff, "cache on", windowOn);
    Map<String, CacheModel.Summary> models = Map.of("cache off", modelOff, "cache on", modelOn);
    double callsOff = windowOff.getOrDefault("platformCalls", 0L) / (double) measured;
    double callsOn = windowOn.getOrDefault("platformCalls", 0L) / (double) measured;
    double saved = 1 - callsOn / callsOff;
    double hitRateOn =
        1
            - windowOn.getOrDefault("platformCalls", 0L)
                / (double) Math.max(1, windowOn.getOrDefault("checksStarted", 0L));
    List<List<String>> rows = new ArrayList<>();
    for (LoadGenerator.Result r : results) {
      CacheModel.Summary m = models.get(r.name());
      Map<String, Long> w = windows.get(r.name());
      double calls = w.getOrDefault("platformCalls", 0L) / (double) measured;
      double hitRate =
          1
              - w.getOrDefault("platformCalls", 0L)
                  / (double) Math.max(1, w.getOrDefault("checksStarted", 0L));
      rows.add(
          List.of(
              r.name(),
              Report.fmt(r.millis(50)),
              Report.fmt(r.millis(90)),
              Report.fmt(r.millis(99)),
              Report.fmt(r.millis(99.9)),
              Report.fmt(r.maxMillis()),
              Report.fmt(calls),
              Report.pct(hitRate),
              Report.pct(calls / callsOff),
              Report.pct(r.noCallShare()),
              String.format(Locale.ROOT, "%.3f×", r.millis(50) / rOff.millis(50)),
              String.format(Locale.ROOT, "%.3f×", r.millis(99) / rOff.millis(99)),
              millis(m.p50Nanos())
                  + " / "
                  + millis(m.p99Nanos())
                  + " / "
                  + Report.fmt(m.callsPerRequest())
                  + " / "
                  + Report.pct(m.hitRate()),
              errorsOf(r)));
    }
    report.table(
        List.of(
            "lane",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "platform calls/request",
            "hit rate",
            "calls ÷ off",
            "from cache alone",
            "p50 ÷ off",
            "p99 ÷ off",
            "model p50 / p99 ms / calls / hit rate",
            "errors"),
        rows);
    report.line(
        "Calls saved by the cache: **"
            + Report.pct(saved)
            + "** ("
            + Report.fmt(callsOff)
            + " → "
            + Report.fmt(callsOn)
            + " platform calls per request; model "
            + Report.pct(1 - modelOn.callsPerRequest() / modelOff.callsPerRequest())
            + "). Answers that made no platform call ("
            + fromCacheElapsed.getTotalCount()
            + "): server time (`elapsed`) p50 "
            + Report.fmt(Histograms.millis(fromCacheElapsed, 50))
            + " ms, p99 "
            + Report.fmt(Histograms.millis(fromCacheElapsed, 99))
            + " ms; the rest of the client-side figure is gRPC, thread wake-ups in three JVMs on"
            + " this machine, and the open loop's timer.");
    report.line("");

    report.line(
        "Counting, measured window (per measured request): checks the engine started (what"
            + " `socialcheck_checks_started_total` counts) and platform calls, each from the"
            + " server's counters and from the responses (checks started = results not SKIPPED;"
            + " calls = those minus the results marked `cached`). *At once*: calls cancelled"
            + " within 1 ms of their start — the engine called the platform for a run that had"
            + " already answered. *Duplicate in flight*: a call made while another one for the"
            + " same platform and address was still running (concurrent misses are not"
            + " coalesced). *Repeat*: a call for a platform and address called before, none in"
            + " flight (the earlier call was cancelled or timed out, so nothing was stored, or it"
            + " expired). Both counts: measured window / whole run. *Learned*: what the engine's"
            + " per-platform statistics (used by ADAPTIVE and ListPlatforms) hold for facebook at"
            + " the end.");
    report.line("");
    List<List<String>> serverRows = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      LoadGenerator.Result r = results.get(i);
      Map<String, Long> w = i == 0 ? windowOff : windowOn;
      Map<String, Long> st = i == 0 ? statsOff : statsOn;
      Map<String, String> learned = i == 0 ? learnedOff : learnedOn;
      serverRows.add(
          List.of(
              r.name(),
              Report.fmt(w.getOrDefault("checksStarted", 0L) / (double) measured)
                  + " / "
                  + Report.fmt(r.callsPerRequest()),
              Report.fmt(w.getOrDefault("platformCalls", 0L) / (double) measured)
                  + " / "
                  + Report.fmt(r.platformCallsPerRequest()),
              Report.fmt(w.getOrDefault("platformCallsCancelled", 0L) / (double) measured),
              Report.fmt(w.getOrDefault("platformCallsCancelledAtOnce", 0L) / (double) measured),
              w.getOrDefault("duplicateCallsInFlight", 0L)
                  + " / "
                  + st.getOrDefault("duplicateCallsInFlight", -1L),
              w.getOrDefault("repeatCalls", 0L) + " / " + st.getOrDefault("repeatCalls", -1L),
              String.valueOf(st.getOrDefault("cacheSize", 0L)),
              learned.getOrDefault("facebook.samples", "?")
                  + " / "
                  + Report.fmt(Long.parseLong(learned.getOrDefault("facebook.p50us", "-1")) / 1e3)
                  + " / "
                  + Report.fmt(
                      Long.parseLong(learned.getOrDefault("facebook.p95us", "-1")) / 1e3)));
    }
    report.table(
        List.of(
            "server",
            "checks started: server / responses",
            "platform calls: server / responses",
            "calls cancelled",
            "of which at once",
            "duplicate in flight",
            "repeat",
            "cache entries",
            "learned facebook samples / p50 ms / p95 ms"),
        serverRows);
    List<List<String>> platformRows = new ArrayList<>();
    for (int p = 0; p < MixModel.PLATFORMS.size(); p++) {
      String id = MixModel.PLATFORMS.get(p).id();
      platformRows.add(
          List.of(
              id,
              Report.fmt(windowOff.getOrDefault("calls." + id, 0L) / (double) measured),
              Report.fmt(windowOn.getOrDefault("calls." + id, 0L) / (double) measured),
              Report.fmt(modelOn.callsPerPlatform()[p]),
              Report.fmt(windowOn.getOrDefault("atOnce." + id, 0L) / (double) measured)));
    }
    report.line("Platform calls per measured request, by platform:");
    report.line("");
    report.table(
        List.of(
            "platform", "cache off", "cache on", "cache on, model", "cache on: of which at once"),
        platformRows);
    report.line(
        "Privacy: "
            + keys.getOrDefault("entries", "?")
            + " cache entries read from the cache itself (reflection on `ResultCache.cache`): "
            + keys.getOrDefault("wellFormed", "?")
            + " keys of the form `platform:<64 hex>`, "
            + keys.getOrDefault("withAddressPart", "?")
            + " keys or values containing `@`, the domain or a local part; "
            + keys.getOrDefault("hashOfPopulationAddress", "?")
            + " keys are the SHA-256 of an address of the population (recomputed from the "
            + t5Population
            + " candidates: a hash hides a guessable address only from who cannot list the"
            + " candidates). Response details containing `@` or the domain: "
            + detailsWithAddress.sum()
            + "; server log lines containing them: "
            + logLinesWithAddress
            + ". Sample entry: `"
            + keys.getOrDefault("sampleKey", "?")
            + "` → `"
            + java.net.URLDecoder.decode(
                keys.getOrDefault("sampleValue", "?"), java.nio.charset.StandardCharsets.UTF_8)
            + "`.");
    report.line("");

    // Other exponents, model only.
    List<List<String>> modelRows = new ArrayList<>();
    for (double exponent : List.of(0.8, 1.0, 1.1, 1.2)) {
      ZipfAddresses other = new ZipfAddresses(t5Population, exponent, seed);
      CacheModel.Summary mOff =
          new CacheModel(model, other, rate, delays, false, ttl).run(warmup, measured, perBin);
      CacheModel.Summary mOn =
          new CacheModel(model, other, rate, delays, true, ttl)
              .cacheFirst()
              .run(warmup, measured, perBin);
      CacheModel.Summary mFirst =
          new CacheModel(model, other, rate, delays, true, ttl).run(warmup, measured, perBin);
      modelRows.add(
          List.of(
              Report.fmt(exponent) + (exponent == t5Exponent ? " (measured above)" : ""),
              Report.fmt(mOff.callsPerRequest()),
              Report.fmt(mOn.callsPerRequest()),
              Report.pct(1 - mOn.callsPerRequest() / mOff.callsPerRequest()),
              Report.pct(mOn.hitRate()),
              millis(mOff.p50Nanos()) + " → " + millis(mOn.p50Nanos()),
              millis(mOff.p99Nanos()) + " → " + millis(mOn.p99Nanos()),
              Report.fmt(mFirst.callsPerRequest())
                  + " / "
                  + Report.pct(1 - mFirst.callsPerRequest() / mOff.callsPerRequest())
                  + " / "
                  + millis(mFirst.p99Nanos())));
      if (exponent == t5Exponent) {
        report.figure("t5.model.inOrder.calls", mFirst.callsPerRequest());
        report.figure("t5.model.inOrder.p99ms", mFirst.p99Nanos() / 1e6);
      }
    }
    report.line(
        "Model only, the same run for other Zipf exponents (population, arrivals and windows as"
            + " above). The engine starts the platforms with a cached answer first, so a cached"
            + " FOUND answers before any call; *without cache first* is the engine before that"
            + " change (platforms in their planned order, a cache hit answering when its turn"
            + " comes).");
    report.line("");
    report.table(
        List.of(
            "exponent",
            "calls/request off",
            "calls/request on",
            "calls saved",
            "hit rate",
            "p50 ms off → on",
            "p99 ms off → on",
            "without cache first: calls/request / saved / p99 ms"),
        modelRows);

    report.figure("t5.off.calls", callsOff);
    report.figure("t5.on.calls", callsOn);
    report.figure("t5.callsSaved", saved);
    report.figure("t5.on.hitRate", hitRateOn);
    report.figure("t5.off.responses.calls", rOff.platformCallsPerRequest());
    report.figure("t5.on.responses.calls", rOn.platformCallsPerRequest());
    report.figure(
        "t5.on.callsCancelledAtOnce",
        windowOn.getOrDefault("platformCallsCancelledAtOnce", 0L) / (double) measured);
    report.figure("t5.on.noCallShare", rOn.noCallShare());
    report.figure("t5.off.p50ms", rOff.millis(50));
    report.figure("t5.on.p50ms", rOn.millis(50));
    report.figure("t5.off.p99ms", rOff.millis(99));
    report.figure("t5.on.p99ms", rOn.millis(99));
    report.figure("t5.p50.ratio", rOn.millis(50) / rOff.millis(50));
    report.figure("t5.p99.ratio", rOn.millis(99) / rOff.millis(99));
    report.figure("t5.model.off.calls", modelOff.callsPerRequest());
    report.figure("t5.model.on.calls", modelOn.callsPerRequest());
    report.figure("t5.model.on.hitRate", modelOn.hitRate());
    report.figure(
        "t5.on.duplicateCallsInFlight.window",
        windowOn.getOrDefault("duplicateCallsInFlight", -1L));
    report.figure(
        "t5.on.duplicateCallsInFlight", statsOn.getOrDefault("duplicateCallsInFlight", -1L));
    report.figure("t5.on.repeatCalls.window", windowOn.getOrDefault("repeatCalls", -1L));
    report.figure(
        "t5.on.engineChecks", windowOn.getOrDefault("checksStarted", 0L) / (double) measured);
    report.figure("t5.privacy.keysWithAddressPart", keys.getOrDefault("withAddressPart", "?"));
    report.figure("t5.privacy.detailsWithAddress", detailsWithAddress.sum());
    report.figure("t5.privacy.logLinesWithAddress", logLinesWithAddress);
    report.figure("t5.learned.off.facebook.p50us", learnedOff.getOrDefault("facebook.p50us", "?"));
    report.figure("t5.learned.on.facebook.p50us", learnedOn.getOrDefault("facebook.p50us", "?"));
    report.figure("t5.on.fromCache.serverP50ms", Histograms.millis(fromCacheElapsed, 50));
    report.figure("t5.errors", rOff.errorCount() + rOn.errorCount());
    System.out.printf(
        Locale.ROOT,
        "t5 calls/request off %.2f on %.2f (saved %.0f %%), hit rate %.0f %%, p50 %.1f -> %.1f ms,"
            + " p99 %.0f -> %.0f ms%n",
        callsOff,
        callsOn,
        saved * 100,
        hitRateOn * 100,
        rOff.millis(50),
        rOn.millis(50),
        rOff.millis(99),
        rOn.millis(99));

    // Plots: calls per request and hit rate over time; latency CDF.
    List<double[]> offCalls = new ArrayList<>();
    List<double[]> onCalls = new ArrayList<>();
    List<double[]> modelCalls = new ArrayList<>();
    List<double[]> onHits = new ArrayList<>();
    List<double[]> modelHits = new ArrayList<>();
    for (int b = 0; b < modelOn.callsPerBin().length; b++) {
      double t = (b + 0.5) * perBin / rate;
      modelCalls.add(new double[] {t, modelOn.callsPerBin()[b]});
      modelHits.add(new double[] {t, 100 * modelOn.hitRatePerBin()[b]});
    }
    // Measured: counter deltas between samples; calls per run started in the interval.
    long t0 = series.isEmpty() ? 0 : series.get(0).get(0).get("t");
    for (int k = 1; k < series.size(); k++) {
      List<Map<String, Long>> a = series.get(k - 1);
      List<Map<String, Long>> b = series.get(k);
      double t = ((a.get(0).get("t") + b.get(0).get("t")) / 2.0 - t0) / 1e9;
      Map<String, Long> dOff = delta(a.get(1), b.get(1));
      Map<String, Long> dOn = delta(a.get(2), b.get(2));
      long runs = dOn.getOrDefault("runsStarted", 0L);
      if (runs < perBin / 10 || dOff.getOrDefault("runsStarted", 0L) < perBin / 10) {
        continue; // The drain at the end: too few runs for a figure.
      }
      offCalls.add(
          new double[] {
            t,
            dOff.getOrDefault("platformCalls", 0L) / (double) dOff.getOrDefault("runsStarted", 1L)
          });
      onCalls.add(new double[] {t, dOn.getOrDefault("platformCalls", 0L) / (double) runs});
      onHits.add(
          new double[] {
            t,
            100
                * (1
                    - dOn.getOrDefault("platformCalls", 0L)
                        / (double) Math.max(1, dOn.getOrDefault("checksStarted", 0L)))
          });
    }
    String binText = Report.fmt(perBin / rate) + " s bins";
    plot(
        () ->
            Charts.stacked(
                out.resolve("t5-cache-over-time.png"),
                "Target 5: cache on vs off, Zipf "
                    + t5Exponent
                    + " over "
                    + t5Population
                    + " addresses, "
                    + strategyName,
                "seconds since the first arrival (" + binText + ")",
                List.of(
                    new Charts.Panel(
                        "platform calls per request",
                        List.of(
                            new Charts.Line("cache off", offCalls, true),
                            new Charts.Line("cache on", onCalls, true),
                            new Charts.Line("model: calls, cache on", modelCalls, false))),
                    new Charts.Panel(
                        "cache hit rate (%)",
                        List.of(
                            new Charts.Line("hit rate (1 − calls ÷ checks started)", onHits, true),
                            new Charts.Line("model: hit rate", modelHits, false)))),
                warmup / rate,
                " measured from here"),
        "t5-cache-over-time.png");
    Map<String, Histogram> cdf = new LinkedHashMap<>();
    cdf.put("cache off", rOff.latency());
    cdf.put("cache on", rOn.latency());
    plot(
        () ->
            Charts.cdf(
                out.resolve("t5-cache-latency-cdf.png"),
                "Target 5: latency CDF, cache on vs off (" + strategyName + ")",
                cdf),
        "t5-cache-latency-cdf.png");
  }

  private static Map<String, Long> statsOrEmpty(ServerProcess server) {
    try {
      return server.stats(false);
    } catch (IOException | InterruptedException e) {
      return Map.of();
    }
  }

  /** {@code after − before} for every counter of {@code after}. */
  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new LinkedHashMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
    return d;
  }

  private static LoadGenerator.Lane zipfLane(
      String name,
      ZipfAddresses addresses,
      boolean race,
      long hedgeNanos,
      java.util.function.Consumer<HasSocialAccountResponse> inspector) {
    LoadGenerator.Lane template =
        race
            ? mixLane(name, Strategy.STRATEGY_RACE, -1)
            : mixLane(name, Strategy.STRATEGY_HEDGED, hedgeNanos);
    return new LoadGenerator.Lane(
        name,
        n -> template.requests.apply(n).toBuilder().setEmail(addresses.address(n)).build(),
        inspector);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  private ServerProcess server(String name, List<String> args)
      throws IOException, InterruptedException {
    return new ServerProcess(name, serverFlags(name), args, out.resolve(name + ".log"));
  }

  private List<String> serverFlags(String name) {
    List<String> flags = new ArrayList<>(SERVER_JVM_FLAGS);
    if (jfr) {
      flags.add(
          "-XX:StartFlightRecording=filename="
              + out.resolve(name + ".jfr").toAbsolutePath()
              + ",settings=profile,dumponexit=true");
    }
    return flags;
  }

  /** Samples a server's stats every 250 ms on a daemon thread, keeping min and max. */
  private static final class Sampler {
    private final ServerProcess server;
    private final Map<String, Long> min = new LinkedHashMap<>();
    private final Map<String, Long> max = new LinkedHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final StringBuilder series = new StringBuilder();
    private long startedNanos;
    private long lastSeriesSecond = -1;
    private @Nullable Thread thread;

    Sampler(ServerProcess server) {
      this.server = server;
    }

    void start() {
      startedNanos = System.nanoTime();
      running.set(true);
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  sampleOnce();
                  try {
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "sampler");
      t.setDaemon(true);
      thread = t;
      t.start();
    }

    private void sampleOnce() {
      try {
        Map<String, Long> stats = server.stats(false);
        synchronized (this) {
          stats.forEach(
              (k, v) -> {
                min.merge(k, v, Math::min);
                max.merge(k, v, Math::max);
              });
          long second = (System.nanoTime() - startedNanos) / 1_000_000_000L;
          if (second != lastSeriesSecond) {
            lastSeriesSecond = second;
            series.append(
                String.format(
                    Locale.ROOT,
                    "t=%2ds runs=%5d checks=%5d heapUsed=%.0fMiB threads=%d%n",
                    second,
                    stats.get("runsInFlight"),
                    stats.get("checksInFlight"),
                    stats.get("heapUsed") / 1048576.0,
                    stats.get("threads")));
          }
        }
      } catch (IOException | InterruptedException e) {
        running.set(false);
      }
    }

    void stop() {
      running.set(false);
      Thread t = thread;
      if (t != null) {
        try {
          t.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      sampleOnce();
    }

    synchronized String series() {
      return series.toString().stripTrailing();
    }

    synchronized long min(String key) {
      return min.getOrDefault(key, -1L);
    }

    synchronized long max(String key) {
      return max.getOrDefault(key, -1L);
    }
  }

  private static long cpuNanos(ServerProcess server) {
    try {
      return server.stats(false).get("cpuNanos");
    } catch (IOException | InterruptedException e) {
      return 0;
    }
  }

  /** Writes a plot; a failure (e.g. no fonts) is reported, never fatal. */
  private void plot(PlotAction action, String name) {
    try {
      action.run();
      report.line("");
      report.line("Plot: `" + out.resolve(name) + "`");
    } catch (IOException | RuntimeException | Error e) {
      report.line("");
      report.line("Plot " + name + " not written: " + e);
    }
  }

  private interface PlotAction {
    void run() throws IOException;
  }

  private static long toNanos(com.google.protobuf.Duration d) {
    return d.getSeconds() * 1_000_000_000L + d.getNanos();
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  private static String millis(long nanos) {
    return Report.fmt(nanos / 1e6);
  }

  private static double median(java.util.stream.Stream<Double> values) {
    double[] sorted = values.mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String spread(List<Double> ratios, boolean percent) {
    double med = median(ratios.stream());
    double lo = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double hi = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    if (!percent) {
      return Report.fmt(med) + " [" + Report.fmt(lo) + "–" + Report.fmt(hi) + "]";
    }
    return Report.pct(med) + " [" + Report.pct(lo) + "–" + Report.pct(hi) + "]";
  }

  private static String errors(List<LoadGenerator.Result> results) {
    Map<String, Long> all = new LinkedHashMap<>();
    results.forEach(r -> r.errors().forEach((k, v) -> all.merge(k, v, Long::sum)));
    return all.isEmpty() ? "0" : all.toString();
  }

  private static String errorsOf(LoadGenerator.Result r) {
    return r.errors().isEmpty() ? "0" : r.errors().toString();
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static String machine() {
    Runtime rt = Runtime.getRuntime();
    String cpu = "n/a";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .findFirst()
              .map(l -> l.replaceFirst(".*:\\s*", ""))
              .orElse("n/a");
    } catch (IOException e) {
      // Not Linux.
    }
    return rt.availableProcessors()
        + " CPUs ("
        + cpu
        + "), "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + System.getProperty("java.vm.version")
        + " ("
        + System.getProperty("java.vm.vendor")
        + ")";
  }
}
