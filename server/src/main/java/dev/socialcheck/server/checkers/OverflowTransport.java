package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>One connection attempt per client and host at a time: the JDK client opens a new connection
 * for every request to a host it has no connection to yet, so hundreds of probes meeting a cold
 * client (a replica that just started, or an overflow client just created) would each open one and
 * make a TLS handshake of its own (target 6 measured such storms, with connect timeouts, at 1,000+
 * probes in flight). Here the first request to a host on a client goes alone; the others wait until
 * it has its answer (or its failure) and then share the connection it left in the client's pool.
 * Over HTTP/1.1 they then open the further connections they need, as before.
 *
 * <p>Cancelling the returned future cancels whichever attempt is in flight, or stops the wait.
 * Thread-safe.
 */
final class OverflowTransport implements ProbeTransport {
  /**
   * Hosts remembered per transport before those whose first exchange has ended are forgotten
   * (redirects may lead to any number of hosts; forgetting one only lets its next cold start go
   * ungated).
   */
  static final int MAX_REMEMBERED_HOSTS = 1024;

  private final Supplier<HttpClient> newClient;
  private final int maxClients;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final List<ProbeTransport> clients = new ArrayList<>();

  /**
   * Per client index and host ({@code scheme://authority}): done once the first exchange ended;
   * pending while it is in flight. Absent: nothing was sent there yet.
   */
  @GuardedBy("lock")
  private final Map<String, SettableFuture<Void>> opened = new HashMap<>();

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
    ProbeTransport client = client(index);
    String key = index + " " + request.uri().getScheme() + "://" + request.uri().getRawAuthority();
    SettableFuture<Void> first = null;
    ListenableFuture<Void> wait;
    synchronized (lock) {
      SettableFuture<Void> gate = opened.get(key);
      if (gate == null) {
        if (opened.size() >= MAX_REMEMBERED_HOSTS) {
          opened.values().removeIf(SettableFuture::isDone);
        }
        first = SettableFuture.create();
        opened.put(key, first);
        wait = null;
      } else {
        wait = gate.isDone() ? null : gate;
      }
    }
    ListenableFuture<ProbeResponse> sent;
    if (wait == null) {
      sent = client.send(request, maxBodyBytes);
      if (first != null) {
        SettableFuture<Void> gate = first;
        sent.addListener(() -> gate.set(null), directExecutor());
      }
    } else {
      // Never cancel the shared gate: only this request's wait.
      sent =
          Futures.transformAsync(
              Futures.nonCancellationPropagating(wait),
              ignored -> client.send(request, maxBodyBytes),
              directExecutor());
    }
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

  /** Hosts remembered (for tests). */
  int rememberedHosts() {
    synchronized (lock) {
      return opened.size();
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
