package dev.socialcheck.bench;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.CheckManyResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Target "screen" (issue 20): a list of addresses over one {@code CheckMany} stream against the
 * same number of unary {@code HasSocialAccount} calls kept in flight at the stream's concurrency,
 * over the instant demo catalog (3 platforms answering at once: the engine and gRPC are all the
 * cost), once over the in-process transport and once over Netty on loopback, in this JVM. Then the
 * heap: the live heap near the end of a 10,000-item and of a 100,000-item stream, which must not
 * grow with the input.
 *
 * <p>Every address is distinct (nothing is coalesced). Rounds alternate the order of the two ways;
 * the figures are each way's best round. Standalone: {@code java -cp ...
 * dev.socialcheck.bench.ScreenTarget [ITEMS] [ROUNDS] [OUT]}, or {@code BenchMain --only screen}.
 */
final class ScreenTarget {
  /** In-flight calls of the unary way, and the server's CheckMany concurrency. */
  static final int CONCURRENCY = SocialCheckServer.DEFAULT_CHECK_MANY_CONCURRENCY;

  private final int items;
  private final int rounds;

  /**
   * @param items addresses per measured run (100,000 in the issue)
   * @param rounds measured runs of each way per transport
   */
  ScreenTarget(int items, int rounds) {
    this.items = items;
    this.rounds = rounds;
  }

  public static void main(String[] args) throws Exception {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path out = Path.of(args.length > 2 ? args[2] : "benchmarks/target/bench-screen");
    Report report = new Report();
    new ScreenTarget(items, rounds).run(report);
    Files.createDirectories(out);
    report.write(out);
    System.out.println(Files.readString(out.resolve("results.md")));
  }

  /** What one way of sending a list measured. */
  record Run(long items, long errors, Duration elapsed) {
    double itemsPerSecond() {
      return items / (elapsed.toNanos() / 1e9);
    }
  }

  /** Runs the target and writes its section. */
  void run(Report report) throws Exception {
    report.heading("Target screen: CheckMany against unary calls, " + items + " addresses");
    report.line(
        "- instant-demo catalog, "
            + CONCURRENCY
            + " items in flight (the stream's concurrency; the same number of unary calls in"
            + " flight), distinct addresses; best of "
            + rounds
            + " rounds each, orders alternated; load before: "
            + loadAverage());
    report.line("");
    List<List<String>> rows = new ArrayList<>();
    for (String transport : List.of("in-process", "netty")) {
      try (Target target = new Target(transport)) {
        // JIT warm-up of both paths, not measured.
        screen(target.channel, Math.min(items, 20_000));
        unary(target.channel, Math.min(items, 20_000));
        Run bestStream = null;
        Run bestUnary = null;
        for (int round = 0; round < rounds; round++) {
          boolean streamFirst = round % 2 == 0;
          Run first = streamFirst ? screen(target.channel, items) : unary(target.channel, items);
          Run second = streamFirst ? unary(target.channel, items) : screen(target.channel, items);
          Run stream = streamFirst ? first : second;
          Run unary = streamFirst ? second : first;
          bestStream = best(bestStream, stream);
          bestUnary = best(bestUnary, unary);
        }
        double ratio =
            requireNonNull(bestStream).itemsPerSecond()
                / requireNonNull(bestUnary).itemsPerSecond();
        report.figure("screen." + transport + ".items_per_s", bestStream.itemsPerSecond());
        report.figure("screen." + transport + ".ratio_to_unary", ratio);
        rows.add(
            List.of(
                transport,
                fmt(bestStream.itemsPerSecond()),
                fmt(bestUnary.itemsPerSecond()),
                String.format(Locale.ROOT, "%.2f×", ratio),
                bestStream.errors() + " / " + bestUnary.errors()));
      }
    }
    report.table(
        List.of(
            "transport", "CheckMany items/s", "unary calls/s", "ratio", "errors (stream / unary)"),
        rows);
    try (Target target = new Target("in-process")) {
      screen(target.channel, 20_000);
      long small = liveHeapNearTheEnd(target.channel, items / 10);
      long large = liveHeapNearTheEnd(target.channel, items);
      report.line("");
      report.line(
          String.format(
              Locale.ROOT,
              "- live heap (after a full GC) at 90 %% of the stream: %s with %,d items, %s with %,d"
                  + " items (×%.2f for ×10 input); load after: %s",
              mib(small),
              items / 10,
              mib(large),
              items,
              large / (double) small,
              loadAverage()));
    }
  }

  private static Run best(@Nullable Run best, Run run) {
    return best == null || run.itemsPerSecond() > best.itemsPerSecond() ? run : best;
  }

