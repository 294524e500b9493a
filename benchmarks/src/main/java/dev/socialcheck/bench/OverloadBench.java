package dev.socialcheck.bench;

import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Overload benchmark of the concurrency limit (issue 21): a platform whose capacity halves in the
 * middle of the run (its service time doubles), steady arrivals above the new capacity, and the
 * same load against three servers in turn: the default fixed limit (1000), a fixed limit tuned for
 * normal conditions, and the adaptive limit (ceiling 1000). Per second: goodput (answers within the
 * deadline), accepted-call latency, shed calls, calls past their deadline; after the slowdown: the
 * time until the server settles (goodput at least 90 % of the new capacity and accepted p99 at most
 * four service times, every second from then on).
 *
 * <p>Run: {@code java -cp ... dev.socialcheck.bench.BenchMain overload [--out DIR] [--quick]}.
 * Writes {@code overload.md} under the output folder and prints it.
 */
final class OverloadBench {
  private static final int WORKERS = 16;
  private static final long SERVICE_MS = 40; // capacity 400/s, 200/s after the slowdown
  private static final int ARRIVALS_PER_SECOND = 300;
  private static final long DEADLINE_MS = 2000;

  private final Path out;
  private final int seconds;
  private final int slowdownAt;

  private OverloadBench(Path out, boolean quick) {
    this.out = out;
    this.seconds = quick ? 12 : 40;
    this.slowdownAt = quick ? 4 : 10;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of("benchmarks/target/bench");
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out")) {
        out = Path.of(args[++i]);
      } else if (args[i].equals("--quick")) {
        quick = true;
      }
    }
    new OverloadBench(out, quick).run();
  }

  /** One second of the run. */
  private static final class Second {
    final LongAdder ok = new LongAdder();
    final LongAdder shed = new LongAdder();
    final LongAdder late = new LongAdder();
    final LongAdder other = new LongAdder();
    final Histogram latency = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(1), 3);
    volatile long limit = -1;
  }

  private record Lane(String name, String kind, int max) {}

  private void run() throws Exception {
    Files.createDirectories(out);
    List<Lane> lanes =
        List.of(
            new Lane("fixed 1000 (default)", "fixed", 1000),
            new Lane("fixed 40 (tuned for normal load)", "fixed", 40),
            new Lane("adaptive (max 1000)", "adaptive", 1000));
    StringBuilder md = new StringBuilder();
    md.append("# Overload: capacity halves mid-run\n\n")
        .append("- started ")
        .append(Instant.now())
        .append(", load average before: ")
        .append(BenchRun.loadAverage())
        .append('\n')
        .append(
            String.format(
                Locale.ROOT,
                "- platform: %d workers x %d ms (capacity %d/s), service time doubles at t=%d s"
                    + " (capacity %d/s); arrivals %d/s (open loop), deadline %d ms, %d s per lane%n%n",
                WORKERS,
                SERVICE_MS,
                WORKERS * 1000 / SERVICE_MS,
                slowdownAt,
                WORKERS * 1000 / SERVICE_MS / 2,
                ARRIVALS_PER_SECOND,
                DEADLINE_MS,
                seconds));
    md.append(
        "| lane | goodput after (calls/s) | accepted p50 / p99 after (ms) | shed share after |"
            + " past deadline after (calls/s) | settled after (s) | limit at end |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    StringBuilder perSecond = new StringBuilder();
    for (Lane lane : lanes) {
      Second[] timeline = runLane(lane);
      md.append(summarize(lane, timeline));
      perSecond.append("\n### ").append(lane.name()).append("\n\n");
      perSecond.append("| s | ok | shed | late | p99 ms | limit |\n|---|---|---|---|---|---|\n");
      for (int s = 0; s < timeline.length; s++) {
        Second sec = timeline[s];
        perSecond.append(
            String.format(
                Locale.ROOT,
                "| %d | %d | %d | %d | %s | %d |%n",
                s,
                sec.ok.sum(),
                sec.shed.sum(),
                sec.late.sum(),
                sec.latency.getTotalCount() == 0
                    ? "-"
                    : Report.fmt(sec.latency.getValueAtPercentile(99) / 1e6),
                sec.limit));
      }
    }
    md.append("\n- finished ")
        .append(Instant.now())
        .append(", load average after: ")
        .append(BenchRun.loadAverage())
        .append("\n\n## Per second\n")
        .append(perSecond);
    Files.writeString(out.resolve("overload.md"), md);
    System.out.println(md);
  }

  private String summarize(Lane lane, Second[] timeline) {
    long capacityAfter = WORKERS * 1000 / SERVICE_MS / 2;
    Histogram after = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    long ok = 0;
    long shed = 0;
    long late = 0;
    long all = 0;
    int from = slowdownAt + 2; // the first two seconds after the change are the transition
    for (int s = from; s < timeline.length; s++) {
      Second sec = timeline[s];
      after.add(sec.latency);
      ok += sec.ok.sum();
      shed += sec.shed.sum();
      late += sec.late.sum();
      all += sec.ok.sum() + sec.shed.sum() + sec.late.sum() + sec.other.sum();
    }
    int window = timeline.length - from;
    int settled = -1;
    for (int s = timeline.length - 1; s >= slowdownAt; s--) {
      Second sec = timeline[s];
      boolean good =
          sec.ok.sum() >= 0.9 * capacityAfter
              && sec.latency.getTotalCount() > 0
              && sec.latency.getValueAtPercentile(99) <= 4 * 2 * SERVICE_MS * 1_000_000L;
      if (!good) {
        break;
      }
      settled = s - slowdownAt;
    }
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s / %s | %s | %s | %s | %d |%n",
        lane.name(),
        Report.fmt(ok / (double) window),
        Report.fmt(after.getValueAtPercentile(50) / 1e6),
        Report.fmt(after.getValueAtPercentile(99) / 1e6),
        Report.pct(all == 0 ? Double.NaN : shed / (double) all),
        Report.fmt(late / (double) window),
        settled < 0 ? "not within the run" : Integer.toString(settled),
        timeline[timeline.length - 1].limit);
  }

  private Second[] runLane(Lane lane) throws IOException, InterruptedException {
    Path log = out.resolve("overload-" + lane.kind() + "-" + lane.max() + ".log");
    Second[] timeline = new Second[seconds];
    for (int s = 0; s < seconds; s++) {
      timeline[s] = new Second();
    }
    try (ServerProcess server =
        new ServerProcess(
            "overload-" + lane.kind(),
            OverloadServer.class,
            BenchRun.SERVER_JVM_FLAGS,
            List.of(
                lane.kind(),
                Integer.toString(lane.max()),
                Integer.toString(WORKERS),
                Long.toString(SERVICE_MS)),
            log)) {
      List<ManagedChannel> channels = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        channels.add(
            NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .directExecutor()
                .build());
      }
      try {
        warmUp(channels);
        AtomicInteger outstanding = new AtomicInteger();
        long period = 1_000_000_000L / ARRIVALS_PER_SECOND;
        long t0 = System.nanoTime();
        long total = (long) seconds * ARRIVALS_PER_SECOND;
        int lastSampled = -1;
        boolean slowed = false;
        for (long i = 0; i < total; i++) {
          long intended = t0 + i * period;
          long wait;
          while ((wait = intended - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          int second = (int) ((intended - t0) / 1_000_000_000L);
          if (second != lastSampled) {
            if (!slowed && second >= slowdownAt) {
              server.command("slowdown");
              slowed = true;
            }
            if (lastSampled >= 0) {
              timeline[lastSampled].limit = limit(server);
            }
            lastSampled = second;
          }
          Second bucket = timeline[second];
          outstanding.incrementAndGet();
          SocialAccountServiceGrpc.newStub(channels.get((int) (i % channels.size())))
              .withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
              .hasSocialAccount(
                  HasSocialAccountRequest.newBuilder().setEmail("u" + i + "@load.test").build(),
                  new StreamObserver<HasSocialAccountResponse>() {
                    @Override
                    public void onNext(HasSocialAccountResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                      Status.Code code = Status.fromThrowable(t).getCode();
                      if (code == Status.Code.RESOURCE_EXHAUSTED) {
                        bucket.shed.increment();
                      } else if (code == Status.Code.DEADLINE_EXCEEDED) {
                        bucket.late.increment();
                      } else {
                        bucket.other.increment();
                      }
                      outstanding.decrementAndGet();
                    }

                    @Override
                    public void onCompleted() {
                      bucket.ok.increment();
                      bucket.latency.recordValue(
                          Math.min(System.nanoTime() - intended, TimeUnit.SECONDS.toNanos(59)));
                      outstanding.decrementAndGet();
                    }
                  });
        }
        timeline[seconds - 1].limit = limit(server);
        long drain = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS + 5000);
        while (outstanding.get() > 0 && System.nanoTime() < drain) {
          Thread.sleep(10);
        }
      } finally {
        for (ManagedChannel channel : channels) {
          channel.shutdownNow();
          channel.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
    return timeline;
  }

  private static long limit(ServerProcess server) throws IOException, InterruptedException {
    String answer = server.command("limit");
    return answer.startsWith("LIMIT ") ? Long.parseLong(answer.substring(6).trim()) : -1;
  }

  /** 2 s of calls at half the arrival rate: JIT, connections, limiter samples; not measured. */
  private static void warmUp(List<ManagedChannel> channels) throws InterruptedException {
    int calls = ARRIVALS_PER_SECOND;
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(calls);
    for (int i = 0; i < calls; i++) {
      SocialAccountServiceGrpc.newStub(channels.get(i % channels.size()))
          .withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
          .hasSocialAccount(
              HasSocialAccountRequest.newBuilder().setEmail("warm" + i + "@load.test").build(),
              new StreamObserver<HasSocialAccountResponse>() {
                @Override
                public void onNext(HasSocialAccountResponse value) {}

                @Override
                public void onError(Throwable t) {
                  done.countDown();
                }

                @Override
                public void onCompleted() {
                  done.countDown();
                }
              });
      Thread.sleep(2000 / calls);
    }
    done.await(DEADLINE_MS + 5000, TimeUnit.MILLISECONDS);
  }
}
