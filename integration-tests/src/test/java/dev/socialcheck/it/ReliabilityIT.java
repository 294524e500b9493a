package dev.socialcheck.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.base.Splitter;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Strategy;
import dev.socialcheck.v1.Verdict;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Process-level reliability of the real server jar: SIGTERM while it is busy, and garbage or
 * half-open TCP connections to its port. The demo catalog runs at the integration tests' time scale
 * (0.2): SEQUENTIAL and CheckEach calls take about 1 s, RACE about 200 ms; the shutdown grace is 5
 * s. Figures are appended to {@code target/reliability-figures.md}.
 */
class ReliabilityIT {
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Duration EXIT_MARGIN = Duration.ofSeconds(10);

  /**
   * Calls in flight at SIGTERM. The soak scale raises it, but not past 800: the demo calls last
   * about a second, so many more cannot all be in flight at once on a small machine (and the server
   * is started with room for them above its in-flight limit).
   */
  private static final int IN_FLIGHT =
      Math.min(800, 200 * Math.max(1, Integer.getInteger("reliability.scale", 1)));

  /** How one call ended, and whether what it received was complete. */
  private record Ended(String kind, boolean startedBeforeSigterm, Status status, String problem) {}

  @Test
  void sigtermUnderLoad_inFlightCallsFinish_newCallsUnavailable_exitWithinGrace() throws Exception {
    Queue<Ended> ended = new ConcurrentLinkedQueue<>();
    AtomicInteger started = new AtomicInteger();
    List<ManagedChannel> channels = new ArrayList<>();
    long exitMillis;
    int exitValue;
    String output;
    long maxThreads;
    double heapBytes;
    try (ServerProcess server =
        ServerProcess.start(
            "ReliabilityIT-shutdown",
            "--metrics-port",
            "0",
            "--caller-rate-limit",
            "0",
            "--max-in-flight",
            String.valueOf(4 * IN_FLIGHT))) {
      ServerMetrics metrics = ServerMetrics.of(server);
      for (int i = 0; i < IN_FLIGHT / 50; i++) { // 50 calls per connection, under its limit of 100
        channels.add(
            NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
      }
      for (int i = 0; i < IN_FLIGHT; i++) {
        startCall(channels.get(i % channels.size()), i, true, started, ended);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> metrics.value("socialcheck_rpc_in_flight") >= IN_FLIGHT * 0.75);
      String scrape = metrics.scrape();
      maxThreads = (long) seriesValue(scrape, "jvm_threads_live_threads");
      heapBytes = sumOf(scrape, "jvm_memory_used_bytes{area=\"heap\"");

      long sigterm = System.nanoTime();
      server.terminate();
      // Keep calling while it shuts down: those calls must be refused cleanly, not hang or break.
      int late = 0;
      while (!server.awaitExit(Duration.ofMillis(10)) && late < 2000) {
        startCall(channels.get(late % channels.size()), IN_FLIGHT + late, false, started, ended);
        late++;
      }
      assertThat(server.awaitExit(GRACE.plus(EXIT_MARGIN)))
          .as("the server exited within the grace period plus %s", EXIT_MARGIN)
          .isTrue();
      exitMillis = Duration.ofNanos(System.nanoTime() - sigterm).toMillis();
      exitValue = server.exitValue();
      output = server.output();
      await().atMost(Duration.ofSeconds(30)).until(() -> ended.size() == started.get());
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }

    assertThat(exitMillis).isLessThanOrEqualTo(GRACE.plus(EXIT_MARGIN).toMillis());
    assertThat(exitValue).as("exit status after SIGTERM").isEqualTo(143);
    assertThat(output).contains("stopped");
    List<Ended> wrong =
        ended.stream()
            .filter(
                e ->
                    e.problem() != null
                        || !(e.status().isOk()
                            || e.status().getCode() == Status.Code.UNAVAILABLE
                            || e.status().getCode() == Status.Code.CANCELLED))
            .limit(10)
            .toList();
    assertThat(wrong).as("calls that ended wrongly").isEmpty();
    List<Ended> inFlight = ended.stream().filter(Ended::startedBeforeSigterm).toList();
    assertThat(inFlight).hasSize(IN_FLIGHT);
    assertThat(inFlight)
        .as("calls in flight at SIGTERM (they need ~1 s of the 5 s grace)")
        .allSatisfy(e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.OK));
    long refused =
        ended.stream().filter(e -> e.status().getCode() == Status.Code.UNAVAILABLE).count();
    long cancelled =
        ended.stream().filter(e -> e.status().getCode() == Status.Code.CANCELLED).count();
    Map<String, Long> byCode = new ConcurrentHashMap<>();
    ended.forEach(e -> byCode.merge(e.status().getCode().name(), 1L, Long::sum));
    System.out.println(
        "[reliability] shutdown under load: " + byCode + ", exit in " + exitMillis + " ms");
    report(
        "SIGTERM under load (process)",
        started.get(),
        refused + cancelled,
        0,
        heapBytes,
        maxThreads,
        Duration.ofMillis(exitMillis),
        String.format(
            Locale.ROOT,
            "%d in flight at SIGTERM all OK and complete; %d started during shutdown: %s; exit"
                + " %d after %d ms (grace %d s)",
            IN_FLIGHT,
            started.get() - IN_FLIGHT,
            byCode,
            exitValue,
            exitMillis,
            GRACE.toSeconds()));
  }

