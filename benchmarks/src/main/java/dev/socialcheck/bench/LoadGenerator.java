package dev.socialcheck.bench;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.google.protobuf.ByteString;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.SocialAccountServiceGrpc.SocialAccountServiceStub;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.jspecify.annotations.Nullable;

/**
 * A bounded load generator over the async stub of {@code HasSocialAccount}, on loopback.
 *
 * <ul>
 *   <li><b>Closed loop</b> ({@link #closedLoop}): a fixed number of calls in flight; each
 *       completion starts the next call. Warm-up, then a measured window; only calls that complete
 *       inside the window count. Latency is from the call's start.
 *   <li><b>Open loop</b> ({@link #openLoop}): calls start on a fixed schedule whatever the server's
 *       speed, and latency is measured from the <em>intended</em> start, so a stalled server shows
 *       up in the latency instead of slowing the load down (no coordinated omission). Calls beyond
 *       {@code maxOutstanding} in flight are not sent and are counted as {@code CLIENT_LIMIT}
 *       errors.
 * </ul>
 *
 * Every call has a deadline and every loop stops by itself. Responses are counted per {@link Lane}:
 * latency (HdrHistogram, ns), errors by status, checks started per request (statuses other than
 * SKIPPED, so CANCELLED counts as a call made), result-cache hits among them (a FOUND or NOT_FOUND
 * whose detail starts with {@code "cached "}: no platform call), response size. A lane may send to
 * another generator's server ({@link Lane#via}), so one open loop can drive several servers with
 * the same arrivals.
 */
