package dev.socialcheck.bench;

import static dev.socialcheck.bench.BenchRun.CONNECTIONS;
import static dev.socialcheck.bench.BenchRun.DEADLINE;
import static dev.socialcheck.bench.BenchRun.errorsOf;
import static dev.socialcheck.bench.BenchRun.seconds;
import static dev.socialcheck.bench.BenchRun.toNanos;
import static java.util.Objects.requireNonNull;

import dev.socialcheck.bench.LoadGenerator.Window;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Target 3: early answer and early cancellation, with server-side timestamps. */
final class EarlyAnswerTarget implements BenchTarget {
  @Option(
      names = "--t3-executor",
      paramLabel = "pool|direct",
      description =
          "What-if for target 3: `direct` runs the server without the gRPC executor hop (default"
              + " pool, the shipped setting).")
  String t3Executor = "pool";

  @Override
  public String name() {
    return "t3";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    run.report.heading(
        "Target 3: early answer (demo scenario, time scale 0.1)"
            + (t3Executor.equals("direct")
                ? " — WHAT-IF: server executor = directExecutor (not the shipped setting)"
                : ""));
    run.report.line(
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
    run.report.line("");
    List<List<String>> rows = new ArrayList<>();
    try (ServerProcess server =
            run.server(
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
          seconds(run.quick ? 1 : 3),
          seconds(0.5),
          DEADLINE,
          Window.NONE);
      for (int c : run.quick ? List.of(20) : List.of(10, 200)) {
        server.command("timeline"); // Reset.
        Histogram engineAnswer = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram engineCancel = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        LoadGenerator.Result r =
            load.closedLoop(
                demoLane("demo", sequence, engineAnswer, engineCancel),
                c,
                seconds(run.quick ? 0.5 : 1),
                seconds(run.quick ? 1 : 5),
                DEADLINE,
                Window.NONE);
        Map<String, String> timeline = ServerProcess.parsePairs(server.command("timeline"));
        Histogram answer = Histograms.decode(requireNonNull(timeline.get("foundToAnswer")));
        Histogram cancel = Histograms.decode(requireNonNull(timeline.get("foundToCancel")));
        Histogram afterAnswer = Histograms.decode(requireNonNull(timeline.get("answerToCancel")));
        Histogram dispatch = Histograms.decode(requireNonNull(timeline.get("dispatchDelay")));
        rows.add(row(c, r, "found→answer (server)", answer, timeline));
        rows.add(row(c, r, "found→cancel (server)", cancel, timeline));
        rows.add(row(c, r, "answer→cancel (server)", afterAnswer, timeline));
        rows.add(row(c, r, "elapsed − found latency (response)", engineAnswer, timeline));
        rows.add(row(c, r, "cancelled − found latency (response)", engineCancel, timeline));
        rows.add(row(c, r, "gRPC executor dispatch delay (server)", dispatch, timeline));
        run.report.figure("t3.c" + c + ".foundToAnswer.p50ms", Histograms.millis(answer, 50));
        run.report.figure("t3.c" + c + ".engine.p99ms", Histograms.millis(engineAnswer, 99));
        run.report.figure("t3.c" + c + ".dispatch.p99ms", Histograms.millis(dispatch, 99));
        run.report.figure("t3.c" + c + ".foundToAnswer.p99ms", Histograms.millis(answer, 99));
        run.report.figure("t3.c" + c + ".foundToCancel.p99ms", Histograms.millis(cancel, 99));
        run.report.figure("t3.c" + c + ".answerToCancel.p99ms", Histograms.millis(afterAnswer, 99));
        run.report.figure("t3.c" + c + ".client.p50ms", r.millis(50));
        run.report.figure("t3.c" + c + ".client.p99ms", r.millis(99));
        run.report.figure("t3.c" + c + ".rps", r.throughput());
        System.out.printf(
            Locale.ROOT,
            "t3 c=%d %s; found->answer p99 %.3f ms; found->cancel p99 %.3f ms%n",
            c,
            timeline.keySet(),
            Histograms.millis(answer, 99),
            Histograms.millis(cancel, 99));
      }
    }
    run.report.table(
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
            : (request, response) -> inspectDemo(response, answerGap, cancelGap));
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
}
