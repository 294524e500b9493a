package dev.socialcheck.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Strategy;
import dev.socialcheck.v1.Verdict;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of calls over a real Netty connection, each cancelled (or not) at a random point:
 * before the server starts the first check, by a short deadline, in the middle of the race, or at
 * the very moment the first FOUND is about to be answered. Some platforms hang (never answer, 30 s
 * timeout), so a check the server forgets to cancel stays visible. Afterwards nothing may be left:
 * no call, run, check or timer in flight, no thread or heap growth beyond {@link ResourceMonitor}'s
 * tolerances; every call ended OK (with a correct answer), CANCELLED or DEADLINE_EXCEEDED; and the
 * service still answers correctly.
 */
@ExtendWith(QuietAccessLog.class)
class CancellationStormTest {
  private static final long DEFAULT_SEED = 0x5EED_0001L;
  private static final int CALLS = 3000;
  private static final int CONCURRENCY = 128;
  private static final int CLIENTS = 8;
  private static final Duration MAX_LATENCY = Duration.ofMillis(30);
  private static final Duration PLATFORM_TIMEOUT = Duration.ofSeconds(30);

  /** Where the client lets go of a call. */
  enum Mode {
    /** Waits for the answer. */
    NONE,
    /** Cancels right after sending the request, usually before the first check starts. */
    BEFORE_START,
    /** A deadline of 1 to 40 ms. */
    DEADLINE,
    /** Cancels after a random 0 to 30 ms, in the middle of the race. */
    MID_RACE,
    /**
     * Cancels from inside the platform just before, or just after, the first FOUND is delivered:
     * while the server decides and sends the answer.
     */
    AT_ANSWER
  }

  /** AT_ANSWER calls by address, with whether to cancel after (true) or before the delivery. */
  private final Map<String, AtAnswer> cancelAtAnswer = new ConcurrentHashMap<>();

  private record AtAnswer(Context.CancellableContext context, boolean afterDelivery) {}

  private final List<ScriptedChecker> checkers = new ArrayList<>();
  private final Queue<String> problems = new ConcurrentLinkedQueue<>();
  private final Map<Mode, Map<Status.Code, AtomicLong>> outcomes = new EnumMap<>(Mode.class);

  private Catalog catalog(ScheduledExecutorService timers) {
    ScriptedChecker alpha =
        ScriptedChecker.randomLatency("alpha", CheckStatus.FOUND, timers, MAX_LATENCY);
    ScriptedChecker beta =
        ScriptedChecker.randomLatency("beta", CheckStatus.NOT_FOUND, timers, MAX_LATENCY);
    ScriptedChecker gamma =
        ScriptedChecker.randomLatency("gamma", CheckStatus.FOUND, timers, MAX_LATENCY);
    for (ScriptedChecker checker : List.of(alpha, gamma)) {
      checker.onFound(
          (address, delivered) -> {
            AtAnswer atAnswer = cancelAtAnswer.get(address);
            if (atAnswer != null
                && atAnswer.afterDelivery() == delivered
                && cancelAtAnswer.remove(address, atAnswer)) {
              atAnswer.context().cancel(null);
            }
          });
    }
    checkers.addAll(List.of(alpha, beta, gamma));
    return new Catalog(
        "storm",
        List.of(
            new Platform("alpha", "Alpha", 0.6, PLATFORM_TIMEOUT, alpha),
            new Platform("beta", "Beta", 0.3, PLATFORM_TIMEOUT, beta),
            new Platform("gamma", "Gamma", 0.1, PLATFORM_TIMEOUT, gamma)));
  }

