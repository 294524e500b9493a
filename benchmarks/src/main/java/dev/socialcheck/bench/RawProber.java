package dev.socialcheck.bench;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.checkers.OutgoingRequest;
import dev.socialcheck.server.checkers.ProbeResponse;
import dev.socialcheck.server.checkers.ProbeTransport;
import java.net.URI;
import java.net.URLEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.jspecify.annotations.Nullable;

/**
 * Scenario (b) of target 6, the ceiling: the same HTTP requests as the socialcheck server's probes,
 * sent through the same {@link ProbeTransport} and HTTP client, with neither gRPC, the engine, the
 * catalog's rules nor its guards. A call probes the fleet's platforms as the engine's strategies
 * would and ends at the first FOUND (the other probes are cancelled) or when all have answered:
 *
 * <ul>
 *   <li>{@link Mode#RACE}: all platforms at once.
 *   <li>{@link Mode#HEDGED}: likeliest first; the next one when the hedge delay passes or when
 *       nothing is running any more (the engine's HEDGED without its early starts, so it may start
 *       slightly fewer probes per call than the engine).
 * </ul>
 *
 * A closed loop keeps a fixed number of calls in flight. Thread-safe; one {@link #run} at a time.
 */
final class RawProber {
  enum Mode {
    RACE,
    HEDGED
  }

  /** One platform: where it is and whether it needs the token page first. */
  record Target(String id, URI base, boolean twoStep) {}

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern SID = Pattern.compile("sid=([^;]+)");
  private static final byte[] EXISTS = "\"exists\":true".getBytes(UTF_8);
  private static final int MAX_BODY = 256 * 1024;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ProbeTransport transport;
  private final List<Target> targets;
  private final ScheduledExecutorService timers;

  private final LongAdder callsStarted = new LongAdder();
  private final AtomicLong callsInFlight = new AtomicLong();
  private final LongAdder probesStarted = new LongAdder();
  private final LongAdder probesCancelled = new LongAdder();
  private final AtomicLong probesInFlight = new AtomicLong();

  /**
   * @param targets the platforms, likeliest first
   * @param timers runs the hedge timers
   */
  RawProber(ProbeTransport transport, List<Target> targets, ScheduledExecutorService timers) {
    this.transport = transport;
    this.targets = List.copyOf(targets);
    this.timers = timers;
  }

  /** The counters in {@code BenchServer}'s stats format (engine names, for the same samplers). */
  String stats() {
    return " runsStarted="
        + callsStarted.sum()
        + " runsInFlight="
        + callsInFlight.get()
        + " checksStarted="
        + probesStarted.sum()
        + " checksCancelled="
        + probesCancelled.sum()
        + " checksInFlight="
        + probesInFlight.get();
  }

  /**
   * What one window measured.
   *
   * @param latency call latencies in ns, calls decided inside the window
   * @param probes probes started inside the window
   */
  record Result(
      Histogram latency,
      long calls,
      long probes,
      long cancelled,
      Map<String, Long> errors,
      double windowSeconds) {

    /** One line: {@code RAW calls=.. probes=.. cancelled=.. windowMs=.. errors=.. latency=..}. */
    String line() {
      StringBuilder errorText = new StringBuilder();
      errors.forEach(
          (k, v) -> errorText.append(errorText.length() == 0 ? "" : ",").append(k + ":" + v));
      return "RAW calls="
          + calls
          + " probes="
          + probes
          + " cancelled="
          + cancelled
          + " windowMs="
          + Math.round(windowSeconds * 1000)
          + " errors="
          + (errorText.length() == 0 ? "-" : errorText)
          + " latency="
          + Histograms.encode(latency);
    }
  }

