package dev.socialcheck.bench;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.checkers.ResultCache;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The probes' HTTP client in a target-6 JVM: {@link CatalogLoader#httpClientBuilder} (the
 * production settings: HTTP/2 preferred, no automatic redirects, 5 s connect timeout) on a fixed
 * pool of daemon threads like the CLI's, trusting only the fleet's certificate. The server
 * (scenario a) and the raw prober (scenario b) both use it.
 */
final class FleetClient implements AutoCloseable {
  private final ExecutorService executor;
  private final HttpClient http;

  /**
   * @param trustPem the fleet's certificate (PEM)
   * @param threads the client's executor threads ({@code serve} has 2)
   */
  FleetClient(Path trustPem, int threads) throws IOException {
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            new ThreadFactoryBuilder()
                .setNameFormat("socialcheck-http-%d")
                .setDaemon(true)
                .build());
    this.http =
        CatalogLoader.httpClientBuilder(executor)
            .sslContext(FleetCertificate.trustingContext(trustPem))
            .build();
  }

  HttpClient http() {
    return http;
  }

  /**
   * The catalog in {@code file} with this client, no result cache (every call probes: addresses are
   * fresh anyway) and no environment; closing the catalog does not close this client.
   */
  Catalog catalog(Path file) {
    CatalogLoader.Settings settings =
        new CatalogLoader.Settings(
            http,
            "socialcheck-bench",
            ResultCache.disabled(),
            Ticker.systemTicker(),
            Clock.systemUTC(),
            name -> null,
            CircuitBreakerRegistry.ofDefaults());
    return CatalogLoader.load(file.toString(), settings);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
