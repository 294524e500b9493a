package dev.socialcheck.server.testing;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Loads catalog YAML against fake platforms on 127.0.0.1, with a fake clock for back-off, circuit
 * breakers and the cache, a controllable environment, and an HTTP client whose threads it shuts
 * down.
 */
public final class ProbeFixture implements AutoCloseable {
  public final FakeScheduler clock = new FakeScheduler();
  public final Map<String, String> environment = new HashMap<>();
  private final ExecutorService httpExecutor = Executors.newFixedThreadPool(2);
  private ResultCache cache = ResultCache.disabled();
  private boolean serverTransport;

  /** Uses a real cache (on the fake clock) for the catalogs loaded afterwards. */
  public ProbeFixture withCache(Duration foundTtl, Duration notFoundTtl) {
    cache = new ResultCache(foundTtl, notFoundTtl, 1000, clock.ticker());
    return this;
  }

  /**
   * Sends the probes of the catalogs loaded afterwards through the transport {@code serve} uses
   * ({@link CatalogLoader#newProbeTransport}: more clients past a stream limit, one retry of a
   * request whose connection was lost) instead of one plain client.
   */
  public ProbeFixture withServerTransport() {
    serverTransport = true;
    return this;
  }

  public CatalogLoader.Settings settings() {
    CatalogLoader.Settings settings =
        new CatalogLoader.Settings(
            CatalogLoader.newHttpClient(httpExecutor),
            "socialcheck-test/1",
            cache,
            clock.ticker(),
            new TickerClock(clock.ticker()),
            environment::get,
            CircuitBreakerRegistry.ofDefaults());
    return serverTransport
        ? settings.withTransport(
            CatalogLoader.newProbeTransport(httpExecutor), settings.randomTokens())
        : settings;
  }

  /** Parses a whole catalog document. */
  public Catalog catalog(String yaml) {
    return CatalogLoader.parse("test.yaml", yaml, settings());
  }

  /**
   * Parses one platform entry (YAML of a single list item, without the leading dash), with generous
   * default limits so the resilience layer stays out of the way unless a test sets them.
   */
  public Platform platform(String entry) {
    String indented = "    " + entry.strip().replace("\n", "\n    ");
    String yaml =
        "defaults:\n"
            + "  rate_limit: {requests: 1000, per: 1s}\n"
            + "  concurrency: 100\n"
            + "platforms:\n"
            + "  -\n"
            + indented
            + "\n";
    return catalog(yaml).platforms().get(0);
  }

  /** Runs one check directly on the platform's checker and waits (bounded) for its outcome. */
  public static CheckOutcome check(Platform platform, String email, Duration timeout)
      throws Exception {
    return platform
        .checker()
        .check(EmailAddress.parse(email), new CheckContext(timeout))
        .get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    httpExecutor.shutdownNow();
  }
}
