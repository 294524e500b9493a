package dev.socialcheck.server.assembly;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.assembly.InvalidSettingException.Setting;
import dev.socialcheck.server.assembly.ServerStartException.Part;
import dev.socialcheck.server.canary.Canary;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogDefinition;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.catalog.CatalogReader;
import dev.socialcheck.server.catalog.CheckerStack;
import dev.socialcheck.server.catalog.DemoCatalog;
import dev.socialcheck.server.checkers.BlockingCheckPool;
import dev.socialcheck.server.checkers.CacheKeys;
import dev.socialcheck.server.checkers.HttpProbeChecker;
import dev.socialcheck.server.checkers.HttpProbeEnvironment;
import dev.socialcheck.server.checkers.ProbeTransport;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.checkers.SharedPlatformBudget;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.Fingerprints;
import dev.socialcheck.server.grpc.ConcurrencyLimit;
import dev.socialcheck.server.grpc.ConnectionLimits;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.server.metrics.CoarseClock;
import dev.socialcheck.server.metrics.MetricsEndpoint;
import dev.socialcheck.server.metrics.ServiceMetrics;
import dev.socialcheck.server.redis.SharedRedis;
import dev.socialcheck.server.spi.CheckerContext;
import dev.socialcheck.server.spi.CheckerRegistry;
import dev.socialcheck.server.tracing.Tracing;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The running pieces of one server, built from {@link ServerSettings} — the same way for {@code
 * serve}, {@code check}, {@code selfcheck}, {@code screen} and the benchmarks:
 *
 * <ol>
 *   <li>the engine's scheduler (unless given) and the tracing;
 *   <li>Redis, when set (connecting in the background; {@link #create} waits up to its connect
 *       timeout, so the first calls already share);
 *   <li>the result cache (not for the demo catalog), under the cache keys' secret, from which the
 *       keyed {@link Fingerprints} of logs and traces derive too;
 *   <li>the catalog: read ({@link CatalogReader}, each entry's checker from its type's provider, a
 *       pool for blocking checker code), then protected ({@link CheckerStack}), then gated by the
 *       canary when one runs;
 *   <li>metrics (with their endpoint when a port is set), bound to everything above;
 *   <li>the engine, heard by metrics, tracing and the settings' observer;
 *   <li>on {@link #startServer()}, the gRPC server over all of it.
 * </ol>
 *
 * {@link #close()} shuts the server down (draining calls for the grace period), then releases the
 * rest in the reverse order. Thread-safe.
 */
public final class ServerAssembly implements AutoCloseable {
  private final ServerSettings settings;
  private final CheckEngine engine;
  private final Catalog catalog;
  private final CatalogDefinition definition;
  private final ResultCache resultCache;
  private final Fingerprints fingerprints;
  private final CacheKeys cacheKeys;
  private final @Nullable SharedRedis redis;
  private final @Nullable ServiceMetrics metrics;
  private final @Nullable MetricsEndpoint metricsEndpoint;
  private final @Nullable Canary canary;
  private final Tracing tracing;

  /** What to release on close, the last made first. */
  private final Deque<AutoCloseable> resources;

  @GuardedBy("this")
  private @Nullable SocialCheckServer server;

  @GuardedBy("this")
  private boolean closed;

  private ServerAssembly(Parts parts) {
    this.settings = parts.settings;
    this.engine = requireNonNull(parts.engine);
    this.catalog = requireNonNull(parts.catalog);
    this.definition = requireNonNull(parts.definition);
    this.resultCache = requireNonNull(parts.resultCache);
    this.fingerprints = requireNonNull(parts.fingerprints);
    this.cacheKeys = requireNonNull(parts.cacheKeys);
    this.redis = parts.redis;
    this.metrics = parts.metrics;
    this.metricsEndpoint = parts.metricsEndpoint;
    this.canary = parts.canary;
    this.tracing = requireNonNull(parts.tracing);
    this.resources = parts.resources;
  }

  /**
   * Builds everything but the gRPC server (which {@link #startServer()} starts): what an in-process
   * check needs is then ready.
   *
   * @throws InvalidSettingException if a setting turns out unusable (a malformed Redis URI)
   * @throws dev.socialcheck.server.catalog.CatalogException if the catalog cannot be loaded
   * @throws dev.socialcheck.server.spi.CheckerProviderException if the class path's checker
   *     providers clash
   * @throws ServerStartException if tracing or the metrics endpoint cannot start
   * @throws InterruptedException if interrupted while waiting for Redis
   */
  public static ServerAssembly create(ServerSettings settings) throws InterruptedException {
    Parts parts = new Parts(settings);
    try {
      parts.build();
    } catch (RuntimeException | InterruptedException | Error e) {
      closeAll(parts.resources);
      throw e;
    }
    return new ServerAssembly(parts);
  }

  /** The pieces, made one after the other; whatever is made is closed if a later one fails. */
  private static final class Parts {
    final ServerSettings settings;
    final Deque<AutoCloseable> resources = new ArrayDeque<>();
    @Nullable Tracing tracing;
    @Nullable SharedRedis redis;
    @Nullable CacheKeys cacheKeys;
    @Nullable Fingerprints fingerprints;
    @Nullable ResultCache resultCache;
    @Nullable CatalogDefinition definition;
    @Nullable Catalog catalog;
    @Nullable Canary canary;
    @Nullable ServiceMetrics metrics;
    @Nullable MetricsEndpoint metricsEndpoint;

    /** The HTTP probes' transport, if the catalog has HTTP probes. */
    @Nullable ProbeTransport probeTransport;

    @Nullable CheckEngine engine;
    final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();

    Parts(ServerSettings settings) {
      this.settings = settings;
    }

    void build() throws InterruptedException {
      ScheduledExecutorService timers = settings.scheduler().orElse(null);
      if (timers == null) {
        ScheduledExecutorService owned = CheckEngine.newScheduler();
        resources.push(owned::shutdownNow);
        timers = owned;
      }
      Tracing madeTracing;
      try {
        madeTracing = settings.tracing().get();
      } catch (IllegalArgumentException e) {
        throw ServerStartException.tracing(e);
      }
      // Closed last: flushes the spans of the calls that ended during shutdown.
      resources.push(madeTracing);
      tracing = madeTracing;
      SharedRedis.Settings redisSettings = settings.redis().orElse(null);
      if (redisSettings != null) {
        SharedRedis shared;
        try {
          shared = SharedRedis.start(redisSettings);
        } catch (IllegalArgumentException e) {
          throw new InvalidSettingException(Setting.REDIS, ": " + e.getMessage());
        }
        resources.push(shared);
        redis = shared;
        // Give the first connection a moment, so that the first calls already share; a replica
        // starts without Redis all the same.
        shared.awaitUp(redisSettings.connectTimeout());
      }
      CacheKeys keys = settings.cacheKeys().orElseGet(CacheKeys::random);
      cacheKeys = keys;
      // Replicas that share the secret tag an address alike in their logs and traces.
      fingerprints = Fingerprints.withKey(keys.derivedKey("log fingerprints"));
      ResultCache cache = ResultCache.disabled();
      if (settings.resultCacheEnabled()) {
        cache =
            new ResultCache(
                settings.cacheTtlFound(),
                settings.cacheTtlNotFound(),
                settings.cacheMaxEntries(),
                settings.ticker(),
                keys,
                redis == null ? null : redis.resultStore(),
                Clock.systemUTC());
      }
      resultCache = cache;
      buildCatalog(timers, cache);
      buildMetrics(timers);
      CheckObserver observers =
          CheckObserver.both(
              CheckObserver.both(
                  metrics == null ? CheckObserver.NONE : metrics,
                  madeTracing.observer(requireNonNull(fingerprints))),
              settings.observer());
      CheckEngine madeEngine =
          new CheckEngine(timers, settings.ticker(), observers, settings.adaptive());
      engine = madeEngine;
      ServiceMetrics madeMetrics = metrics;
      if (madeMetrics != null) {
        requireNonNull(catalog)
            .platforms()
            .forEach(p -> madeMetrics.bindLearning(p.id(), madeEngine.learning()));
      }
    }

    private void buildCatalog(ScheduledExecutorService timers, ResultCache cache) {
      BlockingCheckPool blocking =
          new BlockingCheckPool(
              settings.blockingCheckerThreads(),
              settings.blockingCheckerThreads() * ServerSettings.BLOCKING_QUEUE_PER_THREAD,
              timers);
      resources.push(blocking);
      CheckerContext.Builder context =
          CheckerContext.builder()
              .scheduler(timers)
              .ticker(settings.ticker())
              .clock(Clock.systemUTC())
              .environment(settings.environment())
              .userAgent(settings.userAgent())
              .blocking(blocking::checker);
      Runnable onClose = () -> {};
      Optional<ServerSettings.CatalogFactory> factory = settings.catalogFactory();
      CatalogDefinition read;
      if (factory.isPresent()) {
        read = factory.get().create(context.build());
      } else if (settings.isDemo()) {
        read = DemoCatalog.definition(timers, settings.demoTimeScale());
      } else {
        HttpProbeEnvironment probes = settings.httpProbes().orElse(null);
        if (probes == null) {
          ExecutorService http = newHttpExecutor();
          ProbeTransport transport =
              CatalogLoader.newProbeTransport(http, settings.probeClient(), HTTP_THREADS);
          onClose =
              () -> {
                transport.close();
                http.shutdownNow();
              };
          probes = new HttpProbeEnvironment(transport);
        }
        Runnable releaseHttp = onClose;
        probeTransport = probes.transport();
        context.service(
            HttpProbeEnvironment.class,
            new HttpProbeEnvironment(
                probes.transport(), settings.probeRecorder().orElse(null), probes.randomTokens()));
        CheckerRegistry registry =
            settings.checkerRegistry().orElseGet(CheckerRegistry::defaultRegistry);
        try {
          read =
              new CatalogReader(registry, context.build(), settings.allowedKinds())
                  .read(settings.catalog());
        } catch (RuntimeException e) {
          releaseHttp.run();
          throw e;
        }
      }
      definition = read;
      SharedRedis shared = redis;
      SharedPlatformBudget budget =
          shared != null && settings.redisPlatformLimits() ? shared.platformBudget() : null;
      Catalog loaded =
          new CheckerStack(cache, budget, circuitBreakers, settings.ticker(), Clock.systemUTC())
              .assemble(read, onClose);
      resources.push(loaded);
      Canary.Settings canarySettings = settings.canary().orElse(null);
      if (canarySettings != null) {
        Canary made = Canary.of(loaded.platforms(), canarySettings, timers, Clock.systemUTC());
        resources.push(made);
        canary = made;
        catalog = new Catalog(loaded.name(), made.gated(loaded.platforms()));
      } else {
        catalog = loaded;
      }
    }

    private void buildMetrics(ScheduledExecutorService timers) {
      if (!settings.metricsEnabled()) {
        return;
      }
      CoarseClock clock = CoarseClock.start(timers);
      resources.push(clock);
      ServiceMetrics made = new ServiceMetrics(clock);
      metrics = made;
      if (probeTransport != null) {
        made.bindProbeTransport(probeTransport);
      }
      circuitBreakers
          .getAllCircuitBreakers()
          .forEach(cb -> made.bindCircuitBreaker(cb.getName(), cb));
      if (redis != null) {
        made.bindRedis(redis.stats());
      }
      if (canary != null) {
        made.bindCanary(canary);
      }
      ResultCache cache = requireNonNull(resultCache);
      if (cache.enabled()) {
        requireNonNull(catalog).platforms().forEach(p -> made.bindResultCache(p.id(), cache));
      }
      Integer port = settings.metricsPort().orElse(null);
      if (port != null) {
        MetricsEndpoint endpoint;
        try {
          endpoint = MetricsEndpoint.start(settings.metricsHost(), port, made);
        } catch (IOException | IllegalArgumentException e) {
          throw ServerStartException.cannotListen(
              Part.METRICS_PORT, settings.metricsHost(), port, e);
        }
        resources.push(endpoint);
        metricsEndpoint = endpoint;
      }
    }
  }

  /**
   * Threads for an HTTP client of probes (daemon: they never keep the process alive); the caller
   * shuts them down.
   */
  public static ExecutorService newHttpExecutor() {
    return Executors.newFixedThreadPool(
        HTTP_THREADS,
        new ThreadFactoryBuilder().setNameFormat("socialcheck-http-%d").setDaemon(true).build());
  }

  /** Threads of the probes' HTTP client (the JDK client's executor, or Netty's event loops). */
  private static final int HTTP_THREADS = 2;

  /**
   * Starts the gRPC server over the assembled pieces (and then the canary, if any).
   *
   * @throws ServerStartException if its port cannot be listened on
   * @throws IllegalStateException if started already, or closed
   */
  public synchronized SocialCheckServer startServer() {
    checkState(!closed, "closed");
    checkState(server == null, "the server is started already");
    SocialCheckServer.Builder builder =
        SocialCheckServer.builder(engine, catalog)
            .host(settings.host())
            .port(settings.port())
            .defaultHedgeDelay(settings.defaultHedgeDelay())
            .shutdownGrace(settings.shutdownGrace())
            .bearerTokens(settings.bearerTokens())
            .protect(settings.protectHealth(), settings.protectReflection())
            .callerRateLimit(settings.callerRateLimit())
            .accessLogSample(settings.accessLogSample())
            .checkManyConcurrency(settings.checkManyConcurrency())
            .concurrencyLimit(
                settings.adaptiveConcurrencyLimit()
                    ? ConcurrencyLimit.adaptive(settings.maxInFlight())
                    : ConcurrencyLimit.fixed(settings.maxInFlight()))
            .tracing(tracing)
            .fingerprints(fingerprints)
            .requestDecoding(settings.requestDecoding())
            .connectionLimits(
                ConnectionLimits.DEFAULTS
                    .withMaxCallsPerConnection(settings.maxCallsPerConnection())
                    .withMaxConnectionAge(settings.maxConnectionAge()));
    settings.transport().ifPresent(builder::transport);
    settings.executor().ifPresent(builder::executor);
    settings.tls().ifPresent(builder::tls);
    settings.replacementService().ifPresent(builder::service);
    if (redis != null) {
      builder.redis(redis);
    }
    if (metrics != null) {
      builder.metrics(metrics);
    }
    if (canary != null) {
      builder.canary(canary);
    }
    SocialCheckServer started;
    try {
      started = builder.start();
    } catch (IOException | IllegalArgumentException e) {
      throw ServerStartException.cannotListen(
          Part.SERVER_PORT, settings.host(), settings.port(), e);
    }
    server = started;
    if (canary != null) {
      canary.start();
    }
    return started;
  }

  /** The settings it was built from. */
  public ServerSettings settings() {
    return settings;
  }

  /** The engine, heard by metrics, tracing and the settings' observer. */
  public CheckEngine engine() {
    return engine;
  }

  /** The catalog the engine checks: protected, and gated by the canary when one runs. */
  public Catalog catalog() {
    return catalog;
  }

  /** The catalog as read, its checkers unprotected (what a fixture replay runs). */
  public CatalogDefinition definition() {
    return definition;
  }

  /** The HTTP probes of the catalog, unprotected, by platform id. */
  public Map<String, HttpProbeChecker> probes() {
    return CatalogLoader.probes(definition);
  }

  /** The result cache ({@link ResultCache#disabled()} when there is none). */
  public ResultCache resultCache() {
    return resultCache;
  }

  /** The cache keys (and their origin, for the start-up log). */
  public CacheKeys cacheKeys() {
    return cacheKeys;
  }

  /** Tags the addresses of this server's logs and traces. */
  public Fingerprints fingerprints() {
    return fingerprints;
  }

  /** The shared Redis, if set. */
  public Optional<SharedRedis> redis() {
    return Optional.ofNullable(redis);
  }

  /** The metrics, if kept. */
  public Optional<ServiceMetrics> metrics() {
    return Optional.ofNullable(metrics);
  }

  /** The bound port of the metrics endpoint, if served. */
  public Optional<Integer> metricsPort() {
    return Optional.ofNullable(metricsEndpoint).map(MetricsEndpoint::port);
  }

  /** The canary, if one runs. */
  public Optional<Canary> canary() {
    return Optional.ofNullable(canary);
  }

  /** The tracing (off unless the settings made it on). */
  public Tracing tracing() {
    return tracing;
  }

  /** The gRPC server, once started. */
  public synchronized Optional<SocialCheckServer> server() {
    return Optional.ofNullable(server);
  }

  /**
   * Shuts the server down (health NOT_SERVING, calls in flight get the grace period), then closes
   * the canary, the metrics endpoint, the catalog's clients, the blocking pool, Redis, the
   * scheduler it made, and last the tracing (flushing the spans of the last calls). Idempotent.
   */
  @Override
  public void close() {
    SocialCheckServer running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = server;
    }
    if (running != null) {
      running.shutdown();
    }
    closeAll(resources);
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        // Shutting down: nothing more to do about it; the next ones still get closed.
      }
    }
  }
}
