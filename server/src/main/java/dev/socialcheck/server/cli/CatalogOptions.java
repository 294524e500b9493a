package dev.socialcheck.server.cli;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogException;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.catalog.DemoCatalog;
import dev.socialcheck.server.catalog.PlatformKind;
import dev.socialcheck.server.checkers.HttpProbeChecker;
import dev.socialcheck.server.checkers.ProbeTransport;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.checkers.SharedPlatformBudget;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options that choose and tune the catalog, shared by {@code serve}, {@code check}, {@code
 * selfcheck}. The result cache's options are {@link CacheOptions}, {@code serve}'s only.
 */
final class CatalogOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--catalog",
      defaultValue = DemoCatalog.NAME,
      paramLabel = "demo|builtin|extended|FILE",
      description =
          "Platform catalog: demo (offline, simulated), builtin (bundled real platforms: documented"
              + " APIs and quiet lookups), extended (builtin plus sign-up form checks; needs"
              + " --allow-kind signup-check) or a YAML file. Default: ${DEFAULT-VALUE}.")
  String catalog = DemoCatalog.NAME;

  @Option(
      names = "--allow-kind",
      split = ",",
      paramLabel = "KIND",
      description =
          "Also allow catalog entries of this kind. api and lookup are always allowed;"
              + " signup-check (a sign-up form's 'address already taken' check: no account is"
              + " created and nothing is sent to the owner, but it may breach a platform's terms)"
              + " only when allowed here.")
  List<String> allowKinds = List.of();

  @Option(
      names = "--demo-time-scale",
      defaultValue = "1.0",
      paramLabel = "FACTOR",
      description =
          "Multiplies the demo catalog's latencies and timeouts (0.01 turns 1 s into 10 ms)."
              + " Default: ${DEFAULT-VALUE}.")
  double demoTimeScale = 1.0;

  @Option(
      names = "--user-agent",
      defaultValue = "socialcheck/1 (account-existence checker)",
      paramLabel = "TEXT",
      description = "User-Agent of platform probes. Default: ${DEFAULT-VALUE}.")
  String userAgent = "socialcheck/1 (account-existence checker)";

  /**
   * The kinds of catalog entry allowed: api and lookup, plus those of {@code --allow-kind}.
   *
   * @throws ParameterException naming an unknown kind
   */
  Set<PlatformKind> allowedKinds() {
    Set<PlatformKind> allowed = EnumSet.copyOf(PlatformKind.DEFAULT_ALLOWED);
    for (String name : allowKinds) {
      allowed.add(
          PlatformKind.parse(name)
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "--allow-kind "
                              + name
                              + ": not a kind (kinds: "
                              + PlatformKind.names()
                              + ")")));
    }
    return allowed;
  }

  /** The chosen catalog's name: a bundled one's, or a file's name without its folder. */
  String catalogName() {
    return isDemo() || CatalogLoader.isBundled(catalog)
        ? catalog
        : String.valueOf(Path.of(catalog).getFileName());
  }

  /** Whether the chosen catalog is the offline demo one (no HTTP probes). */
  boolean isDemo() {
    return catalog.equals(DemoCatalog.NAME);
  }

  /** Circuit breakers of the loaded catalog's platforms (none for the demo catalog). */
  final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();

  /** Builds the chosen catalog without a result cache. */
  Catalog load(ScheduledExecutorService scheduler) {
    return load(scheduler, ResultCache.disabled(), null);
  }

  /**
   * Builds the chosen catalog.
   *
   * @param cache where checks of real platforms look first ({@link ResultCache#disabled()}: none)
   * @param sharedBudget where platform rate limits are shared with other replicas, if anywhere
   */
  Catalog load(
      ScheduledExecutorService scheduler,
      ResultCache cache,
      @Nullable SharedPlatformBudget sharedBudget) {
    return load(scheduler, cache, sharedBudget, UnaryOperator.identity());
  }

  /**
   * Builds the chosen catalog.
   *
   * @param cache where checks of real platforms look first ({@link ResultCache#disabled()}: none)
   * @param sharedBudget where platform rate limits are shared with other replicas, if anywhere
   * @param customize adjusts the probes' settings (a recorder, another transport)
   */
  Catalog load(
      ScheduledExecutorService scheduler,
      ResultCache cache,
      @Nullable SharedPlatformBudget sharedBudget,
      UnaryOperator<CatalogLoader.Settings> customize) {
    Set<PlatformKind> kinds = allowedKinds(); // an unknown kind is an error whatever the catalog
    if (catalog.equals(CatalogLoader.EXTENDED) && !kinds.contains(PlatformKind.SIGNUP_CHECK)) {
      throw new ParameterException(
          spec.commandLine(),
          "--catalog extended holds sign-up form checks (kind signup-check): they create no"
              + " account and send nothing to the owner, but may breach the platforms' terms, so"
              + " they run only when allowed: add --allow-kind signup-check");
    }
    if (isDemo()) {
      if (!(demoTimeScale > 0) || Double.isInfinite(demoTimeScale)) {
        throw new ParameterException(
            spec.commandLine(), "--demo-time-scale must be a positive number");
      }
      return DemoCatalog.create(scheduler, demoTimeScale);
    }
    ExecutorService http = newHttpExecutor();
    try {
      Catalog loaded =
          CatalogLoader.load(
              catalog,
              customize.apply(
                  settings(CatalogLoader.newProbeTransport(http), cache, sharedBudget)));
      return new Catalog(loaded.name(), loaded.platforms(), http::shutdownNow);
    } catch (CatalogException e) {
      http.shutdownNow();
      throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, catalog);
    }
  }

  /** Threads of the probes' HTTP client (daemon: they never keep the process alive). */
  static ExecutorService newHttpExecutor() {
    return Executors.newFixedThreadPool(
        2, new ThreadFactoryBuilder().setNameFormat("socialcheck-http-%d").setDaemon(true).build());
  }

  /** The probes' settings for the chosen catalog, over {@code http}. */
  CatalogLoader.Settings settings(
      HttpClient http, ResultCache cache, @Nullable SharedPlatformBudget sharedBudget) {
    return settings(ProbeTransport.of(http), cache, sharedBudget);
  }

  /** The probes' settings for the chosen catalog, sending through {@code transport}. */
  CatalogLoader.Settings settings(
      ProbeTransport transport, ResultCache cache, @Nullable SharedPlatformBudget sharedBudget) {
    return new CatalogLoader.Settings(
        transport,
        userAgent,
        cache,
        Ticker.systemTicker(),
        Clock.systemUTC(),
        System::getenv,
        circuitBreakers,
        sharedBudget,
        allowedKinds(),
        null,
        HttpProbeChecker::randomToken);
  }

  /**
   * The undecorated probes of the chosen (HTTP) catalog, by platform id.
   *
   * @throws ParameterException if the catalog cannot be loaded
   */
  Map<String, HttpProbeChecker> probes(CatalogLoader.Settings settings) {
    try {
      return CatalogLoader.probes(catalog, settings);
    } catch (CatalogException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, catalog);
    }
  }
}
