package dev.socialcheck.server.checkers;

import com.google.common.util.concurrent.ListenableFuture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.function.Supplier;

/**
 * Sends a probe's HTTP requests. Production uses {@link #of(HttpClient)}; {@code selfcheck
 * --replay} sends them to a loopback fake instead.
 *
 * <p>Contract: asynchronous (no thread held while waiting); cancelling the returned future aborts
 * the exchange unless its response has been read to the end (then there is nothing to abort, and
 * the connection stays with the client's pool); at most {@code maxBodyBytes} of a body are read;
 * thread-safe. {@link #close()} releases what the transport itself started (threads, connections);
 * an executor it was given stays its owner's.
 */
@FunctionalInterface
public interface ProbeTransport extends AutoCloseable {

  /** Sends {@code request}; the future fails with the client's exception (timeouts included). */
  ListenableFuture<ProbeResponse> send(OutgoingRequest request, int maxBodyBytes);

  /**
   * Requests a host refused so far because its HTTP/2 stream limit was reached and that moved on to
   * another client (a refusal by the last client is the probe's own error, not counted here); 0 for
   * a transport with one client.
   */
  default long streamLimitRefusals() {
    return 0;
  }

  /**
   * Requests sent a second time because their connection was closed under them (see {@link
   * OverflowTransport#isLostConnection}); 0 for a transport that does not retry.
   */
  default long lostConnectionRetries() {
    return 0;
  }

  /** Releases what the transport started itself; nothing for one over a given client. */
  @Override
  default void close() {}

  /**
   * Sends with {@code first}, and with up to {@code maxClients − 1} more clients from {@code
   * newClient} (created when first needed) for requests that {@code first} refuses because the
   * host's HTTP/2 stream limit is reached: each client has its own connection to the host. See
   * {@link OverflowTransport}.
   */
  static ProbeTransport overflowing(
      HttpClient first, Supplier<HttpClient> newClient, int maxClients) {
    return new OverflowTransport(first, newClient, maxClients);
  }

  /**
   * Sends with the JDK {@link HttpClient} ({@code sendAsync}); build it with {@code
   * Redirect.NEVER}, probes follow redirects themselves. Cleartext {@code http://} requests use
   * HTTP/1.1 (no h2c upgrade dance).
   */
  static ProbeTransport of(HttpClient client) {
    return (request, maxBodyBytes) -> {
      byte[] bytes = request.body();
      HttpRequest.BodyPublisher body =
          bytes.length == 0
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(bytes);
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(request.uri())
              .timeout(
                  request.timeout().isZero() || request.timeout().isNegative()
                      ? java.time.Duration.ofNanos(1)
                      : request.timeout())
              .method(request.method(), body);
      if ("http".equalsIgnoreCase(request.uri().getScheme())) {
        builder.version(HttpClient.Version.HTTP_1_1);
      }
      request.headers().forEach(builder::header);
      return ExchangeFuture.send(
          client,
          builder.build(),
          maxBodyBytes,
          http ->
              new ProbeResponse(
                  http.statusCode(), http.headers(), http.body().bytes(), http.body().truncated()));
    };
  }
}
