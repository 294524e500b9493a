package dev.socialcheck.server.grpc;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.canary.Canary;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.Fingerprints;
import dev.socialcheck.server.metrics.ServiceMetrics;
import dev.socialcheck.server.redis.SharedRedis;
import dev.socialcheck.server.tracing.Tracing;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running socialcheck gRPC server: the {@code socialcheck.v1.SocialAccountService}, server
 * reflection (v1 and v1alpha) and {@code grpc.health.v1} health.
 *
 * <p>Every call of the service goes through, outermost first: telemetry (request id, access log,
 * metrics), bearer-token authentication (if tokens are configured), the per-caller rate limit (if
 * set), and the concurrency limit (load shedding, fixed or adaptive: {@link ConcurrencyLimit});
 * only then is the request message parsed ({@link RequestDecoding}: bytes that are not a valid
 * message get {@code INVALID_ARGUMENT}). Health and reflection are open unless configured
 * otherwise.
 *
 * <p>Lifecycle: {@link Builder#start()} binds and reports health {@code SERVING}; {@link
 * #shutdown()} reports {@code NOT_SERVING}, stops accepting calls, lets calls in flight finish for
 * the grace period (a {@code CheckMany} stream stops reading items, answers those it read, then
 * ends with {@code UNAVAILABLE}), then cancels the rest (which cancels their checks) and releases
 * the threads it created. It does not shut down the engine's scheduler or the catalog, which the
 * caller owns.
 *
 * <p>Thread-safe.
 */
public final class SocialCheckServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocialCheckServer.class);

  /** Full name of the service, also the name under which its health is reported. */
  public static final String SERVICE_NAME = SocialAccountServiceGrpc.SERVICE_NAME;

  /**
   * Name under which the health service reports the shared Redis (with {@code --redis}): {@code
   * SERVING} while it is UP, {@code NOT_SERVING} while this replica works without it. Detail only:
   * the server itself stays {@code SERVING}, since it answers either way; do not probe this name.
   */
  public static final String REDIS_HEALTH_NAME = "socialcheck.redis";

  /** Requests are tiny; anything bigger is refused before it is parsed. */
  static final int MAX_INBOUND_MESSAGE_SIZE = 64 * 1024;

  private static final int MAX_INBOUND_METADATA_SIZE = 16 * 1024;

  /** Default of {@link Builder#checkManyConcurrency}. */
  public static final int DEFAULT_CHECK_MANY_CONCURRENCY = 16;

  /** Largest accepted {@link Builder#checkManyConcurrency}. */
  public static final int MAX_CHECK_MANY_CONCURRENCY = 256;

  /**
   * The default share of successful calls written to the access log: 1 in 100. A line per call
   * costs about as much CPU and garbage as the rest of the server's work on a call
   * (benchmarks/RESULTS.md, target 1); every call is counted by the metrics, and every call that
   * does not succeed (failed, refused, shed, cancelled) is written anyway.
   */
  public static final double DEFAULT_ACCESS_LOG_SAMPLE = 0.01;

  /** How long {@link #shutdown()} waits for the tasks left on the executor the server owns. */
  private static final Duration OWNED_EXECUTOR_WAIT = Duration.ofSeconds(5);

  private final Server server;
  private final InFlightCalls inFlight;
  private final HealthStatusManager health;
  private final @Nullable ExecutorService ownedExecutor;
  private final Duration shutdownGrace;

  /** The engine-backed service; null when a baseline replaced it ({@link Builder#service}). */
  private final @Nullable SocialAccountServiceImpl service;

  private final CheckManyStats checkManyStats;
  private final AtomicBoolean shutdownBegun = new AtomicBoolean();

  private SocialCheckServer(
      Server server,
      InFlightCalls inFlight,
      HealthStatusManager health,
      @Nullable ExecutorService ownedExecutor,
      Duration shutdownGrace,
      @Nullable SocialAccountServiceImpl service,
      CheckManyStats checkManyStats) {
    this.server = server;
    this.service = service;
    this.checkManyStats = checkManyStats;
    this.inFlight = inFlight;
    this.health = health;
    this.ownedExecutor = ownedExecutor;
    this.shutdownGrace = shutdownGrace;
  }

  /** Starts building a server for {@code engine} over {@code catalog}. */
  public static Builder builder(CheckEngine engine, Catalog catalog) {
    return new Builder(engine, catalog);
  }

  /** The bound port (useful after binding port 0); -1 for transports without ports. */
  public int port() {
    return server.getPort();
  }

  /**
   * Graceful shutdown: health {@code NOT_SERVING}, refuse new calls, wait up to the grace period
   * for socialcheck calls in flight, then cancel whatever is left (including long-lived streams
   * such as health watches, which are not waited for). Returns once the server has terminated and
   * the tasks left on the executor it owns (if it made its own) have run, up to 5 s more.
   * Idempotent.
   */
  public void shutdown() {
    if (shutdownBegun.compareAndSet(false, true)) {
      health.enterTerminalState(); // warns, with a stack trace, when called twice
    }
    server.shutdown();
    if (service != null) {
      service.drainStreams();
    }
    try {
      if (!inFlight.awaitIdle(shutdownGrace)) {
        log.warn(
            "{} calls still running after the {} grace period: cancelling them",
            inFlight.count(),
            DurationText.format(shutdownGrace));
      }
      server.shutdownNow();
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("server did not terminate within 5s of being forced");
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      awaitOwnedExecutor();
    }
  }

  /**
   * Lets the tasks already queued on the server's own executor run before {@link #shutdown()}
   * returns: gRPC's termination does not wait for them, and whoever closes the engine next (the
   * assembly) would otherwise have them find its scheduler closed.
   */
  private void awaitOwnedExecutor() {
    if (ownedExecutor == null) {
      return;
    }
    ownedExecutor.shutdown();
    try {
      if (!ownedExecutor.awaitTermination(OWNED_EXECUTOR_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        log.warn(
            "server threads still busy {} after shutdown: interrupting them",
            DurationText.format(OWNED_EXECUTOR_WAIT));
        ownedExecutor.shutdownNow();
      }
    } catch (InterruptedException e) {
      ownedExecutor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** socialcheck calls in progress (those counted against the in-flight limit). */
  public int callsInFlight() {
    return inFlight.count();
  }

  /** Counters of the {@code CheckMany} streams. */
  public CheckManyStats checkManyStats() {
    return checkManyStats;
  }

  /** Whether shutdown has begun: new calls are refused. */
  public boolean isShutdown() {
    return server.isShutdown();
  }

  /** Blocks until the server has terminated (after {@link #shutdown()} from another thread). */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
    if (ownedExecutor != null) {
      ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Same as {@link #shutdown()}. */
  @Override
  public void close() {
    shutdown();
  }

  /** Builder of {@link SocialCheckServer}; not thread-safe. */
  public static final class Builder {
    private final CheckEngine engine;
    private final Catalog catalog;
    private String host = "127.0.0.1";
    private int port = 50051;
    private @Nullable ServerBuilder<?> transport;
    private @Nullable Executor executor;
    private Duration defaultHedgeDelay = CheckRequest.DEFAULT_HEDGE_DELAY;
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private @Nullable ServiceMetrics metrics;
    private @Nullable TlsFiles tls;
    private Map<String, String> bearerTokens = Map.of();
    private boolean protectHealth;
    private boolean protectReflection;
    private double callerRatePerSecond;
    private int checkManyConcurrency = DEFAULT_CHECK_MANY_CONCURRENCY;
    private ConcurrencyLimit concurrencyLimit = ConcurrencyLimit.fixed(1000);
    private Tracing tracing = Tracing.off();
    private ConnectionLimits connectionLimits = ConnectionLimits.DEFAULTS;
    private @Nullable SharedRedis redis;
    private @Nullable Canary canary;
    private @Nullable BindableService replacement;
    private boolean requestDecoding = true;
    private double accessLogSample = DEFAULT_ACCESS_LOG_SAMPLE;
    private Fingerprints fingerprints = Fingerprints.processDefault();

    private Builder(CheckEngine engine, Catalog catalog) {
      this.engine = requireNonNull(engine, "engine");
      this.catalog = requireNonNull(catalog, "catalog");
    }

    private static java.util.function.Function<String, Optional<Canary.State>> canaryStates(
        @Nullable Canary canary) {
      return canary == null ? id -> Optional.empty() : canary::state;
    }

    /** The canary whose findings {@code ListPlatforms} shows (the server does not start it). */
    public Builder canary(Canary canary) {
      this.canary = requireNonNull(canary, "canary");
      return this;
    }

    /** Address to bind (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface). */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** Port to bind (default 50051; 0 picks a free one, see {@link SocialCheckServer#port()}). */
    public Builder port(int port) {
      checkArgument(port >= 0 && port <= 65535, "port out of range: %s", port);
      this.port = port;
      return this;
    }

    /**
     * Uses this transport instead of Netty on {@code host:port}, e.g. an in-process server in
     * tests. TLS and connection limits apply to the Netty transport only.
     */
    public Builder transport(ServerBuilder<?> transport) {
      this.transport = requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Executor for gRPC callbacks and responses (borrowed: not shut down by the server). Default: a
     * fixed pool of twice the processors, owned and shut down by the server.
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /** Hedge delay used when a HEDGED request sets none (default 1 s). */
    public Builder defaultHedgeDelay(Duration delay) {
      checkArgument(!delay.isNegative(), "hedge delay must not be negative");
      this.defaultHedgeDelay = delay;
      return this;
    }

    /** How long {@link SocialCheckServer#shutdown()} waits for calls in flight (default 10 s). */
    public Builder shutdownGrace(Duration grace) {
      checkArgument(!grace.isNegative(), "grace must not be negative");
      this.shutdownGrace = grace;
      return this;
    }

    /** Records call metrics and in-flight gauges here (default: no metrics). */
    public Builder metrics(ServiceMetrics metrics) {
      this.metrics = requireNonNull(metrics, "metrics");
      return this;
    }

    /** Serves TLS (and mutual TLS when a client CA is given) instead of plaintext. */
    public Builder tls(TlsFiles tls) {
      this.tls = requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Requires one of these bearer tokens (caller name to token) on every socialcheck call; empty
     * (the default) turns authentication off.
     */
    public Builder bearerTokens(Map<String, String> tokens) {
      tokens.forEach(
          (name, token) ->
              checkArgument(
                  token.length() >= 16, "token of %s is shorter than 16 characters", name));
      this.bearerTokens = Map.copyOf(tokens);
      return this;
    }

    /** Whether health and reflection also require a token (default: both open). */
    public Builder protect(boolean health, boolean reflection) {
      this.protectHealth = health;
      this.protectReflection = reflection;
      return this;
    }

    /** Calls per second allowed to each caller (token name, else peer IP); 0 turns it off. */
    public Builder callerRateLimit(double perSecond) {
      checkArgument(perSecond >= 0 && Double.isFinite(perSecond), "rate must be >= 0");
      this.callerRatePerSecond = perSecond;
      return this;
    }

    /**
     * Shares the per-caller rate limit with the other replicas through this Redis (borrowed: not
     * closed by the server), and reports its state under {@link #REDIS_HEALTH_NAME}. The result
     * cache is shared by the catalog's checkers, not here.
     */
    public Builder redis(SharedRedis redis) {
      this.redis = requireNonNull(redis, "redis");
      return this;
    }

    /** Most socialcheck calls in progress at once; beyond, calls are shed (default 1000). */
    public Builder maxInFlight(int calls) {
      checkArgument(calls > 0, "maxInFlight must be positive");
      this.concurrencyLimit = ConcurrencyLimit.fixed(calls);
      return this;
    }

    /**
     * How many socialcheck calls may be in progress at once, fixed or adaptive; beyond, calls are
     * shed (default: fixed at 1000). Replaces {@link #maxInFlight}.
     */
    public Builder concurrencyLimit(ConcurrencyLimit limit) {
      this.concurrencyLimit = requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Opens a server span per RPC (grpc-java's OpenTelemetry module) when {@code tracing} is on;
     * the engine's check spans come from {@link Tracing#observer()}, given to the engine. Borrowed:
     * not closed by the server. Default: off.
     */
    public Builder tracing(Tracing tracing) {
      this.tracing = requireNonNull(tracing, "tracing");
      return this;
    }

    /**
     * Most items one {@code CheckMany} stream holds at once: being checked, waiting for a
     * rate-limit permit, or answered but not yet sent (default 16, at most {@value
     * #MAX_CHECK_MANY_CONCURRENCY}). The stream reads no further item while it holds that many.
     */
    public Builder checkManyConcurrency(int items) {
      checkArgument(
          items >= 1 && items <= MAX_CHECK_MANY_CONCURRENCY,
          "checkManyConcurrency must be between 1 and %s: %s",
          MAX_CHECK_MANY_CONCURRENCY,
          items);
      this.checkManyConcurrency = items;
      return this;
    }

    /**
     * Serves {@code service} in place of the engine-backed {@code SocialAccountService}, behind the
     * same interceptors (telemetry, authentication, rate limit, load shedding). For baselines that
     * measure what the server adds around the engine (the benchmarks' echo); a server for callers
     * never sets it. {@code service} must implement {@code socialcheck.v1.SocialAccountService}.
     */
    public Builder service(BindableService service) {
      this.replacement = requireNonNull(service, "service");
      return this;
    }

    /**
     * Whether requests are parsed by {@link RequestDecoding} (default, and the only setting for
     * callers: bytes that are not a valid request get {@code INVALID_ARGUMENT} instead of {@code
     * UNKNOWN} and a stack trace in the log). {@code false} lets grpc-java parse them, which the
     * benchmarks use to measure what the decoding layer costs.
     */
    public Builder requestDecoding(boolean enabled) {
      this.requestDecoding = enabled;
      return this;
    }

    /**
     * Share of the calls that end {@code OK} written to the access log, 0 to 1 (default {@link
     * #DEFAULT_ACCESS_LOG_SAMPLE}, 1 in 100; 1 writes every call). Calls that fail, are refused,
     * shed or cancelled are always written; metrics count every call either way. A sampled line
     * carries {@code sample=<share>}. An access line costs about as much CPU as the rest of the
     * server's work on a call (benchmarks/RESULTS.md, target 1).
     */
    public Builder accessLogSample(double share) {
      checkArgument(share >= 0 && share <= 1, "access log sample must be between 0 and 1");
      this.accessLogSample = share;
      return this;
    }

    /**
     * Tags the addresses of the access log and the service's log lines (default: this process's
     * random key, {@link Fingerprints#processDefault()}). Give replicas the same key to match their
     * lines.
     */
    public Builder fingerprints(Fingerprints fingerprints) {
      this.fingerprints = requireNonNull(fingerprints, "fingerprints");
      return this;
    }

    /** HTTP/2 connection limits of the Netty transport. */
    public Builder connectionLimits(ConnectionLimits limits) {
      this.connectionLimits = requireNonNull(limits, "limits");
      return this;
    }

    /** Binds and starts the server. */
    public SocialCheckServer start() throws IOException {
      ExecutorService owned = null;
      Executor callbacks = executor;
      if (callbacks == null) {
        owned =
            Executors.newFixedThreadPool(
                2 * Runtime.getRuntime().availableProcessors(),
                new ThreadFactoryBuilder().setNameFormat("socialcheck-grpc-%d").build());
        callbacks = owned;
      }
      try {
        return start(callbacks, owned);
      } catch (IOException | RuntimeException e) {
        if (owned != null) {
          owned.shutdown();
        }
        throw e;
      }
    }

    private SocialCheckServer start(Executor callbacks, @Nullable ExecutorService owned)
        throws IOException {
      ServerBuilder<?> builder = transport != null ? transport : netty();
      HealthStatusManager health = new HealthStatusManager();
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
      health.setStatus(SERVICE_NAME, ServingStatus.NOT_SERVING);
      ServiceMetrics callMetrics = metrics;
      InFlightCalls inFlight =
          new InFlightCalls(
              concurrencyLimit, callMetrics == null ? () -> {} : callMetrics::callShed);
      CheckManyStats checkManyStats = new CheckManyStats();
      if (callMetrics != null) {
        callMetrics.bindEngine(engine.stats());
        callMetrics.bindCallsInFlight(inFlight::count);
        callMetrics.bindConcurrencyLimit(inFlight::limit);
        callMetrics.bindCheckMany(checkManyStats);
      }
      BearerTokenAuthenticator authenticator =
          bearerTokens.isEmpty() ? null : new BearerTokenAuthenticator(bearerTokens);
      if (authenticator == null && transport == null) {
        log.warn("authentication is off: any client that can reach the port can call");
      }
      // Innermost first: ServerInterceptors.intercept makes the last one the outermost.
      List<ServerInterceptor> chain = new ArrayList<>();
      chain.add(inFlight);
      CallerRateLimit rateLimit =
          callerRatePerSecond > 0
              ? new CallerRateLimit(
                  callerRatePerSecond,
                  redis,
                  callMetrics == null ? () -> {} : callMetrics::callRateLimited)
              : null;
      if (rateLimit != null) {
        chain.add(rateLimit);
      }
      if (authenticator != null) {
        chain.add(authenticator);
      }
      chain.add(new CallTelemetry(metrics, Ticker.systemTicker(), accessLogSample, fingerprints));
      @Nullable SocialAccountServiceImpl impl =
          replacement != null
              ? null
              : new SocialAccountServiceImpl(
                  engine,
                  catalog,
                  defaultHedgeDelay,
                  callbacks,
                  checkManyConcurrency,
                  rateLimit != null ? rateLimit : ItemPermits.UNLIMITED,
                  checkManyStats,
                  canaryStates(canary),
                  fingerprints);
      ServerServiceDefinition service =
          impl != null ? impl.bindService() : requireNonNull(replacement).bindService();
      checkState(
          service.getServiceDescriptor().getName().equals(SERVICE_NAME),
          "the service must be %s",
          SERVICE_NAME);
      tracing.configure(builder);
      builder
          .executor(callbacks)
          .maxInboundMessageSize(MAX_INBOUND_MESSAGE_SIZE)
          .maxInboundMetadataSize(MAX_INBOUND_METADATA_SIZE)
          .addService(
              ServerInterceptors.intercept(
                  requestDecoding ? RequestDecoding.of(service) : service, chain))
          .addService(guarded(health.getHealthService(), protectHealth, authenticator))
          .addService(
              guarded(ProtoReflectionServiceV1.newInstance(), protectReflection, authenticator))
          .addService(guarded(legacyReflection(), protectReflection, authenticator));
      Server server = builder.build().start();
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
      health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
      SharedRedis shared = redis;
      if (shared != null) {
        // Updates after shutdown began are ignored by the health manager (terminal state).
        shared.addStateListener(
            up ->
                health.setStatus(
                    REDIS_HEALTH_NAME, up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING));
        health.setStatus(
            REDIS_HEALTH_NAME, shared.isUp() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
      }
      checkState(!server.isShutdown(), "server did not start");
      return new SocialCheckServer(
          server, inFlight, health, owned, shutdownGrace, impl, checkManyStats);
    }

    private NettyServerBuilder netty() throws IOException {
      InetSocketAddress address = new InetSocketAddress(host, port);
      ConnectionLimits limits = connectionLimits;
      if (tls != null) {
        try {
          tls.validate();
        } catch (TlsFiles.InvalidFileException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
      return NettyServerBuilder.forAddress(
              address, tls != null ? tls.credentials() : InsecureServerCredentials.create())
          .maxConcurrentCallsPerConnection(limits.maxCallsPerConnection())
          .maxConnectionAge(limits.maxConnectionAge().toNanos(), TimeUnit.NANOSECONDS)
          .maxConnectionAgeGrace(limits.maxConnectionAgeGrace().toNanos(), TimeUnit.NANOSECONDS)
          .permitKeepAliveTime(limits.permitKeepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
          .permitKeepAliveWithoutCalls(false)
          .keepAliveTime(limits.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
          .maxRstFramesPerWindow(
              limits.maxRstFramesPerWindow(), (int) limits.rstWindow().toSeconds());
    }

    private static ServerServiceDefinition guarded(
        BindableService service, boolean protect, @Nullable BearerTokenAuthenticator auth) {
      return protect && auth != null
          ? ServerInterceptors.intercept(service, auth)
          : service.bindService();
    }

    /** v1alpha reflection, still the only one older grpcurl and some tools speak. */
    @SuppressWarnings("deprecation")
    private static BindableService legacyReflection() {
      return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }
  }
}
