package dev.socialcheck.bench;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.checkers.Http2FirstTransport;
import dev.socialcheck.server.checkers.HttpProbeChecker;
import dev.socialcheck.server.checkers.NettyHttp2Transport;
import dev.socialcheck.server.checkers.ProbeTransport;
import dev.socialcheck.server.checkers.ResultCache;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The probes' HTTP client in a target-6 JVM, as {@code serve} builds it ({@link
 * CatalogLoader#newProbeTransport}): {@link CatalogLoader#httpClientBuilder} clients (HTTP/2
 * preferred, no automatic redirects, 5 s connect timeout) on a fixed pool of daemon threads like
 * the CLI's, another client whenever a host's HTTP/2 stream limit is reached, up to a maximum; all
 * trusting only the fleet's certificate. The server (scenario a) and the raw prober (scenario b)
 * both send through {@link #transport()}.
 */
final class FleetClient implements AutoCloseable {
  private final ExecutorService executor;
  private final HttpClient http;
  private final ProbeTransport transport;

  /**
   * @param trustPem the fleet's certificate (PEM)
   * @param threads the client's executor threads ({@code serve} has 2)
   * @param maxClients clients at most ({@code serve}: {@link CatalogLoader#MAX_HTTP_CLIENTS}; 1:
   *     one connection per host, and a probe beyond the host's stream limit fails)
   */
  FleetClient(Path trustPem, int threads, int maxClients) throws IOException {
    this(trustPem, threads, maxClients, false);
  }

  /**
   * @param netty probe as {@code serve --probe-client netty} does: {@link NettyHttp2Transport} on
   *     {@code threads} event loops for the HTTP/2 platforms, the JDK client for the others
   */
  FleetClient(Path trustPem, int threads, int maxClients, boolean netty) throws IOException {
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            new ThreadFactoryBuilder()
                .setNameFormat("socialcheck-http-%d")
                .setDaemon(true)
                .build());
    TrustManagerFactory trustManagers = FleetCertificate.trustManagers(trustPem);
    SSLContext trust = FleetCertificate.contextTrusting(trustManagers);
    this.http = CatalogLoader.httpClientBuilder(executor).sslContext(trust).build();
    ProbeTransport jdk =
        ProbeTransport.overflowing(
            http,
            () -> CatalogLoader.httpClientBuilder(executor).sslContext(trust).build(),
            maxClients);
    // As CatalogLoader.newProbeTransport(executor, ProbeClient.NETTY, threads) builds it, but
    // trusting the fleet's certificate only.
    this.transport =
        netty ? new Http2FirstTransport(new NettyHttp2Transport(threads, trustManagers), jdk) : jdk;
  }

  /** The first client. */
  HttpClient http() {
    return http;
  }

  /** The probes' transport. */
  ProbeTransport transport() {
    return transport;
  }

  /**
   * The catalog in {@code file} over {@link #transport()}, no result cache (every call probes:
   * addresses are fresh anyway) and no environment; closing the catalog does not close this client.
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
                CircuitBreakerRegistry.ofDefaults())
            .withTransport(transport, HttpProbeChecker::randomToken);
    return CatalogLoader.load(file.toString(), settings);
  }

  @Override
  public void close() {
    transport.close();
    executor.shutdownNow();
  }
}
