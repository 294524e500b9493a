package dev.socialcheck.server.metrics;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.canary.Canary;
import dev.socialcheck.server.checkers.ProbeTransport;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.CheckTrace;
import dev.socialcheck.server.engine.EngineStats;
import dev.socialcheck.server.engine.PlatformLearning;
import dev.socialcheck.server.engine.RunObserver;
import dev.socialcheck.server.engine.StartReason;
import dev.socialcheck.server.engine.Strategy;
import dev.socialcheck.server.engine.Verdict;
import dev.socialcheck.server.redis.RedisStats;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The service's metrics, in a Prometheus registry. Names follow Prometheus conventions (Micrometer
 * adds {@code _total} to counters and {@code _seconds} to timers):
 *
 * <ul>
 *   <li>{@code socialcheck_rpc_requests_total{method,strategy,code}}, {@code
 *       socialcheck_rpc_duration_seconds{method,strategy}} (histogram), {@code
 *       socialcheck_rpc_in_flight}
 *   <li>{@code socialcheck_verdicts_total{strategy,verdict}}, {@code
 *       socialcheck_answer_duration_seconds{strategy}}
 *   <li>{@code socialcheck_checks_started_total{platform}}, {@code
 *       socialcheck_checks_total{platform,status}} (every ended check, {@code CANCELLED} included),
 *       {@code socialcheck_checks_cancelled_total{platform}}, {@code
 *       socialcheck_checks_wasted_total{platform}}, {@code
 *       socialcheck_check_duration_seconds{platform,status}} (histogram), {@code
 *       socialcheck_checks_in_flight}
 *   <li>{@code socialcheck_cache_hits_total{platform,status}}: checks answered from the result
 *       cache; {@code socialcheck_cache_coalesced_total{platform}}: checks that missed it while an
 *       identical check was in flight, and waited for that one instead of calling the platform
 *   <li>{@code socialcheck_check_many_items_total{result}} (answered, error): CheckMany items
 *       answered; {@code socialcheck_check_many_items_coalesced_total}: items answered by an
 *       identical item's check; {@code socialcheck_check_many_permit_waits_total}: items that
 *       waited for the caller's rate limit; {@code socialcheck_check_many_items_held}: items read
 *       and not yet answered; {@code socialcheck_check_many_streams}: open streams
 *   <li>{@code socialcheck_circuit_state{platform}}: 0 closed, 1 open, 2 half-open, 3 other
 *   <li>{@code socialcheck_concurrency_limit}: calls allowed in progress now (fixed, or what the
 *       adaptive limit learned); {@code socialcheck_rpc_rejected_total{reason}}: calls refused
 *       before any work, {@code shed} (over the concurrency limit) or {@code rate_limited} (over
 *       the caller's rate)
 *   <li>{@code socialcheck_run_checks_total{strategy,start}}: checks started, by why they started
 *       then ({@code first}, {@code next}, {@code parallel}, {@code hedge}, {@code early}; strategy
 *       {@code each} for {@code CheckEach}); the hedges and early starts of {@code adaptive} are
 *       its extra load
 *   <li>With {@code --redis}: {@code socialcheck_redis_up} (1 up, 0 down), {@code
 *       socialcheck_redis_state_changes_total}, {@code
 *       socialcheck_redis_cache_lookups_total{result}} (hit, miss: lookups Redis answered), {@code
 *       socialcheck_redis_rate_decisions_total{limit,result}} (caller or platform; allowed,
 *       rejected), {@code socialcheck_redis_fallbacks_total{use}} (cache_get, cache_put,
 *       caller_quota, platform_budget: done locally because Redis was down, slow or failing)
 *   <li>JVM and process metrics ({@code jvm_*}, {@code process_*}, {@code system_*})
 * </ul>
 *
 * <p>Thread-safe. Also the engine's {@link CheckObserver}.
 */
public final class ServiceMetrics implements CheckObserver {
  private final PrometheusMeterRegistry registry;

  private final Map<String, RunObserver> startsByStrategy;

  /** Metrics on the system clock. */
  public ServiceMetrics() {
    this(Clock.SYSTEM);
  }

  /**
   * Metrics whose registry reads {@code clock} (the server gives a {@link CoarseClock}: the wall
   * time Micrometer reads twice per timer record is then a field read).
   */
  public ServiceMetrics(Clock clock) {
    registry =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, new PrometheusRegistry(), requireNonNull(clock, "clock"));
    startsByStrategy = startCounters();
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  /** The registry, for the scrape endpoint and tests. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }

  /** Exposes the engine's in-flight gauges. */
  public void bindEngine(EngineStats stats) {
    Gauge.builder("socialcheck.checks.in.flight", stats, EngineStats::checksInFlight)
        .description("Checks started and neither completed nor cancelled")
        .strongReference(true)
        .register(registry);
  }

  /** Exposes the counters of the probes' HTTP transport. */
  public void bindProbeTransport(ProbeTransport transport) {
    FunctionCounter.builder(
            "socialcheck.probe.requests.resent", transport, ProbeTransport::lostConnectionRetries)
        .description(
            "Probe requests sent again because the platform closed their connection under them,"
                + " or did not process them (HTTP/2 GOAWAY)")
        .register(registry);
    FunctionCounter.builder(
            "socialcheck.probe.stream.limit.refusals",
            transport,
            ProbeTransport::streamLimitRefusals)
        .description(
            "Probe requests a platform's HTTP/2 stream limit refused that went on through another"
                + " connection (JDK client)")
        .register(registry);
  }

  /** Exposes the counters of the CheckMany streams. */
  public void bindCheckMany(CheckManyCounts stats) {
    FunctionCounter.builder("socialcheck.check.many.items", stats, CheckManyCounts::itemsAnswered)
        .description("CheckMany items answered, by result")
        .tag("result", "answered")
        .register(registry);
    FunctionCounter.builder("socialcheck.check.many.items", stats, CheckManyCounts::itemErrors)
        .description("CheckMany items answered, by result")
        .tag("result", "error")
        .register(registry);
    FunctionCounter.builder(
            "socialcheck.check.many.items.coalesced", stats, CheckManyCounts::itemsCoalesced)
        .description("CheckMany items answered by the check of an identical item in flight")
        .register(registry);
    FunctionCounter.builder(
            "socialcheck.check.many.permit.waits", stats, CheckManyCounts::permitWaits)
        .description("CheckMany items refused a rate-limit permit that waited to ask again")
        .register(registry);
    Gauge.builder("socialcheck.check.many.items.held", stats, CheckManyCounts::itemsHeld)
        .description("CheckMany items read and not yet answered")
        .strongReference(true)
        .register(registry);
    Gauge.builder("socialcheck.check.many.streams", stats, CheckManyCounts::streamsOpen)
        .description("CheckMany streams open")
        .strongReference(true)
        .register(registry);
  }

  /** Exposes the number of calls in progress. */
  public void bindCallsInFlight(IntSupplier inFlight) {
    Gauge.builder("socialcheck.rpc.in.flight", inFlight, s -> s.getAsInt())
        .description("socialcheck calls in progress")
        .strongReference(true)
        .register(registry);
  }

  /**
   * Exposes the current concurrency limit, and registers the rejection counters at zero (so both
   * series exist before the first rejection).
   */
  public void bindConcurrencyLimit(IntSupplier limit) {
    Gauge.builder("socialcheck.concurrency.limit", limit, s -> s.getAsInt())
        .description("socialcheck calls allowed in progress now (fixed or adaptive limit)")
        .strongReference(true)
        .register(registry);
    rejected("shed");
    rejected("rate_limited");
  }

  /** Records a call shed over the concurrency limit. */
  public void callShed() {
    rejected("shed").increment();
  }

  /** Records a call refused over its caller's rate limit. */
  public void callRateLimited() {
    rejected("rate_limited").increment();
  }

  private Counter rejected(String reason) {
    return Counter.builder("socialcheck.rpc.rejected")
        .description("socialcheck calls refused before any work, by reason (shed, rate_limited)")
        .tag("reason", reason)
        .register(registry);
  }

  /**
   * Exposes what the engine learned about a platform: {@code
   * socialcheck_platform_latency_seconds{platform,quantile="0.5"|"0.95"}}, {@code
   * socialcheck_platform_found_ratio{platform}}, {@code
   * socialcheck_platform_failure_ratio{platform}} and {@code
   * socialcheck_platform_samples{platform}} over the learning window.
   */
  public void bindLearning(String platformId, PlatformLearning learning) {
    Gauge.builder(
            "socialcheck.platform.latency",
            learning,
            l -> l.snapshot(platformId).p50().toNanos() / 1e9)
        .description("Learned latency of recent checks")
        .baseUnit("seconds")
        .tags("platform", platformId, "quantile", "0.5")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "socialcheck.platform.latency",
            learning,
            l -> l.snapshot(platformId).p95().toNanos() / 1e9)
        .description("Learned latency of recent checks")
        .baseUnit("seconds")
        .tags("platform", platformId, "quantile", "0.95")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "socialcheck.platform.found.ratio", learning, l -> l.snapshot(platformId).foundRate())
        .description("Share of recent checks that answered FOUND")
        .tag("platform", platformId)
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "socialcheck.platform.failure.ratio",
            learning,
            l -> l.snapshot(platformId).failureRate())
        .description("Share of recent checks that failed (error, timeout, blocked)")
        .tag("platform", platformId)
        .strongReference(true)
        .register(registry);
    Gauge.builder("socialcheck.platform.samples", learning, l -> l.snapshot(platformId).samples())
        .description("Checks in the learning window")
        .tag("platform", platformId)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Exposes how many checks of a platform waited for an identical check in flight instead of
   * calling the platform themselves ({@code socialcheck_cache_coalesced_total{platform}}).
   */
  public void bindResultCache(String platformId, ResultCache cache) {
    FunctionCounter.builder(
            "socialcheck.cache.coalesced", cache, c -> c.coalescedChecks(platformId))
        .description(
            "Checks that missed the result cache while an identical check was in flight, and"
                + " waited for it instead of calling the platform")
        .tag("platform", platformId)
        .register(registry);
  }

  /** Exposes a platform's circuit breaker state. */
  public void bindCircuitBreaker(String platformId, CircuitBreaker circuitBreaker) {
    Gauge.builder("socialcheck.circuit.state", circuitBreaker, ServiceMetrics::stateCode)
        .description("Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 other")
        .tag("platform", platformId)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Exposes what the canary found of each platform it watches: {@code socialcheck_canary_ok} (1
   * passed, 0 failed, NaN before the first conclusive canary), {@code
   * socialcheck_canary_last_success_seconds} (Unix time of the last pass, NaN before one), {@code
   * socialcheck_canary_consecutive_failures} and {@code socialcheck_canary_disabled} (1 while the
   * canary keeps the platform out of service).
   */
  public void bindCanary(Canary canary) {
    for (String platformId : canary.platforms()) {
      Gauge.builder(
              "socialcheck.canary.ok",
              canary,
              c ->
                  c.state(platformId)
                      .map(Canary.State::ok)
                      .map(ok -> ok ? 1.0 : 0.0)
                      .orElse(Double.NaN))
          .description(
              "Whether the platform's last conclusive canary passed: 1 yes, 0 no, NaN not yet")
          .tag("platform", platformId)
          .strongReference(true)
          .register(registry);
      Gauge.builder(
              "socialcheck.canary.last.success",
              canary,
              c ->
                  c.state(platformId)
                      .map(Canary.State::lastSuccess)
                      .map(t -> t.toEpochMilli() / 1000.0)
                      .orElse(Double.NaN))
          .description("Unix time of the platform's last passing canary (NaN before one)")
          .baseUnit("seconds")
          .tag("platform", platformId)
          .strongReference(true)
          .register(registry);
      Gauge.builder(
              "socialcheck.canary.consecutive.failures",
              canary,
              c -> c.state(platformId).map(Canary.State::consecutiveFailures).orElse(0))
          .description("Failed canaries of the platform in a row")
          .tag("platform", platformId)
          .strongReference(true)
          .register(registry);
      Gauge.builder(
              "socialcheck.canary.disabled",
              canary,
              c -> c.state(platformId).map(st -> st.disabled() ? 1 : 0).orElse(0))
          .description("1 while the canary keeps the platform out of service")
          .tag("platform", platformId)
          .strongReference(true)
          .register(registry);
    }
  }

  /** Exposes the shared Redis's state and counters. */
  public void bindRedis(RedisStats stats) {
    Gauge.builder("socialcheck.redis.up", stats, s -> s.up() ? 1 : 0)
        .description("Whether the shared Redis is in use: 1 up, 0 down (local fallback)")
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder("socialcheck.redis.state.changes", stats, RedisStats::stateChanges)
        .description("Transitions of the shared Redis between up and down")
        .register(registry);
    FunctionCounter.builder("socialcheck.redis.cache.lookups", stats, RedisStats::cacheHits)
        .description("Shared cache lookups answered by Redis")
        .tag("result", "hit")
        .register(registry);
    FunctionCounter.builder("socialcheck.redis.cache.lookups", stats, RedisStats::cacheMisses)
        .description("Shared cache lookups answered by Redis")
        .tag("result", "miss")
        .register(registry);
    for (RedisStats.Limit limit : RedisStats.Limit.values()) {
      FunctionCounter.builder("socialcheck.redis.rate.decisions", stats, s -> s.allowed(limit))
          .description("Shared rate decisions taken by Redis")
          .tags("limit", limit.label(), "result", "allowed")
          .register(registry);
      FunctionCounter.builder("socialcheck.redis.rate.decisions", stats, s -> s.rejected(limit))
          .description("Shared rate decisions taken by Redis")
          .tags("limit", limit.label(), "result", "rejected")
          .register(registry);
    }
    for (RedisStats.Use use : RedisStats.Use.values()) {
      FunctionCounter.builder("socialcheck.redis.fallbacks", stats, s -> s.fallbacks(use))
          .description("Operations done locally because Redis was down, slow or failing")
          .tag("use", use.label())
          .register(registry);
    }
  }

  private static double stateCode(CircuitBreaker circuitBreaker) {
    return switch (circuitBreaker.getState()) {
      case CLOSED -> 0;
      case OPEN, FORCED_OPEN -> 1;
      case HALF_OPEN -> 2;
      default -> 3;
    };
  }

  /**
   * The meters of one method and strategy, looked up once per call: recording a call then touches
   * no registry and builds no tag list (the registry's lookup of a meter by name and tags costs
   * more than the increment). Meters are still registered on first use, so the exposition lists
   * exactly the series that have seen a call.
   */
  public final class CallMeters {
    private final String method;
    private final String strategy;
    private final Timer duration;
    private final ConcurrentHashMap<String, Counter> requestsByCode = new ConcurrentHashMap<>();

    private CallMeters(String method, String strategy) {
      this.method = method;
      this.strategy = strategy;
      this.duration =
          Timer.builder("socialcheck.rpc.duration")
              .description("socialcheck call latency")
              .tags("method", method, "strategy", strategy)
              .publishPercentileHistogram()
              .register(registry);
    }

    /**
     * Records one finished call.
     *
     * @param code the gRPC status code's name, e.g. {@code OK}
     */
    public void record(String code, long elapsedNanos) {
      Counter requests = requestsByCode.get(code);
      if (requests == null) {
        requests =
            requestsByCode.computeIfAbsent(
                code,
                c ->
                    Counter.builder("socialcheck.rpc.requests")
                        .description("socialcheck calls by method, strategy and gRPC status code")
                        .tags("method", method, "strategy", strategy, "code", c)
                        .register(registry));
      }
      requests.increment();
      duration.record(elapsedNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Call meters by method, then strategy. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, CallMeters>> callMeters =
      new ConcurrentHashMap<>();

  /** The meters of calls of {@code method} with {@code strategy} (no allocation once created). */
  public CallMeters callMeters(String method, String strategy) {
    ConcurrentHashMap<String, CallMeters> byStrategy = callMeters.get(method);
    if (byStrategy == null) {
      byStrategy = callMeters.computeIfAbsent(method, m -> new ConcurrentHashMap<>());
    }
    CallMeters meters = byStrategy.get(strategy);
    if (meters == null) {
      meters = byStrategy.computeIfAbsent(strategy, st -> new CallMeters(method, st));
    }
    return meters;
  }

  /** Records one finished call. */
  public void recordCall(String method, String strategy, String code, Duration elapsed) {
    callMeters(method, strategy).record(code, elapsed.toNanos());
  }

  /**
   * A platform's check meters, each registered on first use and then kept, indexed by status:
   * recording a check builds no tag list and looks nothing up in the registry.
   */
  // Meters in arrays by ordinal: bound once, read without a map lookup on every check.
  @SuppressWarnings("EnumOrdinal")
  private final class PlatformMeters {
    private final String platform;
    private final int statuses = CheckStatus.values().length;
    private final AtomicReferenceArray<Counter> ended = new AtomicReferenceArray<>(statuses);
    private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(statuses);
    private final AtomicReferenceArray<Counter> cacheHits = new AtomicReferenceArray<>(statuses);
    private volatile @Nullable Counter started;
    private volatile @Nullable Counter cancelled;
    private volatile @Nullable Counter wasted;

    PlatformMeters(String platform) {
      this.platform = platform;
    }

    Counter started() {
      Counter c = started;
      if (c == null) {
        c =
            Counter.builder("socialcheck.checks.started")
                .description("Checks started (platform calls made)")
                .tag("platform", platform)
                .register(registry);
        started = c;
      }
      return c;
    }

    Counter ended(CheckStatus status) {
      Counter c = ended.get(status.ordinal());
      if (c == null) {
        c =
            Counter.builder("socialcheck.checks")
                .description("Checks ended, by platform and status")
                .tags("platform", platform, "status", label(status))
                .register(registry);
        ended.set(status.ordinal(), c);
      }
      return c;
    }

    Timer duration(CheckStatus status) {
      Timer t = durations.get(status.ordinal());
      if (t == null) {
        t =
            Timer.builder("socialcheck.check.duration")
                .description("Check latency, by platform and status")
                .tags("platform", platform, "status", label(status))
                .publishPercentileHistogram()
                .register(registry);
        durations.set(status.ordinal(), t);
      }
      return t;
    }

    Counter cancelled() {
      Counter c = cancelled;
      if (c == null) {
        c =
            Counter.builder("socialcheck.checks.cancelled")
                .description("Checks cancelled because the answer was known or the caller left")
                .tag("platform", platform)
                .register(registry);
        cancelled = c;
      }
      return c;
    }

    Counter cacheHit(CheckStatus status) {
      Counter c = cacheHits.get(status.ordinal());
      if (c == null) {
        c =
            Counter.builder("socialcheck.cache.hits")
                .description(
                    "Checks answered from the result cache (no platform call); platform calls are"
                        + " socialcheck_checks_started_total minus these and minus"
                        + " socialcheck_cache_coalesced_total")
                .tags("platform", platform, "status", label(status))
                .register(registry);
        cacheHits.set(status.ordinal(), c);
      }
      return c;
    }

    Counter wasted() {
      Counter c = wasted;
      if (c == null) {
        c =
            Counter.builder("socialcheck.checks.wasted")
                .description("Checks that completed after they had been cancelled")
                .tag("platform", platform)
                .register(registry);
        wasted = c;
      }
      return c;
    }
  }

  private final ConcurrentHashMap<String, PlatformMeters> platformMeters =
      new ConcurrentHashMap<>();

  private PlatformMeters platform(String platformId) {
    PlatformMeters meters = platformMeters.get(platformId);
    if (meters == null) {
      meters = platformMeters.computeIfAbsent(platformId, PlatformMeters::new);
    }
    return meters;
  }

  private static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void checkStarted(String platformId) {
    platform(platformId).started().increment();
  }

  @Override
  public void checkEnded(String platformId, CheckStatus status, Duration latency) {
    PlatformMeters meters = platform(platformId);
    meters.ended(status).increment();
    if (status == CheckStatus.CANCELLED) {
      meters.cancelled().increment();
    }
    meters.duration(status).record(latency);
  }

  @Override
  public void checkAnsweredFromCache(String platformId, CheckStatus status) {
    platform(platformId).cacheHit(status).increment();
  }

  @Override
  public void checkWasted(String platformId) {
    platform(platformId).wasted().increment();
  }

  /**
   * Counts the run's checks by why they started ({@code socialcheck_run_checks_total}); the label
   * {@code strategy} is {@code each} for runs that check every platform ({@code CheckEach}).
   */
  @Override
  public RunObserver runStarted(CheckRequest request) {
    return requireNonNull(
        startsByStrategy.get(
            request.stopAtFirstFound()
                ? request.strategy().name().toLowerCase(Locale.ROOT)
                : "each"));
  }

  /** One run observer per strategy label (no allocation per run). */
  private Map<String, RunObserver> startCounters() {
    Map<String, RunObserver> observers = new HashMap<>();
    List<String> labels = new ArrayList<>();
    for (Strategy strategy : Strategy.values()) {
      labels.add(strategy.name().toLowerCase(Locale.ROOT));
    }
    labels.add("each");
    for (String label : labels) {
      Map<StartReason, Counter> counters = new EnumMap<>(StartReason.class);
      for (StartReason reason : StartReason.values()) {
        counters.put(
            reason,
            Counter.builder("socialcheck.run.checks")
                .description(
                    "Checks started, by strategy and why they started then (first, next, parallel,"
                        + " hedge, early)")
                .tags("strategy", label, "start", reason.name().toLowerCase(Locale.ROOT))
                .register(registry));
      }
      observers.put(
          label,
          new RunObserver() {
            @Override
            public CheckTrace checkStarted(String platformId, StartReason reason) {
              requireNonNull(counters.get(reason)).increment();
              return CheckTrace.NONE;
            }
          });
    }
    return Map.copyOf(observers);
  }

  /**
   * Answers by [strategy][verdict], and time to the answer by strategy; registered on first use.
   */
  private final AtomicReferenceArray<Counter> verdicts =
      new AtomicReferenceArray<>((Strategy.values().length + 1) * Verdict.values().length);

  private final AtomicReferenceArray<Timer> answerDurations =
      new AtomicReferenceArray<>(Strategy.values().length + 1);

  @Override
  @SuppressWarnings("EnumOrdinal") // meters in arrays by ordinal, as in PlatformMeters
  public void runAnswered(CheckRequest request, Verdict verdict, Duration elapsed) {
    // One slot per strategy, and one more for runs with no early stop (CheckEach: "each").
    int mode = request.stopAtFirstFound() ? request.strategy().ordinal() : Strategy.values().length;
    int slot = mode * Verdict.values().length + verdict.ordinal();
    Counter answers = verdicts.get(slot);
    if (answers == null) {
      answers =
          Counter.builder("socialcheck.verdicts")
              .description("Answers, by strategy and verdict")
              .tags("strategy", request.mode(), "verdict", label(verdict))
              .register(registry);
      verdicts.set(slot, answers);
    }
    answers.increment();
    Timer duration = answerDurations.get(mode);
    if (duration == null) {
      duration =
          Timer.builder("socialcheck.answer.duration")
              .description("Time to the answer, by strategy")
              .tag("strategy", request.mode())
              .publishPercentileHistogram()
              .register(registry);
      answerDurations.set(mode, duration);
    }
    duration.record(elapsed);
  }
}
