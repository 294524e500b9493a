package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

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
 * Over HTTP/1.1 they then open the further connections they need, as before. That first request is
 * never cancelled: a race cancels most probes early, often while their connection is still being
 * made, and a cancelled first request let the waiting ones go before there was a connection to
 * share: a burst of 200 cancelled probes opened 200 connections ({@code
 * ProbeTransportConnectionsTest} in the benchmarks). The JDK client (17 and 25 alike) closes such a
 * surplus connection when its request is cancelled, but keeps it open after its request has been
 * answered (a cold burst of 50: 50 opened, 50 still open seconds later), so target 6, at 5,000
 * probes in flight, found a replica holding 1,800–3,300 of them where 40 serve (five hosts, eight
 * clients), each with its TLS buffers on the heap. A client whose requests to a host all ended
 * {@link #REGATE_AFTER_IDLE_SECONDS} or more ago sends its next one alone again: the platform may
 * have closed the idle connection by then (many close idle HTTP/2 connections after a minute or a
 * few), and the burst that wakes the host would otherwise open one per request. So does a client
 * whose request to the host failed in a way that may mean its connection is gone (a GOAWAY, a
 * reset, an end of stream, a failed connect): nginx, for one, closes an HTTP/2 connection after
 * 1,000 requests by default, and target 6 with {@code --t6-goaway-after 1000} had each JVM gather
 * thousands of open connections, until the heap ran out.
 *
 * <p>Where a client has no room, the next request does not ask it first: per host and client this
 * transport counts its requests in flight and, on a refusal, remembers how many the host allowed
 * (the refusals cost an exception and a walk through the clients per probe; measured at 5,000
 * probes in flight, the walk took most of a replica's CPU). A request goes to the first client
 * below what its host allowed; one in {@link #RETRY_FULL_EVERY} skips tries the full client anyway
 * (taken, it raises the number), and a client whose requests to the host all ended forgets it, so a
 * host that raises its limit is used to it again. The JDK counts a cancelled stream until it has
 * closed it, a little after the cancel, so a number learned at a refusal can be low: the tries lift
 * it. The numbers are hints: a refusal still moves the request on.
 *
 * <p>A request whose connection was closed under it (a GOAWAY, an end of stream, a reset: see
 * {@link #isLostConnection}) is sent once more, with what is left of its timeout, through the gate
 * re-armed above: the JDK client before 24 fails every request in flight on a connection that
 * receives a GOAWAY, so a platform that closes its connections after 1,000 requests, as nginx does,
 * would otherwise fail a share of the probes each time. Probes are quiet by policy (they change
 * nothing on the platform), so a second send of a request the platform may have seen is harmless.
 *
 * <p>Cancelling the returned future cancels whichever attempt is in flight, or stops the wait; the
 * first request through a client to a host only lets its caller go, and ends by itself (answered,
 * failed or timed out; the request's timeout bounds it). Thread-safe.
 */
final class OverflowTransport implements ProbeTransport {
  /**
   * Hosts remembered per transport before those with nothing in flight are forgotten (redirects may
   * lead to any number of hosts; forgetting one only lets its next cold start go ungated).
   */
  static final int MAX_REMEMBERED_HOSTS = 1024;

  /** Skips of a full client after which one request tries it anyway. */
  static final int RETRY_FULL_EVERY = 64;

  /**
   * Seconds without a request in flight to a host on a client after which its next request goes
   * alone again (the connection may be gone). Traffic that keeps a host busy never pays the wait.
   */
  static final long REGATE_AFTER_IDLE_SECONDS = 30;

  /** Time left of a request's timeout below which a lost connection is not retried. */
  static final Duration MIN_RETRY_TIME = Duration.ofMillis(10);

  private final Supplier<HttpClient> newClient;
  private final Ticker ticker;
  private final int maxClients;
  private final Object lock = new Object();
  private final LongAdder refusals = new LongAdder();
  private final LongAdder lostConnectionRetries = new LongAdder();

  @GuardedBy("lock")
  private final List<ProbeTransport> clients = new ArrayList<>();

  /** Per host ({@code scheme://authority}). */
  @GuardedBy("lock")
  private final Map<String, Host> hosts = new HashMap<>();

  /** What the transport knows of one host, per client index. Guarded by the transport's lock. */
  private static final class Host {
    /** Requests sent (or waiting to be) through each client and not ended. */
    final int[] inFlight;

    /** Requests in flight the host allowed each client at its last refusal; 0: not known. */
    final int[] allowed;

    /** Requests that skipped each client because it was full, since the last try. */
    final int[] skips;

    /** {@link Ticker} reading at which each client's last request to the host ended. */
    final long[] idleSince;

    /**
     * The first exchange through each client: done once it ended; pending while in flight; null:
     * nothing was sent there yet.
     */
    final List<@Nullable SettableFuture<Void>> gates;

    Host(int clients) {
      inFlight = new int[clients];
      allowed = new int[clients];
      skips = new int[clients];
      idleSince = new long[clients];
      gates = new ArrayList<>(Collections.nCopies(clients, null));
    }

    boolean full(int client) {
      return allowed[client] > 0 && inFlight[client] >= allowed[client];
    }

    boolean idle() {
      for (int i = 0; i < inFlight.length; i++) {
        SettableFuture<Void> gate = gates.get(i);
        if (inFlight[i] > 0 || (gate != null && !gate.isDone())) {
          return false;
        }
      }
      return true;
    }
  }

  /** One request's place in its host's count. Guarded by the transport's lock. */
  private static final class Slot {
    final Host host;
    final int client;

    /** The client's requests in flight to the host with this one, when it was sent. */
    final int inFlightAtSend;

    boolean ended;
    boolean refused;

    Slot(Host host, int client, int inFlightAtSend) {
      this.host = host;
      this.client = client;
      this.inFlightAtSend = inFlightAtSend;
    }
  }

  OverflowTransport(HttpClient first, Supplier<HttpClient> newClient, int maxClients) {
    this(first, newClient, maxClients, Ticker.systemTicker());
  }

  OverflowTransport(
      HttpClient first, Supplier<HttpClient> newClient, int maxClients, Ticker ticker) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be at least 1");
    }
    this.newClient = newClient;
    this.maxClients = maxClients;
    this.ticker = ticker;
    clients.add(ProbeTransport.of(first));
  }

  @Override
  public ListenableFuture<ProbeResponse> send(OutgoingRequest request, int maxBodyBytes) {
    return attempt(0, request, maxBodyBytes, ticker.read(), false);
  }

  /**
   * @param sentAt {@link Ticker} reading when the caller sent the request (a retry's timeout is
   *     what is left of the request's)
   * @param retried whether this is the retry after a lost connection (there is one at most)
   */
  private ListenableFuture<ProbeResponse> attempt(
      int from, OutgoingRequest request, int maxBodyBytes, long sentAt, boolean retried) {
    String key = hostKey(request.uri());
    SettableFuture<Void> first = null;
    ListenableFuture<Void> wait;
    Slot slot;
    synchronized (lock) {
      Host host = hosts.get(key);
      if (host == null) {
        if (hosts.size() >= MAX_REMEMBERED_HOSTS) {
          hosts.values().removeIf(Host::idle);
        }
        host = new Host(maxClients);
        hosts.put(key, host);
      }
      int index = from;
      while (index + 1 < maxClients && host.full(index)) {
        if (++host.skips[index] >= RETRY_FULL_EVERY) {
          host.skips[index] = 0;
          break; // try it anyway: the host may allow more by now
        }
        index++;
      }
      slot = new Slot(host, index, ++host.inFlight[index]);
      SettableFuture<Void> gate = host.gates.get(index);
      if (gate == null || (slot.inFlightAtSend == 1 && idleTooLong(host, index))) {
        first = SettableFuture.create();
        host.gates.set(index, first);
        wait = null;
      } else {
        wait = gate.isDone() ? null : gate;
      }
    }
    ProbeTransport client = client(slot.client);
    ListenableFuture<ProbeResponse> sent;
    // What the slot's count follows: the exchange itself, which for the first request may outlive
    // the future the caller holds.
    ListenableFuture<ProbeResponse> exchange;
    if (first != null) {
      exchange = client.send(request, maxBodyBytes);
      SettableFuture<Void> gate = first;
      exchange.addListener(() -> gate.set(null), directExecutor());
      // The caller may give up on it (a race's loser) while the JDK client is still making its
      // connection: ended there, it would let every waiting request go to a client with no
      // connection in its pool yet, and each would open one of its own. So it runs to its end;
      // cancelling the caller's future only detaches the caller.
      sent = Futures.nonCancellationPropagating(exchange);
    } else if (wait == null) {
      sent = client.send(request, maxBodyBytes);
      exchange = sent;
    } else {
      // Never cancel the shared gate: only this request's wait.
      sent =
          Futures.transformAsync(
              Futures.nonCancellationPropagating(wait),
              ignored -> client.send(request, maxBodyBytes),
              directExecutor());
      exchange = sent;
    }
    exchange.addListener(() -> ended(slot), directExecutor());
    // A failure is read here, where the exception comes for free: asking the failed future from
    // a listener (get()) would build an ExecutionException and its stack trace per failure.
    return Futures.catchingAsync(
        sent,
        IOException.class,
        e -> {
          if (isStreamLimit(e)) {
            if (slot.client + 1 < maxClients) {
              refused(slot);
              return attempt(slot.client + 1, request, maxBodyBytes, sentAt, retried);
            }
          } else if (mayHaveLostTheConnection(e)) {
            rearm(slot);
            if (!retried && isLostConnection(e)) {
              OutgoingRequest again = withTimeLeft(request, sentAt);
              if (again != null) {
                lostConnectionRetries.increment();
                return attempt(0, again, maxBodyBytes, sentAt, true);
              }
            }
          }
          throw e;
        },
        directExecutor());
  }

  /**
   * Whether {@code e} may mean the client's connection to the host is gone (a GOAWAY, a reset, an
   * end of stream, a failed connect): anything but a stream-limit refusal or an answer that was
   * merely slow.
   */
  static boolean mayHaveLostTheConnection(IOException e) {
    return !isStreamLimit(e)
        && (!(e instanceof HttpTimeoutException) || e instanceof HttpConnectTimeoutException);
  }

  /**
   * Whether {@code e} says the connection was closed under the request, after it was sent and
   * before its answer came: a GOAWAY (the JDK client before 24 fails every stream in flight on one,
   * even those the platform was still answering), an end of stream, a reset, a write to a
   * connection the platform had closed (broken pipe), or a pooled HTTP/1.1 connection the platform
   * had closed. Such a request is sent once more, on a new connection: the platform closing a
   * connection says nothing about the probe. Not a refused or timed-out connect (the platform may
   * be down: a retry would double the wait), nor a TLS failure.
   */
  static boolean isLostConnection(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EOFException || t instanceof ClosedChannelException) {
        return true;
      }
      if (t instanceof ConnectException || t instanceof SSLException) {
        return false;
      }
      String message = t.getMessage();
      if (message != null
          && (message.contains("GOAWAY received")
              || message.contains("Connection reset")
              || message.contains("Broken pipe")
              || message.contains("header parser received no bytes"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code request} with what is left of its timeout since {@code sentAt}; null if less than {@link
   * #MIN_RETRY_TIME} is left.
   */
  private @Nullable OutgoingRequest withTimeLeft(OutgoingRequest request, long sentAt) {
    Duration left = request.timeout().minusNanos(ticker.read() - sentAt);
    if (left.compareTo(MIN_RETRY_TIME) < 0) {
      return null;
    }
    return new OutgoingRequest(
        request.method(), request.uri(), request.headers(), request.body(), left);
  }

  /**
   * The client's connection to the slot's host may be gone: its next request goes alone again, so
   * that the requests behind it share the connection it makes instead of opening one each.
   */
  private void rearm(Slot slot) {
    synchronized (lock) {
      SettableFuture<Void> gate = slot.host.gates.get(slot.client);
      if (gate != null && gate.isDone()) {
        slot.host.gates.set(slot.client, null);
      }
    }
  }

  /**
   * Whether the client's requests to the host ended so long ago that its connection may be gone.
   */
  @GuardedBy("lock")
  private boolean idleTooLong(Host host, int client) {
    return ticker.read() - host.idleSince[client]
        >= TimeUnit.SECONDS.toNanos(REGATE_AFTER_IDLE_SECONDS);
  }

  /** The key of {@code uri}'s host in {@link #hosts}: {@code scheme://authority}. */
  private static String hostKey(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /** The request of {@code slot} ended: answered, failed, refused or cancelled. */
  private void ended(Slot slot) {
    synchronized (lock) {
      if (slot.ended) {
        return;
      }
      slot.ended = true;
      Host host = slot.host;
      int client = slot.client;
      if (!slot.refused && host.allowed[client] > 0 && slot.inFlightAtSend > host.allowed[client]) {
        // Taken beyond what the host allowed before (a try of a full client, or a number learned
        // while cancelled streams were still closing): it allows this many now.
        host.allowed[client] = slot.inFlightAtSend;
      }
      if (--host.inFlight[client] == 0) {
        host.allowed[client] = 0; // idle: the next connection may allow another number
        host.idleSince[client] = ticker.read();
      }
    }
  }

  /** The host refused the request of {@code slot}: it allows the client's others, no more. */
  private void refused(Slot slot) {
    refusals.increment();
    synchronized (lock) {
      slot.refused = true;
      Host host = slot.host;
      int others = host.inFlight[slot.client] - (slot.ended ? 0 : 1);
      host.allowed[slot.client] = Math.max(1, others);
    }
  }

  @Override
  public long streamLimitRefusals() {
    return refusals.sum();
  }

  @Override
  public long lostConnectionRetries() {
    return lostConnectionRetries.sum();
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
      return hosts.size();
    }
  }

  /** Requests to {@code uri}'s host in flight through each client (for tests). */
  List<Integer> inFlight(URI uri) {
    synchronized (lock) {
      Host host = hosts.get(hostKey(uri));
      List<Integer> counts = new ArrayList<>();
      for (int i = 0; i < maxClients; i++) {
        counts.add(host == null ? 0 : host.inFlight[i]);
      }
      return counts;
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
