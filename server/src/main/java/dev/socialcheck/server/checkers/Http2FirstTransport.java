package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends HTTPS probes through {@link NettyHttp2Transport} and the rest through the JDK client
 * ({@code fallback}): cleartext {@code http://}, and the hosts whose TLS handshake did not agree on
 * HTTP/2 (remembered after their first probe, which is then sent through the fallback: nothing had
 * been sent). Thread-safe; {@link #close()} closes the HTTP/2 transport (the fallback's executor is
 * its owner's).
 */
public final class Http2FirstTransport implements ProbeTransport {
  /**
   * Hosts remembered as not speaking HTTP/2 before the set is cleared (re-learnt at one probe
   * each).
   */
  static final int MAX_REMEMBERED_HOSTS = 1024;

  private final NettyHttp2Transport http2;
  private final ProbeTransport fallback;
  private final Set<String> notHttp2 = ConcurrentHashMap.newKeySet();

  public Http2FirstTransport(NettyHttp2Transport http2, ProbeTransport fallback) {
    this.http2 = http2;
    this.fallback = fallback;
  }

  @Override
  public ListenableFuture<ProbeResponse> send(OutgoingRequest request, int maxBodyBytes) {
    URI uri = request.uri();
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      return fallback.send(request, maxBodyBytes);
    }
    String host = uri.getHost() + ":" + uri.getPort();
    if (notHttp2.contains(host)) {
      return fallback.send(request, maxBodyBytes);
    }
    return Futures.catchingAsync(
        http2.send(request, maxBodyBytes),
        NettyHttp2Transport.NotHttp2Exception.class,
        e -> {
          if (notHttp2.size() >= MAX_REMEMBERED_HOSTS) {
            notHttp2.clear();
          }
          notHttp2.add(host);
          return fallback.send(request, maxBodyBytes);
        },
        directExecutor());
  }

  /** Whether {@code uri}'s host is known not to speak HTTP/2 (for tests). */
  boolean knownNotHttp2(URI uri) {
    return notHttp2.contains(uri.getHost() + ":" + uri.getPort());
  }

  @Override
  public long streamLimitRefusals() {
    return fallback.streamLimitRefusals();
  }

  @Override
  public long lostConnectionRetries() {
    return http2.lostConnectionRetries() + fallback.lostConnectionRetries();
  }

  @Override
  public void close() {
    http2.close();
  }
}
