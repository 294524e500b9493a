package dev.socialcheck.server.cli;

import com.google.common.base.Splitter;
import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.assembly.ServerStartException;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.ReadFailure;
import dev.socialcheck.server.engine.AdaptiveSettings;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.server.grpc.TlsFiles;
import dev.socialcheck.server.logging.BatchingConsoleAppender;
import dev.socialcheck.server.tracing.Tracing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code socialcheck serve}: runs the gRPC server until SIGTERM or Ctrl-C. It maps its flags onto
 * {@link ServerSettings} (reading the files they name) and runs a {@link ServerAssembly}; what the
 * server is made of is the assembly's business.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Serves the socialcheck gRPC API (with reflection and health) until stopped.",
      "On SIGTERM or Ctrl-C: health turns NOT_SERVING, new calls are refused, calls in flight"
          + " get the shutdown grace period, then are cancelled.",
      "Every option can also be set as SOCIALCHECK_<OPTION> (e.g. SOCIALCHECK_METRICS_PORT) or in"
          + " the --config file; the command line wins, then the environment, then the file.",
      Main.DURATIONS
    })
final class ServeCommand implements Callable<Integer> {
  /** Environment variable with bearer tokens ({@code name:token,name:token}). */
  static final String TOKENS_ENV = "SOCIALCHECK_AUTH_TOKENS";

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE}.")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      defaultValue = "50051",
      paramLabel = "PORT",
      converter = PortConverter.class,
      description = "Port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port = 50051;

  @Option(
      names = "--port-file",
      paramLabel = "FILE",
      description =
          "Once listening, write the bound port to FILE (for scripts and tests using --port 0).")
  @Nullable Path portFile;

  @Mixin CatalogOptions catalogOptions = new CatalogOptions();

  @Mixin CacheOptions cacheOptions = new CacheOptions();

  @Mixin ConfigOption configOption = new ConfigOption();

  @Mixin RedisOptions redisOptions = new RedisOptions();

  @Option(
      names = "--hedge-delay",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "hedge_delay of HEDGED and ADAPTIVE requests that set none (ADAPTIVE uses it for"
              + " platforms it has too few observations of). Default: ${DEFAULT-VALUE}.")
  Duration hedgeDelay = Duration.ofSeconds(1);

  @Option(
      names = "--shutdown-grace",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long calls in flight may finish on shutdown. Default: ${DEFAULT-VALUE}.")
  Duration shutdownGrace = Duration.ofSeconds(10);

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      defaultValue = "text",
      description = "text or json (one JSON object per line). Default: ${DEFAULT-VALUE}.")
  LogFormat logFormat = LogFormat.TEXT;

  @Option(
      names = "--access-log-sample",
      defaultValue = "0.01",
      paramLabel = "FRACTION",
      description =
          "Share of successful calls written to the access log, 0 to 1 (1: every call); calls"
              + " that fail, are refused, shed or cancelled are always written, and metrics count"
              + " every call. Default: ${DEFAULT-VALUE}.")
  double accessLogSample = SocialCheckServer.DEFAULT_ACCESS_LOG_SAMPLE;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      converter = PortConverter.class,
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics (off unless set).")
  @Nullable Integer metricsPort;

  @Option(
      names = "--metrics-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description = "Address of the metrics endpoint. Default: ${DEFAULT-VALUE}.")
  String metricsHost = "127.0.0.1";

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Serve TLS with this certificate chain (needs --tls-key).")
  @Nullable Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "Private key of --tls-cert (PKCS#8).")
  @Nullable Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "PEM",
      description = "Require client certificates signed by these CAs (mutual TLS).")
  @Nullable Path tlsClientCa;

  @Option(
      names = "--auth-tokens-file",
      paramLabel = "FILE",
      description =
          "Require a bearer token: one 'name:token' per line (# comments). Tokens may also come from"
              + " SOCIALCHECK_AUTH_TOKENS (name:token,name:token). No tokens: authentication off.")
  @Nullable Path authTokensFile;

  @Option(
      names = "--auth-protect-health",
      description = "Also require the token for health checks (default: open).")
  boolean protectHealth;

  @Option(
      names = "--auth-protect-reflection",
      description = "Also require the token for server reflection (default: open).")
  boolean protectReflection;

  @Option(
      names = "--caller-rate-limit",
      defaultValue = "20",
      paramLabel = "PER_SECOND",
      description =
          "Calls per second per caller (token name, else IP); 0 turns it off. Default:"
              + " ${DEFAULT-VALUE}.")
  double callerRateLimit = 20;

  @Option(
      names = "--max-in-flight",
      paramLabel = "COUNT",
      defaultValue = "1000",
      description =
          "Calls in progress at most; beyond, calls fail fast with RESOURCE_EXHAUSTED (with"
              + " --concurrency-limit adaptive: the most the limit may reach). Default:"
              + " ${DEFAULT-VALUE}.")
  int maxInFlight = 1000;

  @Option(
      names = "--check-many-concurrency",
      defaultValue = "16",
      paramLabel = "ITEMS",
      description =
          "CheckMany: items one stream checks (or holds unsent) at once, at most "
              + SocialCheckServer.MAX_CHECK_MANY_CONCURRENCY
              + "; the stream reads no further item meanwhile. Default: ${DEFAULT-VALUE}.")
  int checkManyConcurrency = SocialCheckServer.DEFAULT_CHECK_MANY_CONCURRENCY;

  @Option(
      names = "--concurrency-limit",
      defaultValue = "fixed",
      paramLabel = "fixed|adaptive",
      description =
          "fixed: --max-in-flight calls in progress at most. adaptive: a limit that falls while"
              + " calls queue (latency above the no-load latency, TCP Vegas) and rises while they"
              + " do not, up to --max-in-flight; exported as socialcheck_concurrency_limit."
              + " Default: ${DEFAULT-VALUE}.")
  LimitKind concurrencyLimit = LimitKind.FIXED;

  /** Values of {@code --concurrency-limit}. */
  enum LimitKind {
    FIXED,
    ADAPTIVE
  }

  @Option(
      names = "--max-calls-per-connection",
      paramLabel = "COUNT",
      defaultValue = "100",
      description = "Concurrent calls per HTTP/2 connection. Default: ${DEFAULT-VALUE}.")
  int maxCallsPerConnection = 100;

  @Option(
      names = "--max-connection-age",
      paramLabel = "DURATION",
      defaultValue = "30m",
      converter = DurationConverter.class,
      description =
          "Close connections gracefully after this age so load balancers can rebalance. Default:"
              + " ${DEFAULT-VALUE}.")
  Duration maxConnectionAge = Duration.ofMinutes(30);

  @Option(
      names = "--adaptive-percentile",
      paramLabel = "PERCENTILE",
      defaultValue = "95",
      description =
          "ADAPTIVE: start the next platform when the running one passes this latency percentile."
              + " Default: ${DEFAULT-VALUE}.")
  double adaptivePercentile = 95;

  @Option(
      names = "--adaptive-max-extra-load",
      paramLabel = "FRACTION",
      defaultValue = "0.25",
      description =
          "ADAPTIVE: extra platform calls allowed, as a fraction of the calls SEQUENTIAL would"
              + " make, at least 0 and below 1 (0.25: at most 25 %% more). Default:"
              + " ${DEFAULT-VALUE}.")
  double adaptiveMaxExtraLoad = 0.25;

  @Option(
      names = "--adaptive-min-hedge-delay",
      paramLabel = "DURATION",
      defaultValue = "1ms",
      converter = DurationConverter.class,
      description =
          "ADAPTIVE: the shortest hedge delay learned from latencies, so that a platform that"
              + " answers in no time does not start the next one at once. Default:"
              + " ${DEFAULT-VALUE}.")
  Duration adaptiveMinHedgeDelay = AdaptiveSettings.DEFAULT_MIN_HEDGE_DELAY;

  @Option(
      names = "--adaptive-min-samples",
      paramLabel = "COUNT",
      defaultValue = "20",
      description =
          "ADAPTIVE: observations before a platform's statistics are trusted. Default:"
              + " ${DEFAULT-VALUE}.")
  int adaptiveMinSamples = 20;

  @Option(
      names = "--adaptive-window",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description = "ADAPTIVE: how far back statistics reach. Default: ${DEFAULT-VALUE}.")
  Duration adaptiveWindow = Duration.ofMinutes(5);

  @Option(
      names = "--adaptive-early-start-waste",
      paramLabel = "PROBABILITY",
      defaultValue = "0.5",
      description =
          "ADAPTIVE: start the next platform at once when the running ones answer FOUND with at most"
              + " this chance (0.5: when its call is at least as likely needed as not). Default:"
              + " ${DEFAULT-VALUE}.")
  double adaptiveEarlyStartWaste = 0.5;

  @Option(
      names = "--canary-interval",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Self-check every platform that declares self-check addresses once per DURATION (e.g."
              + " 10m) in the background: exports socialcheck_canary_ok{platform}, logs a drift"
              + " once, shows the state in ListPlatforms. Off unless set.")
  @Nullable Duration canaryInterval;

  @Option(
      names = "--canary-auto-disable",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Take a platform out of service after N failed canaries in a row (its checks are"
              + " SKIPPED, ListPlatforms says why) until a canary passes again; 0 never. Needs"
              + " --canary-interval. Default: ${DEFAULT-VALUE}.")
  int canaryAutoDisable;

  @Override
  public Integer call() throws InterruptedException {
    logFormat.apply();
    ServerSettings settings = SettingFlags.build(spec, settings(), Map.of());
    Logger log = LoggerFactory.getLogger(ServeCommand.class);
    ServerAssembly assembly;
    try {
      assembly = SettingFlags.create(spec, settings);
    } catch (ServerStartException e) {
      return cannotStart(e);
    }
    SocialCheckServer server;
    try {
      if (assembly.tracing().enabled()) {
        log.info("tracing on (OpenTelemetry, configured by the OTEL_* environment)");
      }
      assembly
          .metricsPort()
          .ifPresent(bound -> log.info("metrics at http://{}:{}/metrics", metricsHost, bound));
      server = assembly.startServer();
    } catch (ServerStartException e) {
      assembly.close();
      return cannotStart(e);
    } catch (RuntimeException e) {
      assembly.close();
      throw e;
    }
    Catalog catalog = assembly.catalog();
    log.info(
        "socialcheck serving catalog '{}' ({}) on {}:{} ({}, {}); {}",
        catalog.name(),
        catalog.platforms().stream().map(Platform::id).collect(Collectors.joining(", ")),
        host,
        server.port(),
        settings.tls().isEmpty()
            ? "plaintext"
            : settings.tls().get().clientCa().isPresent() ? "mutual TLS" : "TLS",
        settings.bearerTokens().isEmpty()
            ? "no authentication"
            : settings.bearerTokens().size() + " bearer tokens",
        (settings.isDemo() ? "no result cache (demo)" : CacheOptions.describe(assembly))
            + assembly.redis().map(redis -> "; shared through " + redis.describe()).orElse(""));
    if (portFile != null) {
      try {
        writePortFile(portFile, server.port());
      } catch (IOException e) {
        assembly.close();
        spec.commandLine()
            .getErr()
            .printf(
                "socialcheck: cannot write the port file %s: %s%n",
                portFile, ServerStartException.rootMessage(e));
        return 1;
      }
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down (grace {})", DurationText.format(shutdownGrace));
                  assembly.close();
                  log.info("stopped");
                  // The JVM exits when the hooks end, without waiting for the log writer.
                  BatchingConsoleAppender.awaitAllWritten(Duration.ofSeconds(2));
                },
                "socialcheck-shutdown"));
    server.awaitTermination();
    return 0;
  }

  /** Reports a part that could not start, naming the flag that chose its port; exit status 1. */
  private int cannotStart(ServerStartException e) {
    String flag =
        switch (e.part()) {
          case SERVER_PORT -> "--port " + e.port() + ": ";
          case METRICS_PORT -> "--metrics-port " + e.port() + ": ";
          case TRACING -> "";
        };
    spec.commandLine().getErr().println("socialcheck: " + flag + e.getMessage());
    return 1;
  }

  /**
   * The server's settings from the flags: the file-borne ones (tokens, TLS, the cache key secret)
   * read and checked here, so that their errors name the flag and the file.
   */
  private ServerSettings.Builder settings() {
    ServerSettings.Builder settings =
        ServerSettings.newBuilder()
            .canary(canaryInterval, canaryAutoDisable)
            .bearerTokens(tokens())
            .tls(tls().orElse(null))
            .host(host)
            .port(port)
            .defaultHedgeDelay(hedgeDelay)
            .shutdownGrace(shutdownGrace)
            .protect(protectHealth, protectReflection)
            .callerRateLimit(callerRateLimit)
            .maxInFlight(maxInFlight)
            .adaptiveConcurrencyLimit(concurrencyLimit == LimitKind.ADAPTIVE)
            .maxCallsPerConnection(maxCallsPerConnection)
            .maxConnectionAge(maxConnectionAge)
            .accessLogSample(accessLogSample)
            .checkManyConcurrency(checkManyConcurrency)
            .adaptivePercentile(adaptivePercentile)
            .adaptiveMaxExtraLoad(adaptiveMaxExtraLoad)
            .adaptiveMinSamples(adaptiveMinSamples)
            .adaptiveWindow(adaptiveWindow)
            .adaptiveEarlyStartWaste(adaptiveEarlyStartWaste)
            .adaptiveMinHedgeDelay(adaptiveMinHedgeDelay)
            .metricsEndpoint(metricsHost, metricsPort)
            .tracing(Tracing::fromEnvironment);
    catalogOptions.applyTo(settings);
    cacheOptions.applyTo(settings);
    return redisOptions.applyTo(settings);
  }

  private Optional<TlsFiles> tls() {
    if (tlsCert == null && tlsKey == null) {
      if (tlsClientCa != null) {
        throw new ParameterException(
            spec.commandLine(), "--tls-client-ca needs --tls-cert and --tls-key");
      }
      return Optional.empty();
    }
    if (tlsCert == null || tlsKey == null) {
      throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    TlsFiles files = new TlsFiles(tlsCert, tlsKey, Optional.ofNullable(tlsClientCa));
    try {
      files.validate();
    } catch (TlsFiles.InvalidFileException e) {
      String flag =
          switch (e.role()) {
            case CERTIFICATE_CHAIN -> "--tls-cert";
            case PRIVATE_KEY -> "--tls-key";
            case CLIENT_CA -> "--tls-client-ca";
          };
      throw new ParameterException(spec.commandLine(), flag + " " + e.getMessage());
    }
    return Optional.of(files);
  }

  /** Tokens from the file and the environment; a malformed entry is a usage error. */
  private Map<String, String> tokens() {
    Map<String, String> tokens = new LinkedHashMap<>();
    if (authTokensFile != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(authTokensFile);
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(),
            "cannot read --auth-tokens-file " + authTokensFile + ": " + ReadFailure.describe(e));
      }
      for (int i = 0; i < lines.size(); i++) {
        addToken(tokens, lines.get(i), authTokensFile + " line " + (i + 1));
      }
    }
    String fromEnvironment = System.getenv(TOKENS_ENV);
    if (fromEnvironment != null) {
      for (String entry : Splitter.on(',').split(fromEnvironment)) {
        addToken(tokens, entry, TOKENS_ENV);
      }
    }
    return tokens;
  }

  private void addToken(Map<String, String> tokens, String entry, String where) {
    String text = entry.strip();
    if (text.isEmpty() || text.startsWith("#")) {
      return;
    }
    int colon = text.indexOf(':');
    String name = colon > 0 ? text.substring(0, colon).strip() : "token-" + (tokens.size() + 1);
    String token = colon > 0 ? text.substring(colon + 1).strip() : text;
    if (token.length() < 16) {
      throw new ParameterException(
          spec.commandLine(), where + ": token of '" + name + "' is shorter than 16 characters");
    }
    if (tokens.putIfAbsent(name, token) != null) {
      throw new ParameterException(spec.commandLine(), where + ": token name '" + name + "' twice");
    }
  }

  /** Writes the port atomically, so a reader never sees a half-written file. */
  private static void writePortFile(Path file, int port) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path tmp = Files.createTempFile(absolute.getParent(), ".port", ".tmp");
    Files.writeString(tmp, port + System.lineSeparator());
    Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
