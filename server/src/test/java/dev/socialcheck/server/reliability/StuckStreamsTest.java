package dev.socialcheck.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Verdict;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streaming clients that never read: {@code CheckEach} with manual flow control that never requests
 * a message, over connections with a 1 KiB flow-control window, so the server cannot send more than
 * a few results per stream. Hundreds of them at once must not pin memory or threads (a stream holds
 * at most one result per platform), must not keep checks running, must not stop a normal client
 * from being served, and must be cleaned up entirely when their deadline passes or they cancel.
 */
@ExtendWith(QuietAccessLog.class)
class StuckStreamsTest {
  private static final int PLATFORMS = 20;
  private static final int STUCK = 300;
  private static final int CLIENTS = 4;
  // Long enough that the half cancelled below is cancelled before the deadline passes, even on a
  // loaded machine (the heap measurement and the ten normal calls come first).
  private static final Duration STUCK_DEADLINE = Duration.ofSeconds(12);

  private static Catalog catalog(ScheduledExecutorService timers) {
    List<Platform> platforms = new ArrayList<>();
    for (int i = 0; i < PLATFORMS; i++) {
      String id = "p" + i;
      platforms.add(
          new Platform(
              id,
              "Platform " + i,
              0.5,
              Duration.ofSeconds(10),
              ScriptedChecker.randomLatency(
                  id, CheckStatus.NOT_FOUND, timers, Duration.ofMillis(20))));
    }
    return new Catalog("many", platforms);
  }

  @Test
  @DisplayName(
      "hundreds of streams that never read pin no memory or threads and are cleaned up on"
          + " deadline or cancel")
  void streamsThatNeverRead_areBounded_andCleanedUp() throws Exception {
    long started = System.nanoTime();
    try (RunningServer server = new RunningServer(StuckStreamsTest::catalog, b -> {});
        ResourceMonitor monitor = ResourceMonitor.start()) {
      List<ManagedChannel> stuckChannels = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        // Client callbacks on the transport threads: the threads counted are the server's.
        stuckChannels.add(server.channel(b -> b.flowControlWindow(1024).directExecutor()));
      }
      SocialAccountServiceGrpc.SocialAccountServiceBlockingStub normal =
          SocialAccountServiceGrpc.newBlockingStub(server.channel(b -> b.directExecutor()));
      normal
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .hasSocialAccount(
              HasSocialAccountRequest.newBuilder().setEmail("warm@email.com").build());
      int threadsBefore = ResourceMonitor.liveThreads();

      long heapBefore = ResourceMonitor.settledHeapBytes();

      Map<Status.Code, AtomicInteger> ends = new ConcurrentHashMap<>();
      AtomicInteger received = new AtomicInteger();
      CountDownLatch ended = new CountDownLatch(STUCK);
      List<ClientCallStreamObserver<CheckEachRequest>> calls = new ArrayList<>();
      for (int i = 0; i < STUCK; i++) {
        calls.add(
            stuckStream(
                stuckChannels.get(i % CLIENTS), "stuck" + i + "@email.com", received, ends, ended));
      }

      // Every check ends although nobody reads: the runs do not wait for the readers.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(server.engine.stats().runsStarted()).isEqualTo(STUCK + 1);
                assertThat(server.engine.stats().runsInFlight()).isZero();
                assertThat(server.engine.stats().checksInFlight()).isZero();
              });
      // The server's side of a stuck call is over once its last result and trailers are queued:
      // what is left is at most those few hundred bytes in Netty's flow-control queue.
      int callsOpenOnServer = server.callsInFlight();
      assertThat(callsOpenOnServer).as("calls open on the server").isBetween(0, STUCK);
      assertThat(received).as("messages delivered to clients that asked for none").hasValue(0);
      long heapStuck = ResourceMonitor.settledHeapBytes();
      int threadsStuck = ResourceMonitor.liveThreads();

      for (int i = 0; i < 10; i++) {
        assertThat(
                normal
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .hasSocialAccount(
                        HasSocialAccountRequest.newBuilder().setEmail("normal@email.com").build())
                    .getVerdict())
            .isEqualTo(Verdict.VERDICT_NOT_FOUND);
      }
      assertThat(heapStuck)
          .as(
              "settled heap with %d stuck streams: %s, before: %s",
              STUCK, ResourceMonitor.mebibytes(heapStuck), ResourceMonitor.mebibytes(heapBefore))
          .isLessThanOrEqualTo(heapBefore + ResourceMonitor.HEAP_TOLERANCE_BYTES);
      assertThat(threadsStuck)
          .as("live threads with %d stuck streams (before: %d)", STUCK, threadsBefore)
          .isLessThanOrEqualTo(threadsBefore + ResourceMonitor.THREAD_TOLERANCE);

      // Half of them cancel; the deadline ends the rest.
      for (int i = 0; i < STUCK; i += 2) {
        calls.get(i).cancel("giving up", null);
      }
      assertThat(ended.await(30, TimeUnit.SECONDS)).as("every stuck call ended").isTrue();
      server.awaitIdle(Duration.ofSeconds(20));
      assertThat(ends.keySet())
          .containsExactlyInAnyOrder(Status.Code.CANCELLED, Status.Code.DEADLINE_EXCEEDED);
      assertThat(ends.get(Status.Code.CANCELLED)).hasValue(STUCK / 2);
      long heapAfter = ResourceMonitor.settledHeapBytes();
      assertThat(heapAfter)
          .as("settled heap after: %s", ResourceMonitor.mebibytes(heapAfter))
          .isLessThanOrEqualTo(heapBefore + ResourceMonitor.HEAP_TOLERANCE_BYTES);

      Scenario.report(
          "stuck streaming clients",
          STUCK,
          STUCK,
          0,
          monitor.maxHeapBytes(),
          monitor.maxThreads(),
          Duration.ofNanos(System.nanoTime() - started),
          String.format(
              "%d CheckEach streams x %d platforms never read (1 KiB window); %d still open on the"
                  + " server once all checks ended; settled heap %s before, %s while stuck, %s"
                  + " after; threads %d -> %d",
              STUCK,
              PLATFORMS,
              callsOpenOnServer,
              ResourceMonitor.mebibytes(heapBefore),
              ResourceMonitor.mebibytes(heapStuck),
              ResourceMonitor.mebibytes(heapAfter),
              threadsBefore,
              threadsStuck));
    }
  }

  private static ClientCallStreamObserver<CheckEachRequest> stuckStream(
      ManagedChannel channel,
      String email,
      AtomicInteger received,
      Map<Status.Code, AtomicInteger> ends,
      CountDownLatch ended) {
    List<ClientCallStreamObserver<CheckEachRequest>> call = new ArrayList<>(1);
    SocialAccountServiceGrpc.newStub(channel)
        .withDeadlineAfter(STUCK_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .checkEach(
            CheckEachRequest.newBuilder().setEmail(email).build(),
            new ClientResponseObserver<CheckEachRequest, CheckEachResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<CheckEachRequest> stream) {
                stream.disableAutoRequestWithInitial(0); // never asks for a message
                call.add(stream);
              }

              @Override
              public void onNext(CheckEachResponse value) {
                received.incrementAndGet();
              }

              @Override
              public void onError(Throwable t) {
                ends.computeIfAbsent(Status.fromThrowable(t).getCode(), c -> new AtomicInteger())
                    .incrementAndGet();
                ended.countDown();
              }

              @Override
              public void onCompleted() {
                ends.computeIfAbsent(Status.Code.OK, c -> new AtomicInteger()).incrementAndGet();
                ended.countDown();
              }
            });
    return call.get(0);
  }
}