  /** A server over the instant-demo catalog and a channel to it. */
  static final class Target implements AutoCloseable {
    final ServerAssembly assembly;
    final SocialCheckServer server;
    final ManagedChannel channel;

    Target(String transport) throws InterruptedException {
      ServerSettings.Builder settings =
          ServerSettings.newBuilder()
              .catalog(BenchCatalogs.factory("instant-demo", Duration.ZERO, 1, 1))
              .resultCache(false)
              .checkManyConcurrency(CONCURRENCY)
              .shutdownGrace(Duration.ZERO);
      if (transport.equals("in-process")) {
        String name = InProcessServerBuilder.generateName();
        assembly =
            ServerAssembly.create(settings.transport(InProcessServerBuilder.forName(name)).build());
        server = assembly.startServer();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
      } else {
        assembly =
            ServerAssembly.create(
                settings
                    .transport(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                    .build());
        server = assembly.startServer();
        channel =
            NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .directExecutor()
                .build();
      }
    }

    @Override
    public void close() {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assembly.close();
    }
  }

  private static String address(long n) {
    return "u" + n + "@bench.example";
  }

  /** Sends {@code count} items over one CheckMany stream, as fast as its flow control allows. */
  static Run screen(Channel channel, int count) throws InterruptedException {
    return screen(channel, count, answered -> {});
  }

  private static Run screen(Channel channel, int count, java.util.function.LongConsumer progress)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong answered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    SocialAccountServiceGrpc.newStub(channel)
        .checkMany(
            new ClientResponseObserver<CheckManyRequest, CheckManyResponse>() {
              private int sent;

              @Override
              public void beforeStart(ClientCallStreamObserver<CheckManyRequest> requests) {
                requests.setOnReadyHandler(
                    () -> {
                      while (sent < count && requests.isReady()) {
                        sent++;
                        requests.onNext(
                            CheckManyRequest.newBuilder()
                                .setId(Integer.toString(sent))
                                .setEmail(address(sent))
                                .build());
                        if (sent == count) {
                          requests.onCompleted();
                        }
                      }
                    });
              }

              @Override
              public void onNext(CheckManyResponse answer) {
                if (answer.hasError()) {
                  errors.incrementAndGet();
                }
                progress.accept(answered.incrementAndGet());
              }

              @Override
              public void onError(Throwable t) {
                failure.set(t);
                done.countDown();
              }

              @Override
              public void onCompleted() {
                done.countDown();
              }
            });
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the CheckMany stream did not end within 10 minutes");
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    if (failure.get() != null) {
      throw new IllegalStateException("the CheckMany stream failed", failure.get());
    }
    return new Run(answered.get(), errors.get(), elapsed);
  }

  /** Makes {@code count} unary calls, {@link #CONCURRENCY} in flight at any time. */
  static Run unary(Channel channel, int count) throws InterruptedException {
    SocialAccountServiceGrpc.SocialAccountServiceStub stub =
        SocialAccountServiceGrpc.newStub(channel);
    CountDownLatch done = new CountDownLatch(count);
    AtomicLong next = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    for (int lane = 0; lane < CONCURRENCY; lane++) {
      new Object() {
        void call() {
          long n = next.incrementAndGet();
          if (n > count) {
            return;
          }
          stub.withDeadlineAfter(30, TimeUnit.SECONDS)
              .hasSocialAccount(
                  HasSocialAccountRequest.newBuilder().setEmail(address(n)).build(),
                  new StreamObserver<HasSocialAccountResponse>() {
                    @Override
                    public void onNext(HasSocialAccountResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                      errors.incrementAndGet();
                      done.countDown();
                      call();
                    }

                    @Override
                    public void onCompleted() {
                      done.countDown();
                      call();
                    }
                  });
        }
      }.call();
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the unary calls did not end within 10 minutes");
    }
    return new Run(count, errors.get(), Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Streams {@code count} items; when 90 % are answered, a full GC runs on another thread and the
   * used heap after it is the stream's live heap (server and client of this JVM together).
   */
  static long liveHeapNearTheEnd(Channel channel, int count) throws InterruptedException {
    long mark = count * 9L / 10;
    AtomicLong live = new AtomicLong(-1);
    CountDownLatch measured = new CountDownLatch(1);
    screen(
        channel,
        count,
        answered -> {
          if (answered == mark) {
            Thread gc =
                new Thread(
                    () -> {
                      System.gc();
                      live.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                      measured.countDown();
                    },
                    "screen-heap");
            gc.start();
          }
        });
    measured.await(1, TimeUnit.MINUTES);
    return live.get();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String loadAverage() {
    return String.format(
        Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
