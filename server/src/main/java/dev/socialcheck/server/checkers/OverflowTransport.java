package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sends through the first of several JDK {@link HttpClient}s that has room for one more HTTP/2
 * stream to the platform's host, so that a platform's {@code SETTINGS_MAX_CONCURRENT_STREAMS}
 * (typically 100–256) does not cap the probes in flight to it.
 *
 * <p>Why: the JDK client keeps one HTTP/2 connection per host and fails a request beyond the host's
 * stream limit at once with {@code IOException("too many concurrent streams")} (JDK 17 and 25
 * alike), without sending it. Each client has its own connection pool, so the next client opens a
 * second connection to that host, and so on. The refusal happens before anything is sent, so moving
 * on costs nothing on the wire. Clients are created when first needed, at most {@code maxClients}
 * (each has a selector thread); past the last one the refusal is the probe's error.
 *
 * <p>Cancelling the returned future cancels whichever attempt is in flight. Thread-safe.
 */
final class OverflowTransport implements ProbeTransport {
  private final Supplier<HttpClient> newClient;
  private final int maxClients;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final List<ProbeTransport> clients = new ArrayList<>();

  OverflowTransport(HttpClient first, Supplier<HttpClient> newClient, int maxClients) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be at least 1");
    }
    this.newClient = newClient;
    this.maxClients = maxClients;
    clients.add(ProbeTransport.of(first));
  }

  @Override
  public ListenableFuture<ProbeResponse> send(OutgoingRequest request, int maxBodyBytes) {
    return attempt(0, request, maxBodyBytes);
  }

  private ListenableFuture<ProbeResponse> attempt(
      int index, OutgoingRequest request, int maxBodyBytes) {
    ListenableFuture<ProbeResponse> sent = client(index).send(request, maxBodyBytes);
    if (index + 1 >= maxClients) {
      return sent;
    }
    return Futures.catchingAsync(
        sent,
        IOException.class,
        e -> {
          if (isStreamLimit(e)) {
            return attempt(index + 1, request, maxBodyBytes);
          }
          throw e;
        },
        directExecutor());
  }

  private ProbeTransport client(int index) {
    synchronized (lock) {
      while (clients.size() <= index) {
        clients.add(ProbeTransport.of(newClient.get()));
      }
      return clients.get(index);
    }
  }

  /** Clients created so far (for tests and metrics). */
  int clients() {
    synchronized (lock) {
      return clients.size();
    }
  }

  /** Whether {@code e} is the JDK client's refusal of a stream beyond the host's limit. */
  static boolean isStreamLimit(Throwable e) {
    return e instanceof IOException
        && e.getMessage() != null
        && e.getMessage().contains("too many concurrent streams");
  }
}
