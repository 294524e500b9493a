package dev.socialcheck.server.cli;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogException;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.catalog.DemoCatalog;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.checkers.SharedPlatformBudget;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
      paramLabel = "demo|builtin|FILE",
      description =
          "Platform catalog: demo (offline, simulated), builtin (bundled real platforms) or a"
              + " YAML file. Default: ${DEFAULT-VALUE}.")
  String catalog = DemoCatalog.NAME;

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

  /** Circuit breakers of the loaded catalog's platforms (none for the demo catalog). */
  final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();

  /** Whether the chosen catalog is the offline demo, which has no result cache. */
  boolean isDemo() {
    return catalog.equals(DemoCatalog.NAME);
  }

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
    if (isDemo()) {
      if (!(demoTimeScale > 0) || Double.isInfinite(demoTimeScale)) {
        throw new ParameterException(
            spec.commandLine(), "--demo-time-scale must be a positive number");
      }
      return DemoCatalog.create(scheduler, demoTimeScale);
    }
    ExecutorService http =
        Executors.newFixedThreadPool(
            2,
            new ThreadFactoryBuilder()
                .setNameFormat("socialcheck-http-%d")
                .setDaemon(true)
                .build());
    try {
      Catalog loaded =
          CatalogLoader.load(
              catalog,
              new CatalogLoader.Settings(
                  CatalogLoader.newHttpClient(http),
                  userAgent,
                  cache,
                  Ticker.systemTicker(),
                  Clock.systemUTC(),
                  System::getenv,
                  circuitBreakers,
                  sharedBudget));
      return new Catalog(loaded.name(), loaded.platforms(), http::shutdownNow);
    } catch (CatalogException e) {
      http.shutdownNow();
      throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, catalog);
    }
  }
}