  @Test
  void garbageAndHalfOpenConnections_doNotHurtOtherClients() throws Exception {
    Random random = new Random(0xBADBEEFL);
    List<Socket> sockets = new ArrayList<>();
    try (ServerProcess server =
        ServerProcess.start(
            "ReliabilityIT-garbage", "--metrics-port", "0", "--caller-rate-limit", "0")) {
      ServerMetrics metrics = ServerMetrics.of(server);
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub =
            SocialAccountServiceGrpc.newBlockingStub(channel);
        served(stub, 5);
        double threadsBefore = metrics.value("jvm_threads_live_threads");
        long started = System.nanoTime();
        List<Socket> garbage = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          Socket socket = new Socket("127.0.0.1", server.port());
          sockets.add(socket);
          if (i % 2 == 0) {
            byte[] junk = new byte[1 + random.nextInt(8192)];
            random.nextBytes(junk);
            OutputStream out = socket.getOutputStream();
            out.write(junk);
            out.flush();
            garbage.add(socket);
          } // odd ones: half-open, never a byte
        }
        served(stub, 20);
        assertThat(closedWithin(garbage, Duration.ofSeconds(10)))
            .as("garbage connections closed by the server")
            .isTrue();
        served(stub, 5);
        double threadsAfter = metrics.value("jvm_threads_live_threads");
        assertThat(threadsAfter)
            .as("server threads with 50 half-open connections (before: %s)", threadsBefore)
            .isLessThanOrEqualTo(threadsBefore + 8);
        assertThat(server.isAlive()).isTrue();
        String scrape = metrics.scrape();
        report(
            "garbage bytes and half-open TCP (process)",
            30,
            0,
            0,
            sumOf(scrape, "jvm_memory_used_bytes{area=\"heap\""),
            (long) seriesValue(scrape, "jvm_threads_peak_threads"),
            Duration.ofNanos(System.nanoTime() - started),
            String.format(
                Locale.ROOT,
                "50 random-byte connections closed by the server, 50 half-open left open; 30"
                    + " normal calls all FOUND; live threads %.0f -> %.0f",
                threadsBefore,
                threadsAfter));
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static void startCall(
      ManagedChannel channel,
      int index,
      boolean beforeSigterm,
      AtomicInteger started,
      Queue<Ended> ended) {
    started.incrementAndGet();
    SocialAccountServiceGrpc.SocialAccountServiceStub stub =
        SocialAccountServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    if (index % 3 == 2) {
      List<CheckEachResponse> messages = new ArrayList<>();
      stub.checkEach(
          CheckEachRequest.newBuilder().setEmail("user@email.com").build(),
          new StreamObserver<>() {
            @Override
            public void onNext(CheckEachResponse value) {
              messages.add(value);
            }

            @Override
            public void onError(Throwable t) {
              ended.add(new Ended("CheckEach", beforeSigterm, Status.fromThrowable(t), null));
            }

            @Override
            public void onCompleted() {
              ended.add(
                  new Ended(
                      "CheckEach",
                      beforeSigterm,
                      Status.OK,
                      messages.size() == 3 ? null : "stream of " + messages.size() + " results"));
            }
          });
    } else {
      Strategy strategy = index % 3 == 0 ? Strategy.STRATEGY_SEQUENTIAL : Strategy.STRATEGY_HEDGED;
      stub.hasSocialAccount(
          HasSocialAccountRequest.newBuilder()
              .setEmail("user@email.com")
              .setStrategy(strategy)
              .build(),
          new StreamObserver<>() {
            private HasSocialAccountResponse answer;

            @Override
            public void onNext(HasSocialAccountResponse value) {
              answer = value;
            }

            @Override
            public void onError(Throwable t) {
              ended.add(new Ended(strategy.name(), beforeSigterm, Status.fromThrowable(t), null));
            }

            @Override
            public void onCompleted() {
              boolean complete =
                  answer != null
                      && answer.getVerdict() == Verdict.VERDICT_FOUND
                      && answer.getFoundOn().equals("facebook")
                      && answer.getResultsCount() == 3;
              ended.add(
                  new Ended(
                      strategy.name(),
                      beforeSigterm,
                      Status.OK,
                      complete ? null : "incomplete answer: " + answer));
            }
          });
    }
  }

  private static void served(
      SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub, int n) {
    for (int i = 0; i < n; i++) {
      assertThat(
              stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                  .hasSocialAccount(
                      HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build())
                  .getVerdict())
          .isEqualTo(Verdict.VERDICT_FOUND);
    }
  }

  /** Whether every socket reaches EOF (or a reset) within {@code atMost}, all together. */
  private static boolean closedWithin(List<Socket> sockets, Duration atMost) throws IOException {
    long deadline = System.nanoTime() + atMost.toNanos();
    byte[] buffer = new byte[8192];
    for (Socket socket : sockets) {
      InputStream in = socket.getInputStream();
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        try {
          if (in.read(buffer) < 0) {
            break;
          }
        } catch (SocketTimeoutException stillOpen) {
          return false;
        } catch (SocketException reset) {
          break;
        }
      }
    }
    return true;
  }

  private static double seriesValue(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static double sumOf(String scrape, String prefix) {
    double sum = 0;
    for (String line : Splitter.on('\n').split(scrape)) {
      if (line.startsWith(prefix)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Appends a row of figures to {@code target/reliability-figures.md} and prints it. */
  private static void report(
      String scenario,
      long calls,
      long cancelled,
      long shed,
      double heapBytes,
      long threads,
      Duration duration,
      String notes)
      throws IOException {
    String row =
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %d | %.1f MiB (server) | %d (server) | %.1f s | %s |",
            scenario,
            calls,
            cancelled,
            shed,
            heapBytes / (1024 * 1024),
            threads,
            duration.toMillis() / 1000.0,
            notes);
    System.out.println("[reliability] " + row);
    Path file = Path.of("target", "reliability-figures.md");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        row + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