final class LoadGenerator implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<SocialAccountServiceStub> stubs = new ArrayList<>();
  private final AtomicLong roundRobin = new AtomicLong();

  /** Re-issues calls after errors, so a failing server cannot recurse on the caller's stack. */
  private final ExecutorService reissue =
      Executors.newSingleThreadExecutor(
          new ThreadFactoryBuilder().setNameFormat("load-reissue").setDaemon(true).build());

  /**
   * @param connections HTTP/2 connections, used round-robin; the same for every scenario so server
   *     thread counts stay comparable
   */
  LoadGenerator(int port, int connections) {
    for (int i = 0; i < connections; i++) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
      channels.add(channel);
      stubs.add(SocialAccountServiceGrpc.newStub(channel));
    }
  }

  private SocialAccountServiceStub stub() {
    return stubs.get((int) (roundRobin.getAndIncrement() % stubs.size()));
  }

  private SocialAccountServiceStub stubFor(Lane lane) {
    LoadGenerator target = lane.target;
    return target == null ? stub() : target.stub();
  }

  /** A named stream of requests with its own statistics. */
  static final class Lane {
    final String name;
    final LongFunction<HasSocialAccountRequest> requests;
    final @Nullable BiConsumer<HasSocialAccountRequest, HasSocialAccountResponse> inspector;
    final Histogram latency = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(10), 3);
    final LongAdder ok = new LongAdder();
    final LongAdder checksStarted = new LongAdder();
    final LongAdder checksCancelled = new LongAdder();
    final LongAdder cacheHits = new LongAdder();
    final LongAdder noCallRequests = new LongAdder();
    final LongAdder responseBytes = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    /** Every response, warm-up included: to compare with counters kept by the server. */
    final LongAdder allResponses = new LongAdder();

    final LongAdder allChecksStarted = new LongAdder();
    final LongAdder allCacheHits = new LongAdder();

    private @Nullable LoadGenerator target;

    /**
     * @param requests the request for sequence number {@code n} (distinct addresses per call in
     *     flight when the server matches timelines by address)
     * @param inspector sees every measured response with its request, e.g. to read server-side
     *     latencies or check the answers
     */
    Lane(
        String name,
        LongFunction<HasSocialAccountRequest> requests,
        @Nullable BiConsumer<HasSocialAccountRequest, HasSocialAccountResponse> inspector) {
      this.name = name;
      this.requests = requests;
      this.inspector = inspector;
    }

    /** Sends this lane's calls to {@code generator}'s server instead of the running one's. */
    Lane via(LoadGenerator generator) {
      this.target = generator;
      return this;
    }

    /**
     * A response, warm-up included; {@code measured} ones also count for the window's figures. One
     * pass over the results, no allocation: this runs for every call of target 1's closed loops.
     */
    void record(
        HasSocialAccountRequest request,
        HasSocialAccountResponse response,
        boolean measured,
        long latencyNanos) {
      long started = 0;
      long cancelled = 0;
      long hits = 0;
      for (PlatformResult result : response.getResultsList()) {
        if (result.getStatus() != PlatformStatus.PLATFORM_STATUS_SKIPPED) {
          started++;
        }
        if (result.getStatus() == PlatformStatus.PLATFORM_STATUS_CANCELLED) {
          cancelled++;
        }
        if (isCacheHit(result)) {
          hits++;
        }
      }
      allResponses.increment();
      allChecksStarted.add(started);
      allCacheHits.add(hits);
      if (!measured) {
        return;
      }
      latency.recordValue(Math.min(latencyNanos, latency.getHighestTrackableValue()));
      ok.increment();
      checksStarted.add(started);
      checksCancelled.add(cancelled);
      cacheHits.add(hits);
      if (started == hits) {
        noCallRequests.increment();
      }
      responseBytes.add(response.getSerializedSize());
      if (inspector != null) {
        inspector.accept(request, response);
      }
    }

    void recordError(String code) {
      errors.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    Result result(double windowSeconds) {
      long n = ok.sum();
      Map<String, Long> errorCounts = new TreeMap<>();
      errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
      return new Result(
          name,
          latency.copy(),
          n,
          errorCounts,
          windowSeconds,
          n / windowSeconds,
          n == 0 ? Double.NaN : checksStarted.sum() / (double) n,
          n == 0 ? Double.NaN : checksCancelled.sum() / (double) n,
          n == 0 ? Double.NaN : cacheHits.sum() / (double) n,
          n == 0 ? Double.NaN : noCallRequests.sum() / (double) n,
          n == 0 ? Double.NaN : responseBytes.sum() / (double) n);
    }
  }

  /** Checks the engine started for a response: every status but SKIPPED. */
  static long started(HasSocialAccountResponse response) {
    return response.getResultsList().stream()
        .filter(r -> r.getStatus() != PlatformStatus.PLATFORM_STATUS_SKIPPED)
        .count();
  }

  /** Checks answered by the server's result cache: no platform call was made for them. */
  static long cacheHits(HasSocialAccountResponse response) {
    return response.getResultsList().stream().filter(LoadGenerator::isCacheHit).count();
  }

  /**
   * A FOUND or NOT_FOUND that {@code CachingChecker} answered ({@code "cached <age> ago: ..."}).
   */
  static boolean isCacheHit(PlatformResult result) {
    return (result.getStatus() == PlatformStatus.PLATFORM_STATUS_FOUND
            || result.getStatus() == PlatformStatus.PLATFORM_STATUS_NOT_FOUND)
        && result.getDetailBytes().startsWith(CACHED);
  }

  /** The prefix {@code CachingChecker} puts on a cached answer's detail, as UTF-8 bytes. */
  private static final ByteString CACHED = ByteString.copyFromUtf8("cached ");

  /**
   * What a lane measured.
   *
   * @param latency nanoseconds, one value per successful call
   * @param throughput successful calls per second over the window
   */
  record Result(
      String name,
      Histogram latency,
      long ok,
      Map<String, Long> errors,
      double windowSeconds,
      double throughput,
      double callsPerRequest,
      double cancelledPerRequest,
      double cacheHitsPerRequest,
      double noCallShare,
      double responseBytes) {

    /** Checks that reached a platform: started, minus those the result cache answered. */
    double platformCallsPerRequest() {
      return callsPerRequest - cacheHitsPerRequest;
    }

    /** Cache hits ÷ checks started. */
    double hitRate() {
      return cacheHitsPerRequest / callsPerRequest;
    }

    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    double millis(double percentile) {
      return Histograms.millis(latency, percentile);
    }

    double maxMillis() {
      return Histograms.maxMillis(latency);
    }
  }

  /** Told when the measured window opens and closes (e.g. to sample the server). */
  interface Window {
    Window NONE = new Window() {};

    default void opened() {}

    /**
     * At the window's end with the load still running (nothing new is measured after this): for a
     * reading at full load that must not fall inside the window, such as a full GC that reads the
     * live heap. Then the load stops and {@link #closed} follows.
     */
    default void endedUnderLoad() {}

    default void closed() {}
  }

  /** Runs a closed loop of {@code concurrency} calls in flight and returns the window's figures. */
  Result closedLoop(
      Lane lane,
      int concurrency,
      Duration warmup,
      Duration measure,
      Duration callDeadline,
      Window window)
      throws InterruptedException {
    ClosedLoop loop = new ClosedLoop(lane, callDeadline);
    for (int i = 0; i < concurrency; i++) {
      loop.outstanding.incrementAndGet();
      loop.issue();
    }
    Thread.sleep(warmup.toMillis());
    long start = System.nanoTime();
    loop.windowStart = start;
    window.opened();
    Thread.sleep(measure.toMillis());
    long end = System.nanoTime();
    loop.windowEnd = end;
    window.endedUnderLoad();
    loop.stopping.set(true);
    window.closed();
    if (!loop.drained.await(callDeadline.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
      lane.recordError("CLIENT_UNDRAINED");
    }
    return lane.result((end - start) / 1e9);
  }

  private final class ClosedLoop {
    final Lane lane;
    final long deadlineMillis;
    final AtomicLong sequence = new AtomicLong();
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicBoolean stopping = new AtomicBoolean();
    final CountDownLatch drained = new CountDownLatch(1);
    volatile long windowStart = Long.MAX_VALUE;
    volatile long windowEnd = Long.MAX_VALUE;

    ClosedLoop(Lane lane, Duration callDeadline) {
      this.lane = lane;
      this.deadlineMillis = callDeadline.toMillis();
    }

    boolean inWindow(long nanos) {
      return nanos >= windowStart && nanos < windowEnd;
    }

    void issue() {
      if (stopping.get()) {
        if (outstanding.decrementAndGet() == 0) {
          drained.countDown();
        }
        return;
      }
      HasSocialAccountRequest request = lane.requests.apply(sequence.getAndIncrement());
      long start = System.nanoTime();
      stubFor(lane)
          .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
          .hasSocialAccount(
              request,
              new StreamObserver<HasSocialAccountResponse>() {
                @Nullable HasSocialAccountResponse response;

                @Override
                public void onNext(HasSocialAccountResponse value) {
                  response = value;
                }

                @Override
                public void onError(Throwable t) {
                  if (inWindow(System.nanoTime())) {
                    lane.recordError(Status.fromThrowable(t).getCode().name());
                  }
                  reissue.execute(ClosedLoop.this::issue);
                }

                @Override
                public void onCompleted() {
                  long end = System.nanoTime();
                  HasSocialAccountResponse r = response;
                  if (r != null) {
                    lane.record(request, r, inWindow(end), end - start);
                  }
                  issue();
                }
              });
    }
  }

  /**
   * Runs an open loop: arrival {@code i} is due at {@code i / arrivalsPerSecond} and sends one call
   * per lane (so lanes see the same sequence numbers at the same moments; the lane that goes first
   * rotates with {@code i}, so none always pays for the others' sends). The first {@code
   * warmupArrivals} are not measured. Waits for every call to end.
   */
  List<Result> openLoop(
      List<Lane> lanes,
      double arrivalsPerSecond,
      long warmupArrivals,
      long measuredArrivals,
      int maxOutstanding,
      Duration callDeadline)
      throws InterruptedException {
    return openLoop(
        lanes,
        arrivalsPerSecond,
        warmupArrivals,
        measuredArrivals,
        maxOutstanding,
        callDeadline,
        Window.NONE);
  }

  /**
   * {@link #openLoop(List, double, long, long, int, Duration)}, telling {@code window} when the
   * first measured arrival is due (before it is sent) and when every call has ended.
   */
  List<Result> openLoop(
      List<Lane> lanes,
      double arrivalsPerSecond,
      long warmupArrivals,
      long measuredArrivals,
      int maxOutstanding,
      Duration callDeadline,
      Window window)
      throws InterruptedException {
    AtomicInteger outstanding = new AtomicInteger();
    AtomicLong lastEnd = new AtomicLong();
    long total = warmupArrivals + measuredArrivals;
    double period = 1e9 / arrivalsPerSecond;
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    long measuredStart = t0 + Math.round(warmupArrivals * period);
    for (long i = 0; i < total; i++) {
      long intended = t0 + Math.round(i * period);
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      boolean measured = i >= warmupArrivals;
      if (i == warmupArrivals) {
        window.opened();
      }
      for (int j = 0; j < lanes.size(); j++) {
        Lane lane = lanes.get((int) ((i + j) % lanes.size()));
        if (outstanding.get() >= maxOutstanding) {
          if (measured) {
            lane.recordError("CLIENT_LIMIT");
          }
          continue;
        }
        outstanding.incrementAndGet();
        HasSocialAccountRequest request = lane.requests.apply(i);
        stubFor(lane)
            .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
            .hasSocialAccount(
                request,
                new StreamObserver<HasSocialAccountResponse>() {
                  @Nullable HasSocialAccountResponse response;

                  @Override
                  public void onNext(HasSocialAccountResponse value) {
                    response = value;
                  }

                  @Override
                  public void onError(Throwable t) {
                    if (measured) {
                      lane.recordError(Status.fromThrowable(t).getCode().name());
                    }
                    outstanding.decrementAndGet();
                  }

                  @Override
                  public void onCompleted() {
                    long end = System.nanoTime();
                    HasSocialAccountResponse r = response;
                    if (r != null) {
                      lane.record(request, r, measured, end - intended);
                      if (measured) {
                        lastEnd.accumulateAndGet(end, Math::max);
                      }
                    }
                    outstanding.decrementAndGet();
                  }
                });
      }
    }
    long drainDeadline = System.nanoTime() + callDeadline.toNanos() + TimeUnit.SECONDS.toNanos(5);
    while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
      Thread.sleep(10);
    }
    if (outstanding.get() > 0) {
      lanes.get(0).recordError("CLIENT_UNDRAINED");
    }
    window.closed();
    double windowSeconds = Math.max(1e-9, (lastEnd.get() - measuredStart) / 1e9);
    List<Result> results = new ArrayList<>();
    for (Lane lane : lanes) {
      results.add(lane.result(windowSeconds));
    }
    return results;
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    try {
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reissue.shutdownNow();
  }
}
