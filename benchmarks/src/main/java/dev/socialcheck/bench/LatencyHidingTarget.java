package dev.socialcheck.bench;

import static dev.socialcheck.bench.BenchRun.CONNECTIONS;
import static dev.socialcheck.bench.BenchRun.DEADLINE;
import static dev.socialcheck.bench.BenchRun.cpuNanos;
import static dev.socialcheck.bench.BenchRun.errorsOf;
import static dev.socialcheck.bench.BenchRun.seconds;
import static java.util.Objects.requireNonNull;

import dev.socialcheck.bench.LoadGenerator.Window;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Target 2: latency hiding, threads, heap. */
final class LatencyHidingTarget implements BenchTarget {
  /**
   * The servers' in-flight limit: above the 10,000 calls this target holds (the production default,
   * 1,000, would shed the rest: that is load shedding's job, not what this target measures).
   */
  private static final String MAX_IN_FLIGHT = "20000";

  @Override
  public String name() {
    return "t2";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    List<Integer> concurrencies = run.quick ? List.of(100) : List.of(10, 100, 1000, 10_000);
    List<List<String>> rows = new ArrayList<>();
    List<double[]> measured = new ArrayList<>();
    List<double[]> bound = new ArrayList<>();
    try (ServerProcess server =
            run.server(
                "t2-slow100", List.of("--catalog", "slow", "--max-in-flight", MAX_IN_FLIGHT));
        LoadGenerator load = new LoadGenerator(server.port(), CONNECTIONS)) {
      load.closedLoop(
          Lanes.simple("warm-up"),
          500,
          seconds(run.quick ? 1 : 3),
          seconds(0.5),
          DEADLINE,
          Window.NONE);
      for (int c : concurrencies) {
        ServerSampler sampler = new ServerSampler(server);
        long[] cpu = new long[2];
        LoadGenerator.Result r =
            load.closedLoop(
                Lanes.simple("slow"),
                c,
                seconds(run.quick ? 1 : (c >= 10_000 ? 3 : 2)),
                seconds(run.quick ? 1 : 5),
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
        run.report.figure("t2.c" + c + ".rps", r.throughput());
        run.report.figure("t2.c" + c + ".threads.max", (double) sampler.max("threads"));
        run.report.figure("t2.c" + c + ".threads.min", (double) sampler.min("threads"));
        run.report.figure("t2.c" + c + ".p50ms", r.millis(50));
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
    run.report.heading("Target 2: latency hiding (3 platforms × 100 ms, all NOT_FOUND)");
    double t1EngineThroughput = run.shared(EngineOverheadTarget.BEST_THROUGHPUT);
    double target = Math.min(10_000, t1EngineThroughput);
    run.report.line(
        "Closed loop; every call waits for all three 100 ms checks, so the Little's-law bound is"
            + " concurrency ÷ 0.1 s. Threads and checks in flight are sampled in the server JVM"
            + " every 250 ms during the window (ThreadMXBean, engine stats). The target at"
            + " concurrency 1,000 is 80 % of min(10,000, target 1's best instant-demo figure = "
            + Report.fmt(t1EngineThroughput)
            + ") = "
            + Report.fmt(0.8 * target)
            + " calls/s.");
    run.report.line("");
    run.report.table(
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
    run.report.figure("t2.target.rps", 0.8 * target);
    run.plot(
        () ->
            Charts.lines(
                run.out.resolve("t2-latency-hiding.png"),
                "Target 2: 3 × 100 ms platforms, throughput vs concurrency",
                "concurrency (log scale)",
                "calls/s (log scale)",
                List.of(
                    new Charts.Line("measured", measured, true),
                    new Charts.Line("Little's-law bound (c / 0.1 s)", bound, false)),
                true),
        "t2-latency-hiding.png");
    if (!run.quick) {
      tenThousandInFlight(run);
    }
  }

  /** 10,000 calls held in flight for seconds (5 s platforms): 30,000 checks in a 512 MiB heap. */
  private static void tenThousandInFlight(BenchRun run) throws Exception {
    try (ServerProcess server =
            run.server(
                "t2-hold5s",
                List.of(
                    "--catalog",
                    "slow",
                    "--latency-ms",
                    "5000",
                    "--max-in-flight",
                    MAX_IN_FLIGHT));
        LoadGenerator load = new LoadGenerator(server.port(), CONNECTIONS)) {
      ServerSampler sampler = new ServerSampler(server);
      AtomicReference<Map<String, Long>> live = new AtomicReference<>(Map.of());
      Thread liveHeap =
          new Thread(
              () -> {
                try {
                  // Mid-hold: once all 30,000 checks are in flight (or 4.5 s after the first
                  // call, before the first answers at 5 s), read the live heap after a full GC.
                  long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4_500);
                  while (System.nanoTime() < giveUp
                      && requireNonNull(server.stats(false).get("checksInFlight")) < 30_000) {
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
              Lanes.simple("hold"),
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
      Map<String, Long> heap = requireNonNull(live.get(), "no live heap sample");
      run.report.heading("Target 2: 10,000 concurrent calls in a 512 MiB heap (3 platforms × 5 s)");
      run.report.line(
          "Closed loop of 10,000 calls over 3 platforms answering NOT_FOUND after 5 s, so every"
              + " call holds its three checks in flight for 5 s; 12 s window from the first call."
              + " Server JVM: `-Xmx512m`. The live heap is read after a full GC (`System.gc()` in"
              + " the server) as soon as all 30,000 checks are in flight (at the latest 4.5 s after the"
              + " first call, before the first answers).");
      run.report.line("");
      run.report.table(
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
      run.report.line("Ramp (server samples, time since the first call: runs / checks in flight):");
      run.report.line("");
      run.report.line("```");
      run.report.line(sampler.series());
      run.report.line("```");
      run.report.figure("t2.hold.checksInFlight.max", (double) sampler.max("checksInFlight"));
      run.report.figure("t2.hold.liveHeapMiB", heap.getOrDefault("heapUsed", -1L) / 1048576.0);
      run.report.figure("t2.hold.liveChecksInFlight", heap.getOrDefault("checksInFlight", -1L));
      run.report.figure("t2.hold.heapMaxMiB", sampler.max("heapUsed") / 1048576.0);
      run.report.figure("t2.hold.threads.max", (double) sampler.max("threads"));
      run.report.figure("t2.hold.errors", (double) r.errorCount());
    }
  }
}
