package dev.socialcheck.bench;

import static dev.socialcheck.bench.BenchRun.CONNECTIONS;
import static dev.socialcheck.bench.BenchRun.DEADLINE;
import static dev.socialcheck.bench.BenchRun.cpuNanos;
import static dev.socialcheck.bench.BenchRun.errors;
import static dev.socialcheck.bench.BenchRun.median;
import static dev.socialcheck.bench.BenchRun.seconds;
import static dev.socialcheck.bench.BenchRun.spread;

import dev.socialcheck.bench.LoadGenerator.Window;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Target 1: engine overhead against the echo baseline, at concurrency 1 to 256. */
final class EngineOverheadTarget implements BenchTarget {
  /** Key of the best {@code instant-demo} throughput, shared with target 2. */
  static final String BEST_THROUGHPUT = "t1.instant-demo.best.rps";

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "Target 1 rounds (default 3; 1 with --quick).")
  @Nullable Integer rounds;

  @Override
  public String name() {
    return "t1";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    int rounds = this.rounds != null ? this.rounds : run.quick ? 1 : 3;
    List<Integer> concurrencies = run.quick ? List.of(16) : List.of(1, 16, 64, 256);
    Duration warmup = seconds(run.quick ? 0.5 : 1);
    Duration measure = seconds(run.quick ? 1 : 2);
    List<String> names = List.of("echo", "instant-demo", "instant");
    Map<String, ServerProcess> servers = new LinkedHashMap<>();
    Map<String, LoadGenerator> loads = new LinkedHashMap<>();
    try {
      servers.put("echo", run.server("t1-echo", List.of("--service", "echo")));
      servers.put(
          "instant-demo", run.server("t1-instant-demo", List.of("--catalog", "instant-demo")));
      servers.put("instant", run.server("t1-instant", List.of("--catalog", "instant")));
      for (String name : names) {
        loads.put(name, new LoadGenerator(servers.get(name).port(), CONNECTIONS));
      }
      // JIT warm-up of each server (and of the client paths), not measured.
      for (String name : names) {
        loads
            .get(name)
            .closedLoop(
                Lanes.simple(name),
                64,
                seconds(run.quick ? 1 : 4),
                seconds(0.5),
                DEADLINE,
                Window.NONE);
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
                        Lanes.simple(name),
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
      writeTargetOne(run, rounds, concurrencies, names, results, cpuPerCall);
    } finally {
      for (LoadGenerator load : loads.values()) {
        load.close();
      }
      for (ServerProcess server : servers.values()) {
        server.close();
      }
    }
  }

  private static void writeTargetOne(
      BenchRun run,
      int rounds,
      List<Integer> concurrencies,
      List<String> names,
      Map<String, Map<Integer, List<LoadGenerator.Result>>> results,
      Map<String, Map<Integer, List<Double>>> cpuPerCall)
      throws IOException {
    run.report.heading(
        "Target 1: engine overhead (HasSocialAccount over 3 instant platforms vs echo)");
    run.report.line(
        "Closed loop, same generator, same transport settings; the three servers run side by side"
            + " and are measured in turn (order rotated each round), "
            + rounds
            + " round(s). Ratio = engine calls/s ÷ echo calls/s in the same round; shown as median"
            + " [min–max] over rounds. `instant-demo`: the demo's answers (facebook FOUND first:"
            + " the run is decided while it launches facebook; the other two checkers are still"
            + " called, then reported as cancelled); `instant`: all three"
            + " NOT_FOUND (every check runs to its end). CPU µs/call = server process CPU time"
            + " over the window ÷ calls.");
    run.report.line("");
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
          run.report.figure("t1." + name + ".c" + c + ".ratio", median(ratios.stream()));
          run.report.figure("t1." + name + ".c" + c + ".ratio.min", Collections.min(ratios));
          run.report.figure("t1." + name + ".c" + c + ".ratio.max", Collections.max(ratios));
          run.report.figure(
              "t1." + name + ".c" + c + ".cpuPerCallRatio",
              median(cpuPerCall.get(name).get(c).stream())
                  / median(cpuPerCall.get("echo").get(c).stream()));
        }
        run.report.figure(
            "t1." + name + ".c" + c + ".rps",
            median(rs.stream().map(LoadGenerator.Result::throughput)));
      }
    }
    run.report.table(
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
    double best =
        concurrencies.stream()
            .mapToDouble(
                c ->
                    median(
                        results.get("instant-demo").get(c).stream()
                            .map(LoadGenerator.Result::throughput)))
            .max()
            .orElse(Double.NaN);
    run.report.figure(BEST_THROUGHPUT, best);
    run.share(BEST_THROUGHPUT, best);
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
}