  @Test
  @DisplayName(
      "a storm of cancelled calls leaves no call, check, timer, thread or heap behind, and the"
          + " service still answers correctly")
  void cancellationStorm_leavesNothingBehind() throws Exception {
    long seed = Scenario.seed("cancellation-storm", DEFAULT_SEED);
    int calls = CALLS * Scenario.scale();
    for (Mode mode : Mode.values()) {
      Map<Status.Code, AtomicLong> byCode = new ConcurrentHashMap<>();
      outcomes.put(mode, byCode);
    }
    ScheduledExecutorService cancels = Executors.newSingleThreadScheduledExecutor();
    try (RunningServer server = new RunningServer(this::catalog, b -> b.maxInFlight(10_000))) {
      // Several clients, as in production: each connection carries at most 375 calls, so its
      // ~300 cancellations (one RST_STREAM each) stay under the rapid-reset limit of 2000 per 10 s
      // per connection however fast the machine; a longer storm gets more clients.
      List<ManagedChannel> channels = new ArrayList<>();
      for (int i = 0; i < CLIENTS * Scenario.scale(); i++) {
        // Client callbacks on the transport threads: the threads counted are the server's.
        channels.add(server.channel(b -> b.directExecutor()));
      }

      // Warm-up (JIT, Netty pools, meters) before the baseline, then back to zero.
      storm(channels, cancels, new Random(seed - 1), 300, true);
      server.awaitIdle(Duration.ofSeconds(20));
      problems.clear();
      outcomes.values().forEach(Map::clear);
      int threadsBefore = ResourceMonitor.liveThreads();
      long heapBefore = ResourceMonitor.settledHeapBytes();
      long cancelledBefore = server.engine.stats().checksCancelled();

      long started = System.nanoTime();
      ResourceMonitor monitor = ResourceMonitor.start();
      storm(channels, cancels, new Random(seed), calls, false);
      server.awaitIdle(Duration.ofSeconds(20));
      monitor.close();
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(problems).as("calls that ended wrongly (first ones)").isEmpty();
      for (ScriptedChecker checker : checkers) {
        assertThat(checker.outstanding()).as("checks neither completed nor cancelled").isZero();
      }
      assertThat(server.engine.stats().checksCancelled() - cancelledBefore)
          .as("checks the server cancelled")
          .isPositive();
      assertThat(server.callsEnded("CANCELLED") + server.callsEnded("DEADLINE_EXCEEDED"))
          .as("calls the server saw cancelled")
          .isPositive();
      int threadsAfter = ResourceMonitor.liveThreads();
      long heapAfter = ResourceMonitor.settledHeapBytes();
      assertThat(threadsAfter)
          .as("live threads after the storm (before: %d)", threadsBefore)
          .isLessThanOrEqualTo(threadsBefore + ResourceMonitor.THREAD_TOLERANCE);
      assertThat(heapAfter)
          .as(
              "settled heap after the storm: %s, before: %s",
              ResourceMonitor.mebibytes(heapAfter), ResourceMonitor.mebibytes(heapBefore))
          .isLessThanOrEqualTo(heapBefore + ResourceMonitor.HEAP_TOLERANCE_BYTES);

      // The service still answers, correctly.
      SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub =
          SocialAccountServiceGrpc.newBlockingStub(channels.get(0))
              .withDeadlineAfter(10, TimeUnit.SECONDS);
      HasSocialAccountResponse found =
          stub.hasSocialAccount(
              HasSocialAccountRequest.newBuilder()
                  .setEmail("after@email.com")
                  .setStrategy(Strategy.STRATEGY_SEQUENTIAL)
                  .build());
      assertThat(found.getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
      assertThat(found.getFoundOn()).isEqualTo("alpha");
      HasSocialAccountResponse missing =
          stub.hasSocialAccount(
              HasSocialAccountRequest.newBuilder().setEmail("after+nobody@email.com").build());
      assertThat(missing.getVerdict()).isEqualTo(Verdict.VERDICT_NOT_FOUND);

      long cancelled =
          outcomes.values().stream()
              .flatMap(m -> m.entrySet().stream())
              .filter(e -> e.getKey() != Status.Code.OK)
              .mapToLong(e -> e.getValue().get())
              .sum();
      System.out.println("[reliability] cancellation-storm outcomes: " + outcomes);
      Scenario.report(
          "cancellation storm",
          calls,
          cancelled,
          0,
          monitor.maxHeapBytes(),
          monitor.maxThreads(),
          took,
          String.format(
              "seed %d; heap settled %s -> %s; threads %d -> %d",
              seed,
              ResourceMonitor.mebibytes(heapBefore),
              ResourceMonitor.mebibytes(heapAfter),
              threadsBefore,
              threadsAfter));
    } finally {
      cancels.shutdownNow();
    }
  }

  /** Makes {@code calls} calls, at most {@link #CONCURRENCY} at a time, and waits for them all. */
  private void storm(
      List<ManagedChannel> channels,
      ScheduledExecutorService cancels,
      Random random,
      int calls,
      boolean warmUp)
      throws InterruptedException {
    Semaphore permits = new Semaphore(CONCURRENCY);
    CountDownLatch done = new CountDownLatch(calls);
    for (int i = 0; i < calls; i++) {
      permits.acquire();
      Mode mode = warmUp ? Mode.NONE : Mode.values()[random.nextInt(Mode.values().length)];
      start(
          channels.get(i % channels.size()),
          cancels,
          random,
          i,
          mode,
          () -> {
            permits.release();
            done.countDown();
          });
    }
    assertThat(done.await(120, TimeUnit.SECONDS)).as("every call ended within 120 s").isTrue();
  }

  private void start(
      ManagedChannel channel,
      ScheduledExecutorService cancels,
      Random random,
      int index,
      Mode mode,
      Runnable ended) {
    boolean each = random.nextInt(4) == 0;
    boolean nobody = mode != Mode.AT_ANSWER && random.nextInt(5) == 0;
    String hang =
        mode == Mode.NONE || mode == Mode.AT_ANSWER
            ? ""
            : switch (random.nextInt(4)) {
              case 0 -> "+hang-alpha";
              case 1 -> "+hang-beta";
              default -> "";
            };
    // NONE with a hanging platform would wait for the 30 s timeout: the script never does that.
    String email = "c" + index + (nobody ? "+nobody" : "") + hang + "@email.com";
    Strategy strategy =
        List.of(Strategy.STRATEGY_RACE, Strategy.STRATEGY_SEQUENTIAL, Strategy.STRATEGY_HEDGED)
            .get(random.nextInt(3));
    CallOptions options =
        mode == Mode.DEADLINE
            ? CallOptions.DEFAULT.withDeadlineAfter(1 + random.nextInt(40), TimeUnit.MILLISECONDS)
            : CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS);
    long cancelAfterMicros = random.nextInt(30_000);
    boolean afterDelivery = random.nextBoolean();

    Context.CancellableContext context = Context.current().withCancellation();
    List<Object> received = new ArrayList<>();
    StreamObserver<Object> observer =
        new StreamObserver<>() {
          @Override
          public void onNext(Object message) {
            received.add(message);
          }

          @Override
          public void onError(Throwable t) {
            finish(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            finish(Status.OK);
          }

          private void finish(Status status) {
            cancelAtAnswer.remove(email);
            context.cancel(null);
            record(mode, email, each, strategy, status, received);
            ended.run();
          }
        };
    if (mode == Mode.AT_ANSWER) {
      cancelAtAnswer.put(email, new AtAnswer(context, afterDelivery));
    }
    context.run(
        () -> {
          if (each) {
            ClientCalls.asyncServerStreamingCall(
                channel.newCall(SocialAccountServiceGrpc.getCheckEachMethod(), options),
                CheckEachRequest.newBuilder().setEmail(email).build(),
                cast(observer));
          } else {
            HasSocialAccountRequest.Builder request =
                HasSocialAccountRequest.newBuilder().setEmail(email).setStrategy(strategy);
            if (strategy == Strategy.STRATEGY_HEDGED) {
              request.setHedgeDelay(com.google.protobuf.Duration.newBuilder().setNanos(5_000_000));
            }
            ClientCalls.asyncUnaryCall(
                channel.newCall(SocialAccountServiceGrpc.getHasSocialAccountMethod(), options),
                request.build(),
                cast(observer));
          }
        });
    switch (mode) {
      case BEFORE_START -> context.cancel(null);
      case MID_RACE ->
          cancels.schedule(() -> context.cancel(null), cancelAfterMicros, TimeUnit.MICROSECONDS);
      default -> {}
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> StreamObserver<T> cast(StreamObserver<Object> observer) {
    return (StreamObserver<T>) (StreamObserver<?>) observer;
  }

  private void record(
      Mode mode,
      String email,
      boolean each,
      Strategy strategy,
      Status status,
      List<Object> received) {
    outcomes.get(mode).computeIfAbsent(status.getCode(), c -> new AtomicLong()).incrementAndGet();
    boolean allowed =
        switch (mode) {
          case NONE -> status.isOk();
          case DEADLINE -> status.isOk() || status.getCode() == Status.Code.DEADLINE_EXCEEDED;
          default -> status.isOk() || status.getCode() == Status.Code.CANCELLED;
        };
    String wrong = allowed ? null : "status " + status;
    if (wrong == null && status.isOk()) {
      wrong =
          each
              ? checkStream(email, received, mode != Mode.DEADLINE)
              : checkAnswer(email, strategy, received, mode != Mode.DEADLINE);
    }
    if (wrong != null && problems.size() < 20) {
      problems.add(mode + " " + (each ? "CheckEach" : strategy) + " " + email + ": " + wrong);
    }
  }

  /**
   * Null if the unary answer is right for the scripted address, else what is wrong. Every answer
   * must agree with the script (a FOUND platform never says NOT_FOUND and the reverse) and its
   * verdict with its results; a call that ran without deadline pressure must also be definitive.
   * Under a short deadline the server caps the checks' timeouts, so TIMEOUT results and an UNKNOWN
   * verdict are right answers there.
   */
  private static String checkAnswer(
      String email, Strategy strategy, List<Object> received, boolean definitive) {
    if (received.size() != 1) {
      return received.size() + " responses";
    }
    HasSocialAccountResponse answer = (HasSocialAccountResponse) received.get(0);
    Map<String, PlatformStatus> statuses =
        answer.getResultsList().stream()
            .collect(Collectors.toMap(PlatformResult::getPlatform, PlatformResult::getStatus));
    if (!statuses.keySet().equals(Set.of("alpha", "beta", "gamma"))) {
      return "results for " + statuses.keySet();
    }
    boolean nobody = email.contains("+nobody");
    for (Map.Entry<String, PlatformStatus> result : statuses.entrySet()) {
      boolean scriptedFound = !nobody && !result.getKey().equals("beta");
      PlatformStatus contradiction =
          scriptedFound
              ? PlatformStatus.PLATFORM_STATUS_NOT_FOUND
              : PlatformStatus.PLATFORM_STATUS_FOUND;
      if (result.getValue() == contradiction) {
        return result.getKey() + " answered against its script: " + answer;
      }
    }
    Verdict consistent =
        statuses.containsValue(PlatformStatus.PLATFORM_STATUS_FOUND)
            ? Verdict.VERDICT_FOUND
            : statuses.values().stream()
                    .allMatch(s -> s == PlatformStatus.PLATFORM_STATUS_NOT_FOUND)
                ? Verdict.VERDICT_NOT_FOUND
                : Verdict.VERDICT_UNKNOWN;
    if (answer.getVerdict() != consistent) {
      return "verdict does not follow from the results: " + answer;
    }
    if (consistent == Verdict.VERDICT_FOUND
        && statuses.get(answer.getFoundOn()) != PlatformStatus.PLATFORM_STATUS_FOUND) {
      return "found_on is not a FOUND platform: " + answer;
    }
    if (definitive && consistent != (nobody ? Verdict.VERDICT_NOT_FOUND : Verdict.VERDICT_FOUND)) {
      return "expected a definitive " + (nobody ? "NOT_FOUND" : "FOUND") + ": " + answer;
    }
    if (definitive
        && strategy == Strategy.STRATEGY_SEQUENTIAL
        && !nobody
        && !answer.getFoundOn().equals("alpha")) {
      return "SEQUENTIAL must stop at alpha: " + answer;
    }
    return null;
  }

  /**
   * Null if the stream is right for the scripted address, else what is wrong: one result per
   * platform, each as scripted (or TIMEOUT, under a short deadline).
   */
  private static String checkStream(String email, List<Object> received, boolean definitive) {
    List<PlatformResult> results =
        received.stream().map(m -> ((CheckEachResponse) m).getResult()).toList();
    Set<String> platforms =
        results.stream().map(PlatformResult::getPlatform).collect(Collectors.toSet());
    if (results.size() != 3 || !platforms.equals(Set.of("alpha", "beta", "gamma"))) {
      return "streamed " + results.size() + " results for " + platforms;
    }
    boolean nobody = email.contains("+nobody");
    for (PlatformResult result : results) {
      PlatformStatus scripted =
          !nobody && !result.getPlatform().equals("beta")
              ? PlatformStatus.PLATFORM_STATUS_FOUND
              : PlatformStatus.PLATFORM_STATUS_NOT_FOUND;
      boolean timedOut =
          !definitive && result.getStatus() == PlatformStatus.PLATFORM_STATUS_TIMEOUT;
      if (result.getStatus() != scripted && !timedOut) {
        return "streamed " + results;
      }
    }
    return null;
  }
}