  /**
   * Keeps {@code calls} calls in flight for {@code warmup}, then measures for {@code measure}, then
   * lets the calls in flight finish (at most the probe timeout and 5 s).
   */
  Result run(Mode mode, int calls, Duration warmup, Duration measure, Duration hedge)
      throws InterruptedException {
    Loop loop = new Loop(mode, hedge);
    for (int i = 0; i < calls; i++) {
      loop.outstanding.incrementAndGet();
      loop.next();
    }
    Thread.sleep(warmup.toMillis());
    long probesBefore = probesStarted.sum();
    long cancelledBefore = probesCancelled.sum();
    long start = System.nanoTime();
    loop.windowStart = start;
    Thread.sleep(measure.toMillis());
    long end = System.nanoTime();
    loop.windowEnd = end;
    long probes = probesStarted.sum() - probesBefore;
    long cancelled = probesCancelled.sum() - cancelledBefore;
    loop.stopping.set(true);
    if (!loop.drained.await(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
      loop.error("UNDRAINED");
    }
    Map<String, Long> errors = new TreeMap<>();
    loop.errors.forEach((k, v) -> errors.put(k, v.sum()));
    return new Result(
        loop.latency.copy(), loop.ok.sum(), probes, cancelled, errors, (end - start) / 1e9);
  }

  /** A closed loop of calls. */
  private final class Loop {
    final Mode mode;
    final Duration hedge;
    final AtomicLong sequence = new AtomicLong();
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicBoolean stopping = new AtomicBoolean();
    final CountDownLatch drained = new CountDownLatch(1);
    final Histogram latency = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(5), 3);
    final LongAdder ok = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    volatile long windowStart = Long.MAX_VALUE;
    volatile long windowEnd = Long.MAX_VALUE;

    Loop(Mode mode, Duration hedge) {
      this.mode = mode;
      this.hedge = hedge;
    }

    void error(String what) {
      errors.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    /** Starts the next call, or winds down when stopping. */
    void next() {
      if (stopping.get()) {
        if (outstanding.decrementAndGet() == 0) {
          drained.countDown();
        }
        return;
      }
      new Call(this, "u" + sequence.getAndIncrement() + "@bench.example").start();
    }

    void decided(long startNanos) {
      long end = System.nanoTime();
      if (end >= windowStart && end < windowEnd) {
        latency.recordValue(Math.min(end - startNanos, latency.getHighestTrackableValue()));
        ok.increment();
      }
      callsInFlight.decrementAndGet();
      next();
    }
  }

  /** One call: its probes, and what is decided. */
  private final class Call {
    final Loop loop;
    final String email;
    final long startNanos = System.nanoTime();
    final Object lock = new Object();

    @GuardedBy("lock")
    final List<ListenableFuture<Boolean>> running = new ArrayList<>();

    @GuardedBy("lock")
    int nextToStart;

    @GuardedBy("lock")
    int ended;

    @GuardedBy("lock")
    boolean decided;

    @GuardedBy("lock")
    @Nullable Future<?> hedgeTimer;

    Call(Loop loop, String email) {
      this.loop = loop;
      this.email = email;
    }

    void start() {
      callsStarted.increment();
      callsInFlight.incrementAndGet();
      List<Integer> launches = new ArrayList<>();
      synchronized (lock) {
        int first = loop.mode == Mode.RACE ? targets.size() : 1;
        for (int i = 0; i < first; i++) {
          launches.add(nextToStart++);
        }
        armHedge();
      }
      launches.forEach(this::launch);
    }

    @GuardedBy("lock")
    private void armHedge() {
      if (loop.mode == Mode.HEDGED && nextToStart < targets.size()) {
        if (hedgeTimer != null) {
          hedgeTimer.cancel(false);
        }
        hedgeTimer = timers.schedule(this::onHedge, loop.hedge.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    private void onHedge() {
      int launch;
      synchronized (lock) {
        if (decided || nextToStart >= targets.size()) {
          return;
        }
        launch = nextToStart++;
        armHedge();
      }
      launch(launch);
    }

    private void launch(int index) {
      probesStarted.increment();
      probesInFlight.incrementAndGet();
      ListenableFuture<Boolean> probe = probe(targets.get(index));
      synchronized (lock) {
        running.add(probe);
      }
      Futures.addCallback(
          probe,
          new FutureCallback<Boolean>() {
            @Override
            public void onSuccess(@Nullable Boolean found) {
              ended(probe, requireNonNull(found), null);
            }

            @Override
            public void onFailure(Throwable t) {
              ended(probe, false, t);
            }
          },
          directExecutor());
    }

    // running.remove(probe): futures compare by identity, which is what removing one needs.
    @SuppressWarnings("CollectionUndefinedEquality")
    private void ended(ListenableFuture<Boolean> probe, boolean found, @Nullable Throwable error) {
      probesInFlight.decrementAndGet();
      if (probe.isCancelled()) {
        probesCancelled.increment();
        return; // Only a decided call cancels: it has already moved on.
      }
      if (error != null) {
        String message = String.valueOf(error.getMessage());
        loop.error(
            error.getClass().getSimpleName()
                + "("
                + message.substring(0, Math.min(40, message.length())).replaceAll("[\\s,:=]+", "_")
                + ")");
      }
      List<ListenableFuture<Boolean>> losers = List.of();
      boolean decide = false;
      int launch = -1;
      synchronized (lock) {
        running.remove(probe);
        ended++;
        if (decided) {
          return;
        }
        if (found) {
          decided = true;
          decide = true;
          losers = List.copyOf(running);
        } else if (ended == targets.size()) {
          decided = true;
          decide = true;
        } else if (running.isEmpty() && nextToStart < targets.size()) {
          launch = nextToStart++;
          armHedge();
        }
        if (decided && hedgeTimer != null) {
          hedgeTimer.cancel(false);
        }
      }
      for (ListenableFuture<Boolean> loser : losers) {
        loser.cancel(true);
      }
      if (launch >= 0) {
        launch(launch);
      }
      if (decide) {
        loop.decided(startNanos);
      }
    }

    /** One probe: the token page first for a two-step platform; true when FOUND. */
    private ListenableFuture<Boolean> probe(Target target) {
      URI check = target.base().resolve("check?email=" + URLEncoder.encode(email, UTF_8));
      if (!target.twoStep()) {
        return Futures.transform(
            transport.send(get(check, Map.of()), MAX_BODY), RawProber::exists, directExecutor());
      }
      return Futures.transform(
          Futures.transformAsync(
              transport.send(get(target.base().resolve("token"), Map.of()), MAX_BODY),
              page -> {
                Matcher csrf = CSRF.matcher(new String(page.body(), UTF_8));
                Optional<String> cookie = page.headers().firstValue("set-cookie");
                if (!csrf.find() || cookie.isEmpty()) {
                  throw new IllegalStateException("no token");
                }
                Matcher sid = SID.matcher(cookie.get());
                if (!sid.find()) {
                  throw new IllegalStateException("no session cookie");
                }
                return transport.send(
                    get(
                        check,
                        Map.of("Cookie", "sid=" + sid.group(1), "X-CSRF-Token", csrf.group(1))),
                    MAX_BODY);
              },
              directExecutor()),
          RawProber::exists,
          directExecutor());
    }
  }

  private static OutgoingRequest get(URI uri, Map<String, String> headers) {
    Map<String, String> all = new java.util.LinkedHashMap<>();
    all.put("User-Agent", "socialcheck-bench-raw");
    all.putAll(headers);
    return new OutgoingRequest("GET", uri, all, new byte[0], TIMEOUT);
  }

  private static boolean exists(ProbeResponse response) {
    if (response.status() != 200) {
      throw new IllegalStateException("HTTP " + response.status());
    }
    byte[] body = response.body();
    outer:
    for (int i = 0; i + EXISTS.length <= body.length; i++) {
      for (int j = 0; j < EXISTS.length; j++) {
        if (body[i + j] != EXISTS[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
