package dev.socialcheck.server.assembly;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import dev.socialcheck.server.assembly.InvalidSettingException.Setting;
import dev.socialcheck.server.canary.Canary;
import dev.socialcheck.server.catalog.CatalogDefinition;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.catalog.DemoCatalog;
import dev.socialcheck.server.catalog.PlatformKind;
import dev.socialcheck.server.checkers.CacheKeys;
import dev.socialcheck.server.checkers.HttpProbeEnvironment;
import dev.socialcheck.server.checkers.ProbeClient;
import dev.socialcheck.server.checkers.ProbeRecorder;
import dev.socialcheck.server.engine.AdaptiveSettings;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.server.grpc.TlsFiles;
import dev.socialcheck.server.redis.SharedRedis;
import dev.socialcheck.server.spi.CheckerContext;
import dev.socialcheck.server.spi.CheckerRegistry;
import dev.socialcheck.server.tracing.Tracing;
import io.grpc.BindableService;
import io.grpc.ServerBuilder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link ServerAssembly} builds from: the catalog and what its checkers share, the
 * result cache, Redis, the engine, metrics, tracing, the canary, and the gRPC server's transport,
 * security and limits. Immutable; made with {@link #newBuilder()} (or {@link #toBuilder()}), whose
 * {@link Builder#build()} refuses what the server cannot run with ({@link InvalidSettingException},
 * naming the {@link Setting}).
 *
 * <p>The defaults are those of an embedded, in-process use: the offline demo catalog, no caller
 * rate limit, no metrics, no tracing, plaintext without authentication on {@code 127.0.0.1:50051}.
 * {@code socialcheck serve} maps its flags (and their defaults) onto these.
 */
public final class ServerSettings {
  /** Checks that may wait for a blocking-checker thread, per thread. */
  public static final int BLOCKING_QUEUE_PER_THREAD = 16;

  /** Most blocking-checker threads. */
  public static final int MAX_BLOCKING_CHECKER_THREADS = 1024;

  /** A catalog built by code (tests, benchmarks) instead of read from a name or file. */
  @FunctionalInterface
  public interface CatalogFactory {
    /** The catalog's platforms; their checkers may use {@code context}'s scheduler and clocks. */
    CatalogDefinition create(CheckerContext context);
  }

  private final String catalog;
  private final @Nullable CatalogFactory catalogFactory;
  private final Set<PlatformKind> allowedKinds;
  private final double demoTimeScale;
  private final String userAgent;
  private final ProbeClient probeClient;
  private final @Nullable ProbeRecorder probeRecorder;
  private final @Nullable HttpProbeEnvironment httpProbes;
  private final @Nullable CheckerRegistry checkerRegistry;
  private final int blockingCheckerThreads;
  private final Function<String, @Nullable String> environment;
  private final boolean resultCache;
  private final Duration cacheTtlFound;
  private final Duration cacheTtlNotFound;
  private final long cacheMaxEntries;
  private final @Nullable CacheKeys cacheKeys;
  private final SharedRedis.@Nullable Settings redis;
  private final boolean redisPlatformLimits;
  private final @Nullable ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final AdaptiveSettings adaptive;
  private final CheckObserver observer;
  private final Supplier<Tracing> tracing;
  private final boolean metrics;
  private final @Nullable Integer metricsPort;
  private final String metricsHost;
  private final Canary.@Nullable Settings canary;
  private final String host;
  private final int port;
  private final @Nullable ServerBuilder<?> transport;
  private final @Nullable Executor executor;
  private final Duration defaultHedgeDelay;
  private final Duration shutdownGrace;
  private final @Nullable TlsFiles tls;
  private final Map<String, String> bearerTokens;
  private final boolean protectHealth;
  private final boolean protectReflection;
  private final double callerRateLimit;
  private final int maxInFlight;
  private final boolean adaptiveConcurrencyLimit;
  private final int maxCallsPerConnection;
  private final Duration maxConnectionAge;
  private final double accessLogSample;
  private final int checkManyConcurrency;
  private final @Nullable BindableService replacementService;
  private final boolean requestDecoding;

  private ServerSettings(Builder b, AdaptiveSettings adaptive, Canary.@Nullable Settings canary) {
    this.catalog = b.catalog;
    this.catalogFactory = b.catalogFactory;
    this.allowedKinds = Set.copyOf(b.allowedKinds);
    this.demoTimeScale = b.demoTimeScale;
    this.userAgent = b.userAgent;
    this.probeClient = b.probeClient;
    this.probeRecorder = b.probeRecorder;
    this.httpProbes = b.httpProbes;
    this.checkerRegistry = b.checkerRegistry;
    this.blockingCheckerThreads = b.blockingCheckerThreads;
    this.environment = b.environment;
    this.resultCache = b.resultCache;
    this.cacheTtlFound = b.cacheTtlFound;
    this.cacheTtlNotFound = b.cacheTtlNotFound;
    this.cacheMaxEntries = b.cacheMaxEntries;
    this.cacheKeys = b.cacheKeys;
    this.redis = b.redis;
    this.redisPlatformLimits = b.redisPlatformLimits;
    this.scheduler = b.scheduler;
    this.ticker = b.ticker;
    this.adaptive = adaptive;
    this.observer = b.observer;
    this.tracing = b.tracing;
    this.metrics = b.metrics || b.metricsPort != null;
    this.metricsPort = b.metricsPort;
    this.metricsHost = b.metricsHost;
    this.canary = canary;
    this.host = b.host;
    this.port = b.port;
    this.transport = b.transport;
    this.executor = b.executor;
    this.defaultHedgeDelay = b.defaultHedgeDelay;
    this.shutdownGrace = b.shutdownGrace;
    this.tls = b.tls;
    this.bearerTokens = Map.copyOf(b.bearerTokens);
    this.protectHealth = b.protectHealth;
    this.protectReflection = b.protectReflection;
    this.callerRateLimit = b.callerRateLimit;
    this.maxInFlight = b.maxInFlight;
    this.adaptiveConcurrencyLimit = b.adaptiveConcurrencyLimit;
    this.maxCallsPerConnection = b.maxCallsPerConnection;
    this.maxConnectionAge = b.maxConnectionAge;
    this.accessLogSample = b.accessLogSample;
    this.checkManyConcurrency = b.checkManyConcurrency;
    this.replacementService = b.replacementService;
    this.requestDecoding = b.requestDecoding;
  }

  /** A builder with the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder with these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The catalog: {@code demo}, a bundled one ({@code builtin}, {@code extended}) or a file. */
  public String catalog() {
    return catalog;
  }

  /** A catalog built by code, which replaces {@link #catalog()}, if set. */
  public Optional<CatalogFactory> catalogFactory() {
    return Optional.ofNullable(catalogFactory);
  }

  /** Whether the catalog is the offline demo one (no result cache, nothing called). */
  public boolean isDemo() {
    return catalogFactory == null && catalog.equals(DemoCatalog.NAME);
  }

  /** The kinds of catalog entry allowed to run. */
  public Set<PlatformKind> allowedKinds() {
    return allowedKinds;
  }

  /** Multiplies the demo catalog's latencies and timeouts. */
  public double demoTimeScale() {
    return demoTimeScale;
  }

  /** The {@code User-Agent} of outbound probes. */
  public String userAgent() {
    return userAgent;
  }

  /** The HTTP client of the probes (when the assembly makes the transport). */
  public ProbeClient probeClient() {
    return probeClient;
  }

  /** Sees every probe exchange ({@code selfcheck --record}), if set. */
  public Optional<ProbeRecorder> probeRecorder() {
    return Optional.ofNullable(probeRecorder);
  }

  /** The HTTP probes' transport in place of the JDK client's ({@code selfcheck --replay}). */
  public Optional<HttpProbeEnvironment> httpProbes() {
    return Optional.ofNullable(httpProbes);
  }

  /** The checker types catalog entries may name; empty: those of the class path. */
  public Optional<CheckerRegistry> checkerRegistry() {
    return Optional.ofNullable(checkerRegistry);
  }

  /** Threads of the pool that runs blocking checker code. */
  public int blockingCheckerThreads() {
    return blockingCheckerThreads;
  }

  /** Looks up environment variables ({@code ${env:NAME}} in catalogs). */
  public Function<String, @Nullable String> environment() {
    return environment;
  }

  /** Whether the server keeps a result cache (never for the demo catalog, nor with TTLs of 0). */
  public boolean resultCacheEnabled() {
    return resultCache
        && !isDemo()
        && (cacheTtlFound.compareTo(Duration.ZERO) > 0
            || cacheTtlNotFound.compareTo(Duration.ZERO) > 0);
  }

  public Duration cacheTtlFound() {
    return cacheTtlFound;
  }

  public Duration cacheTtlNotFound() {
    return cacheTtlNotFound;
  }

  public long cacheMaxEntries() {
    return cacheMaxEntries;
  }

  /**
   * The cache keys' secret, shared by replicas; empty: a random one per assembly. The keyed
   * fingerprints of logs and traces derive from it too.
   */
  public Optional<CacheKeys> cacheKeys() {
    return Optional.ofNullable(cacheKeys);
  }

  /** The Redis shared by replicas, if any. */
  public Optional<SharedRedis.Settings> redis() {
    return Optional.ofNullable(redis);
  }

  /** With Redis: whether platforms' rate limits are shared too. */
  public boolean redisPlatformLimits() {
    return redisPlatformLimits;
  }

  /** The engine's scheduler (borrowed), if given; else the assembly makes and owns one. */
  public Optional<ScheduledExecutorService> scheduler() {
    return Optional.ofNullable(scheduler);
  }

  /** The clock of the engine, checkers and cache; agrees with {@link #scheduler()}. */
  public Ticker ticker() {
    return ticker;
  }

  /** How ADAPTIVE learns and plans. */
  public AdaptiveSettings adaptive() {
    return adaptive;
  }

  /** Hears the engine besides metrics and tracing (a command line's progress). */
  public CheckObserver observer() {
    return observer;
  }

  /** Makes the tracing (owned by the assembly, closed last). */
  public Supplier<Tracing> tracing() {
    return tracing;
  }

  /** Whether Prometheus metrics are kept (always when {@link #metricsPort()} is set). */
  public boolean metricsEnabled() {
    return metrics;
  }

  /** Where metrics are served ({@code 0}: a free port), if anywhere. */
  public Optional<Integer> metricsPort() {
    return Optional.ofNullable(metricsPort);
  }

  public String metricsHost() {
    return metricsHost;
  }

  /** The background self-check, if on. */
  public Optional<Canary.Settings> canary() {
    return Optional.ofNullable(canary);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** A transport in place of Netty on {@link #host()}:{@link #port()}, if given. */
  public Optional<ServerBuilder<?>> transport() {
    return Optional.ofNullable(transport);
  }

  /** The gRPC callbacks' executor (borrowed), if given. */
  public Optional<Executor> executor() {
    return Optional.ofNullable(executor);
  }

  public Duration defaultHedgeDelay() {
    return defaultHedgeDelay;
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public Optional<TlsFiles> tls() {
    return Optional.ofNullable(tls);
  }

  /** Caller name to bearer token; empty: authentication off. */
  public Map<String, String> bearerTokens() {
    return bearerTokens;
  }

  public boolean protectHealth() {
    return protectHealth;
  }

  public boolean protectReflection() {
    return protectReflection;
  }

  /** Calls per second per caller; 0: no limit. */
  public double callerRateLimit() {
    return callerRateLimit;
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  /** Whether the concurrency limit adapts (up to {@link #maxInFlight()}) instead of being fixed. */
  public boolean adaptiveConcurrencyLimit() {
    return adaptiveConcurrencyLimit;
  }

  public int maxCallsPerConnection() {
    return maxCallsPerConnection;
  }

  public Duration maxConnectionAge() {
    return maxConnectionAge;
  }

  public double accessLogSample() {
    return accessLogSample;
  }

  public int checkManyConcurrency() {
    return checkManyConcurrency;
  }

  /** A service in place of the engine-backed one (benchmarks' baselines), if given. */
  public Optional<BindableService> replacementService() {
    return Optional.ofNullable(replacementService);
  }

  public boolean requestDecoding() {
    return requestDecoding;
  }

  /** Builder of {@link ServerSettings}; not thread-safe. */
  public static final class Builder {
    private String catalog = DemoCatalog.NAME;
    private @Nullable CatalogFactory catalogFactory;
    private Set<PlatformKind> allowedKinds = PlatformKind.DEFAULT_ALLOWED;
    private double demoTimeScale = 1;
    private String userAgent = "socialcheck/1 (account-existence checker)";
    private ProbeClient probeClient = ProbeClient.JDK;
    private @Nullable ProbeRecorder probeRecorder;
    private @Nullable HttpProbeEnvironment httpProbes;
    private @Nullable CheckerRegistry checkerRegistry;
    private int blockingCheckerThreads = 4;
    private Function<String, @Nullable String> environment = System::getenv;
    private boolean resultCache = true;
    private Duration cacheTtlFound = Duration.ofHours(1);
    private Duration cacheTtlNotFound = Duration.ofMinutes(10);
    private long cacheMaxEntries = 100_000;
    private @Nullable CacheKeys cacheKeys;
    private SharedRedis.@Nullable Settings redis;
    private boolean redisPlatformLimits = true;
    private @Nullable ScheduledExecutorService scheduler;
    private Ticker ticker = Ticker.systemTicker();
    private double adaptivePercentile = AdaptiveSettings.DEFAULTS.percentile();
    private double adaptiveMaxExtraLoad = AdaptiveSettings.DEFAULTS.maxExtraLoad();
    private int adaptiveMinSamples = AdaptiveSettings.DEFAULTS.minSamples();
    private Duration adaptiveWindow = AdaptiveSettings.DEFAULTS.window();
    private double adaptiveEarlyStartWaste = AdaptiveSettings.DEFAULTS.earlyStartWaste();
    private Duration adaptiveMinHedgeDelay = AdaptiveSettings.DEFAULTS.minHedgeDelay();
    private CheckObserver observer = CheckObserver.NONE;
    private Supplier<Tracing> tracing = Tracing::off;
    private boolean metrics;
    private @Nullable Integer metricsPort;
    private String metricsHost = "127.0.0.1";
    private @Nullable Duration canaryInterval;
    private int canaryAutoDisable;
    private String host = "127.0.0.1";
    private int port = 50051;
    private @Nullable ServerBuilder<?> transport;
    private @Nullable Executor executor;
    private Duration defaultHedgeDelay = CheckRequest.DEFAULT_HEDGE_DELAY;
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private @Nullable TlsFiles tls;
    private Map<String, String> bearerTokens = Map.of();
    private boolean protectHealth;
    private boolean protectReflection;
    private double callerRateLimit;
    private int maxInFlight = 1000;
    private boolean adaptiveConcurrencyLimit;
    private int maxCallsPerConnection = 100;
    private Duration maxConnectionAge = Duration.ofMinutes(30);
    private double accessLogSample = SocialCheckServer.DEFAULT_ACCESS_LOG_SAMPLE;
    private int checkManyConcurrency = SocialCheckServer.DEFAULT_CHECK_MANY_CONCURRENCY;
    private @Nullable BindableService replacementService;
    private boolean requestDecoding = true;

    private Builder() {}

    private Builder(ServerSettings s) {
      catalog = s.catalog;
      catalogFactory = s.catalogFactory;
      allowedKinds = s.allowedKinds;
      demoTimeScale = s.demoTimeScale;
      userAgent = s.userAgent;
      probeClient = s.probeClient;
      probeRecorder = s.probeRecorder;
      httpProbes = s.httpProbes;
      checkerRegistry = s.checkerRegistry;
      blockingCheckerThreads = s.blockingCheckerThreads;
      environment = s.environment;
      resultCache = s.resultCache;
      cacheTtlFound = s.cacheTtlFound;
      cacheTtlNotFound = s.cacheTtlNotFound;
      cacheMaxEntries = s.cacheMaxEntries;
      cacheKeys = s.cacheKeys;
      redis = s.redis;
      redisPlatformLimits = s.redisPlatformLimits;
      scheduler = s.scheduler;
      ticker = s.ticker;
      adaptivePercentile = s.adaptive.percentile();
      adaptiveMaxExtraLoad = s.adaptive.maxExtraLoad();
      adaptiveMinSamples = s.adaptive.minSamples();
      adaptiveWindow = s.adaptive.window();
      adaptiveEarlyStartWaste = s.adaptive.earlyStartWaste();
      adaptiveMinHedgeDelay = s.adaptive.minHedgeDelay();
      observer = s.observer;
      tracing = s.tracing;
      metrics = s.metrics;
      metricsPort = s.metricsPort;
      metricsHost = s.metricsHost;
      Canary.Settings canarySettings = s.canary;
      canaryInterval = canarySettings == null ? null : canarySettings.interval();
      canaryAutoDisable = canarySettings == null ? 0 : canarySettings.autoDisableAfter();
      host = s.host;
      port = s.port;
      transport = s.transport;
      executor = s.executor;
      defaultHedgeDelay = s.defaultHedgeDelay;
      shutdownGrace = s.shutdownGrace;
      tls = s.tls;
      bearerTokens = s.bearerTokens;
      protectHealth = s.protectHealth;
      protectReflection = s.protectReflection;
      callerRateLimit = s.callerRateLimit;
      maxInFlight = s.maxInFlight;
      adaptiveConcurrencyLimit = s.adaptiveConcurrencyLimit;
      maxCallsPerConnection = s.maxCallsPerConnection;
      maxConnectionAge = s.maxConnectionAge;
      accessLogSample = s.accessLogSample;
      checkManyConcurrency = s.checkManyConcurrency;
      replacementService = s.replacementService;
      requestDecoding = s.requestDecoding;
    }

    /** {@code demo} (the default), {@code builtin}, {@code extended} or a YAML file's path. */
    public Builder catalog(String nameOrPath) {
      this.catalog = requireNonNull(nameOrPath, "nameOrPath");
      this.catalogFactory = null;
      return this;
    }

    /** A catalog built by code, in place of a named one. */
    public Builder catalog(CatalogFactory factory) {
      this.catalogFactory = requireNonNull(factory, "factory");
      return this;
    }

    /** The kinds of catalog entry allowed (default: api and lookup). */
    public Builder allowedKinds(Set<PlatformKind> kinds) {
      this.allowedKinds = kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds);
      return this;
    }

    /** Multiplies the demo catalog's latencies and timeouts (default 1). */
    public Builder demoTimeScale(double factor) {
      this.demoTimeScale = factor;
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = requireNonNull(userAgent, "userAgent");
      return this;
    }

    /**
     * The HTTP client of the probes (default {@link ProbeClient#JDK}); ignored when {@link
     * #httpProbes} gives the transport.
     */
    public Builder probeClient(ProbeClient client) {
      this.probeClient = requireNonNull(client, "client");
      return this;
    }

    /** Shows every probe exchange to {@code recorder}. */
    public Builder probeRecorder(@Nullable ProbeRecorder recorder) {
      this.probeRecorder = recorder;
      return this;
    }

    /** Sends the HTTP probes through this transport instead of the JDK client's. */
    public Builder httpProbes(HttpProbeEnvironment probes) {
      this.httpProbes = requireNonNull(probes, "probes");
      return this;
    }

    /** The checker types entries may name (default: those of the class path). */
    public Builder checkerRegistry(CheckerRegistry registry) {
      this.checkerRegistry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Threads running blocking checker code (default 4); {@value #BLOCKING_QUEUE_PER_THREAD} checks
     * per thread may wait, more are {@code RATE_LIMITED}.
     */
    public Builder blockingCheckerThreads(int threads) {
      this.blockingCheckerThreads = threads;
      return this;
    }

    /** Looks up environment variables (default: the process's). */
    public Builder environment(Function<String, @Nullable String> environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Whether a catalog with HTTP probes gets a result cache (default true; the demo never does).
     */
    public Builder resultCache(boolean enabled) {
      this.resultCache = enabled;
      return this;
    }

    public Builder cacheTtlFound(Duration ttl) {
      this.cacheTtlFound = requireNonNull(ttl, "ttl");
      return this;
    }

    public Builder cacheTtlNotFound(Duration ttl) {
      this.cacheTtlNotFound = requireNonNull(ttl, "ttl");
      return this;
    }

    public Builder cacheMaxEntries(long entries) {
      this.cacheMaxEntries = entries;
      return this;
    }

    /** The cache keys' shared secret (default: a random one per assembly). */
    public Builder cacheKeys(@Nullable CacheKeys keys) {
      this.cacheKeys = keys;
      return this;
    }

    /** Shares cache and limits through this Redis ({@code null}: none, the default). */
    public Builder redis(SharedRedis.@Nullable Settings redis) {
      this.redis = redis;
      return this;
    }

    /** With Redis: share platforms' rate limits too (default true). */
    public Builder redisPlatformLimits(boolean share) {
      this.redisPlatformLimits = share;
      return this;
    }

    /** The engine's scheduler and clock (borrowed; default: the assembly's own, system time). */
    public Builder clock(ScheduledExecutorService scheduler, Ticker ticker) {
      this.scheduler = requireNonNull(scheduler, "scheduler");
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    public Builder adaptivePercentile(double percentile) {
      this.adaptivePercentile = percentile;
      return this;
    }

    public Builder adaptiveMaxExtraLoad(double fraction) {
      this.adaptiveMaxExtraLoad = fraction;
      return this;
    }

    public Builder adaptiveMinSamples(int samples) {
      this.adaptiveMinSamples = samples;
      return this;
    }

    public Builder adaptiveWindow(Duration window) {
      this.adaptiveWindow = requireNonNull(window, "window");
      return this;
    }

    public Builder adaptiveEarlyStartWaste(double probability) {
      this.adaptiveEarlyStartWaste = probability;
      return this;
    }

    /**
     * ADAPTIVE's shortest learned hedge delay (positive, at most the longest hedge delay; default 1
     * ms): a platform that answers in no time must not turn ADAPTIVE into RACE.
     */
    public Builder adaptiveMinHedgeDelay(Duration delay) {
      this.adaptiveMinHedgeDelay = requireNonNull(delay, "delay");
      return this;
    }

    /** Hears the engine besides metrics and tracing (default: nothing else). */
    public Builder observer(CheckObserver observer) {
      this.observer = requireNonNull(observer, "observer");
      return this;
    }

    /** Makes the tracing; the assembly closes it (default: off). */
    public Builder tracing(Supplier<Tracing> tracing) {
      this.tracing = requireNonNull(tracing, "tracing");
      return this;
    }

    /** Keeps Prometheus metrics without serving them (benchmarks read them in process). */
    public Builder metrics(boolean enabled) {
      this.metrics = enabled;
      return this;
    }

    /** Serves metrics at {@code http://host:port/metrics} ({@code null}: not served). */
    public Builder metricsEndpoint(String host, @Nullable Integer port) {
      this.metricsHost = requireNonNull(host, "host");
      this.metricsPort = port;
      return this;
    }

    /**
     * Self-checks every platform with self-check addresses once per {@code interval} ({@code null}:
     * off, the default); {@code autoDisableAfter} failures in a row take it out of service (0:
     * never).
     */
    public Builder canary(@Nullable Duration interval, int autoDisableAfter) {
      this.canaryInterval = interval;
      this.canaryAutoDisable = autoDisableAfter;
      return this;
    }

    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** A transport in place of Netty on host:port (in-process, or Netty set up by the caller). */
    public Builder transport(ServerBuilder<?> transport) {
      this.transport = requireNonNull(transport, "transport");
      return this;
    }

    /** The gRPC callbacks' executor (borrowed; default: the server's own pool). */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    public Builder defaultHedgeDelay(Duration delay) {
      this.defaultHedgeDelay = requireNonNull(delay, "delay");
      return this;
    }

    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = requireNonNull(grace, "grace");
      return this;
    }

    public Builder tls(@Nullable TlsFiles tls) {
      this.tls = tls;
      return this;
    }

    public Builder bearerTokens(Map<String, String> tokens) {
      this.bearerTokens = Map.copyOf(tokens);
      return this;
    }

    public Builder protect(boolean health, boolean reflection) {
      this.protectHealth = health;
      this.protectReflection = reflection;
      return this;
    }

    /** Calls per second per caller; 0 (the default) turns the limit off. */
    public Builder callerRateLimit(double perSecond) {
      this.callerRateLimit = perSecond;
      return this;
    }

    /** Calls in progress at most (default 1000); with an adaptive limit, the most it may reach. */
    public Builder maxInFlight(int calls) {
      this.maxInFlight = calls;
      return this;
    }

    /** Whether the concurrency limit adapts to the latency (default: fixed). */
    public Builder adaptiveConcurrencyLimit(boolean adaptive) {
      this.adaptiveConcurrencyLimit = adaptive;
      return this;
    }

    public Builder maxCallsPerConnection(int calls) {
      this.maxCallsPerConnection = calls;
      return this;
    }

    public Builder maxConnectionAge(Duration age) {
      this.maxConnectionAge = requireNonNull(age, "age");
      return this;
    }

    /** See {@link SocialCheckServer.Builder#accessLogSample}. */
    public Builder accessLogSample(double share) {
      this.accessLogSample = share;
      return this;
    }

    public Builder checkManyConcurrency(int items) {
      this.checkManyConcurrency = items;
      return this;
    }

    /** Serves {@code service} in place of the engine-backed one (baselines only). */
    public Builder replacementService(BindableService service) {
      this.replacementService = requireNonNull(service, "service");
      return this;
    }

    /** Whether requests are parsed by the server's own decoding (default true). */
    public Builder requestDecoding(boolean enabled) {
      this.requestDecoding = enabled;
      return this;
    }

    /**
     * The settings.
     *
     * @throws InvalidSettingException naming the first setting the server cannot run with
     */
    public ServerSettings build() {
      Canary.Settings canarySettings = canarySettings();
      checkLimits();
      AdaptiveSettings adaptive = adaptiveSettings();
      checkCatalog();
      checkCache();
      if (!(accessLogSample >= 0 && accessLogSample <= 1)) {
        throw new InvalidSettingException(
            Setting.ACCESS_LOG_SAMPLE, " must be between 0 and 1: " + accessLogSample);
      }
      if (checkManyConcurrency < 1
          || checkManyConcurrency > SocialCheckServer.MAX_CHECK_MANY_CONCURRENCY) {
        throw new InvalidSettingException(
            Setting.CHECK_MANY_CONCURRENCY,
            " must be between 1 and " + SocialCheckServer.MAX_CHECK_MANY_CONCURRENCY);
      }
      if (blockingCheckerThreads < 1 || blockingCheckerThreads > MAX_BLOCKING_CHECKER_THREADS) {
        throw new InvalidSettingException(
            Setting.BLOCKING_CHECKER_THREADS,
            " must be between 1 and " + MAX_BLOCKING_CHECKER_THREADS);
      }
      if (shutdownGrace.isNegative()) {
        throw new InvalidSettingException(Setting.SHUTDOWN_GRACE, " must not be negative");
      }
      return new ServerSettings(this, adaptive, canarySettings);
    }

    private Canary.@Nullable Settings canarySettings() {
      Duration interval = canaryInterval;
      if (interval == null) {
        if (canaryAutoDisable != 0) {
          throw new InvalidSettingException(
              Setting.CANARY_AUTO_DISABLE, " needs {other}", Setting.CANARY_INTERVAL);
        }
        return null;
      }
      if (interval.isZero() || interval.isNegative()) {
        throw new InvalidSettingException(Setting.CANARY_INTERVAL, " must be positive");
      }
      if (canaryAutoDisable < 0) {
        throw new InvalidSettingException(Setting.CANARY_AUTO_DISABLE, " must not be negative");
      }
      return new Canary.Settings(interval, canaryAutoDisable);
    }

    private void checkLimits() {
      String hedgeDelayProblem = CheckRequest.hedgeDelayProblem(defaultHedgeDelay);
      if (hedgeDelayProblem != null) {
        throw new InvalidSettingException(Setting.HEDGE_DELAY, " " + hedgeDelayProblem);
      }
      if (maxInFlight <= 0) {
        throw new InvalidSettingException(Setting.MAX_IN_FLIGHT, " must be positive");
      }
      if (maxCallsPerConnection <= 0) {
        throw new InvalidSettingException(Setting.MAX_CALLS_PER_CONNECTION, " must be positive");
      }
      if (maxConnectionAge.isZero() || maxConnectionAge.isNegative()) {
        throw new InvalidSettingException(Setting.MAX_CONNECTION_AGE, " must be positive");
      }
      if (!(callerRateLimit >= 0) || Double.isInfinite(callerRateLimit)) {
        throw new InvalidSettingException(
            Setting.CALLER_RATE_LIMIT, " must be a number of calls per second, 0 or more");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }

    private AdaptiveSettings adaptiveSettings() {
      if (!(adaptivePercentile > 0 && adaptivePercentile < 100)) {
        throw new InvalidSettingException(
            Setting.ADAPTIVE_PERCENTILE, " must be above 0 and below 100");
      }
      if (!(adaptiveMaxExtraLoad >= 0 && adaptiveMaxExtraLoad < 1)) {
        throw new InvalidSettingException(
            Setting.ADAPTIVE_MAX_EXTRA_LOAD, " must be at least 0 and below 1");
      }
      if (adaptiveMinSamples < 1) {
        throw new InvalidSettingException(Setting.ADAPTIVE_MIN_SAMPLES, " must be at least 1");
      }
      if (adaptiveWindow.toSeconds() < 1) {
        throw new InvalidSettingException(Setting.ADAPTIVE_WINDOW, " must be at least 1s");
      }
      if (!(adaptiveEarlyStartWaste >= 0 && adaptiveEarlyStartWaste < 1)) {
        throw new InvalidSettingException(
            Setting.ADAPTIVE_EARLY_START_WASTE, " must be at least 0 and below 1");
      }
      if (adaptiveMinHedgeDelay.isNegative()
          || adaptiveMinHedgeDelay.isZero()
          || adaptiveMinHedgeDelay.compareTo(CheckRequest.MAX_HEDGE_DELAY) > 0) {
        throw new InvalidSettingException(
            Setting.ADAPTIVE_MIN_HEDGE_DELAY,
            " must be positive and at most " + CheckRequest.MAX_HEDGE_DELAY.toSeconds() + "s");
      }
      try {
        return new AdaptiveSettings(
            adaptivePercentile,
            adaptiveMaxExtraLoad,
            adaptiveMinSamples,
            adaptiveWindow,
            adaptiveEarlyStartWaste,
            adaptiveMinHedgeDelay);
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException(Setting.ADAPTIVE, ": " + e.getMessage());
      }
    }

    private void checkCatalog() {
      if (catalogFactory != null) {
        return;
      }
      if (catalog.equals(CatalogLoader.EXTENDED)
          && !allowedKinds.contains(PlatformKind.SIGNUP_CHECK)) {
        throw new InvalidSettingException(
            Setting.CATALOG,
            " extended holds sign-up form checks (kind signup-check): they create no account and"
                + " send nothing to the owner, but may breach the platforms' terms, so they run"
                + " only when allowed: add {other} signup-check",
            Setting.ALLOWED_KINDS);
      }
      if (catalog.equals(DemoCatalog.NAME)
          && (!(demoTimeScale > 0) || Double.isInfinite(demoTimeScale))) {
        throw new InvalidSettingException(Setting.DEMO_TIME_SCALE, " must be a positive number");
      }
    }

    private void checkCache() {
      boolean demo = catalogFactory == null && catalog.equals(DemoCatalog.NAME);
      boolean cacheOn =
          resultCache
              && !demo
              && (cacheTtlFound.compareTo(Duration.ZERO) > 0
                  || cacheTtlNotFound.compareTo(Duration.ZERO) > 0);
      if (redis != null && cacheOn && cacheKeys == null) {
        // Under a random secret per process, replicas would write entries no other can find.
        throw new InvalidSettingException(
            Setting.REDIS,
            " needs {other}: the result cache's keys are HMACs under that secret, and replicas"
                + " share cache entries only if they share it. Put the same secret (at least 16"
                + " bytes, e.g. `openssl rand -hex 32`) in a file on every replica.",
            Setting.CACHE_KEYS);
      }
      if (cacheTtlFound.isNegative() || cacheTtlNotFound.isNegative()) {
        throw new IllegalArgumentException("cache TTLs must not be negative");
      }
      if (resultCache && !demo && cacheMaxEntries < 0) {
        throw new InvalidSettingException(Setting.CACHE_MAX_ENTRIES, " must not be negative");
      }
    }
  }
}
