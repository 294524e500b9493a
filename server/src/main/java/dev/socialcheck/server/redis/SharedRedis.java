package dev.socialcheck.server.redis;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.checkers.SharedPlatformBudget;
import dev.socialcheck.server.checkers.SharedResultStore;
import dev.socialcheck.server.engine.DurationText;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis that replicas share, seen from one replica: one Lettuce connection, every command
 * asynchronous and bounded, and an UP/DOWN state that decides whether Redis is used at all.
 *
 * <ul>
 *   <li><b>Bounded.</b> Every command fails after {@link Settings#commandTimeout()} at the latest
 *       (a timer of ours, not only Lettuce's), so nothing waits on Redis longer than that. While
 *       disconnected, commands are rejected at once instead of being queued.
 *   <li><b>UP/DOWN.</b> {@value #FAILURES_TO_GO_DOWN} failed commands in a row, or a lost
 *       connection, turn it DOWN; then no command is sent and users fall back to the local cache
 *       and limits at once. A probe every {@link Settings#probeInterval()} reconnects (or PINGs)
 *       and turns it UP again: recovery needs no one. Each transition is logged once and counted;
 *       {@link #addStateListener} tells the health service.
 *   <li><b>Threads.</b> Results are delivered on this object's own small pool, never on Lettuce's
 *       I/O thread nor on the caller's, so callers may chain work on them with {@code
 *       directExecutor()}.
 *   <li><b>Start.</b> {@link #start} returns at once and connects in the background: a replica
 *       starts and answers with Redis down. {@link #awaitUp} lets start-up give the first
 *       connection a bounded moment; it wakes on the connection's callback, never polls.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} releases the connection and the threads.
 */
public final class SharedRedis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedRedis.class);

  /** Failed commands in a row that turn the state DOWN. */
  static final int FAILURES_TO_GO_DOWN = 3;

  /**
   * How to reach Redis and how long to wait for it.
   *
   * @param uri {@code redis://[:password@]host[:port][/db]} (or {@code rediss://} for TLS)
   * @param keyPrefix prefix of every key, e.g. {@code socialcheck:}
   * @param commandTimeout the longest any check or call waits for one command
   * @param connectTimeout the longest a connection attempt may take
   * @param probeInterval while DOWN, how often to try again
   */
  public record Settings(
      String uri,
      String keyPrefix,
      Duration commandTimeout,
      Duration connectTimeout,
      Duration probeInterval) {
    public static final String DEFAULT_KEY_PREFIX = "socialcheck:";
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(100);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

    public Settings {
      requireNonNull(uri, "uri");
      requireNonNull(keyPrefix, "keyPrefix");
      checkArgument(isPositive(commandTimeout), "the Redis command timeout must be positive");
      checkArgument(isPositive(connectTimeout), "the Redis connect timeout must be positive");
      checkArgument(isPositive(probeInterval), "the Redis probe interval must be positive");
    }

    /** Default timeouts and prefix. */
    public static Settings of(String uri) {
      return new Settings(
          uri,
          DEFAULT_KEY_PREFIX,
          DEFAULT_COMMAND_TIMEOUT,
          DEFAULT_CONNECT_TIMEOUT,
          DEFAULT_PROBE_INTERVAL);
    }

    private static boolean isPositive(Duration d) {
      return !d.isNegative() && !d.isZero();
    }
  }

  private enum State {
    CONNECTING,
    UP,
    DOWN
  }

  private final Settings settings;
  private final RedisURI uri;
  private final String where;
  private final RedisClient client;
  private final ScheduledThreadPoolExecutor threads;
  private final Executor callbacks;
  private final RedisStats stats;
  private final RedisResultStore resultStore;
  private final RedisRateLimiter rateLimiter;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  @GuardedBy("lock")
  private @Nullable StatefulRedisConnection<String, String> connection;

  @GuardedBy("lock")
  private boolean connecting;

  @GuardedBy("lock")
  private int consecutiveFailures;

  @GuardedBy("lock")
  private boolean closed;

  /**
   * Completed by the next transition to UP, or by {@link #close()}; a fresh one replaces it when
   * the state leaves UP. {@link #awaitUp} waits on it.
   */
  @GuardedBy("lock")
  private SettableFuture<@Nullable Void> nextUp = SettableFuture.create();

  private volatile State state = State.CONNECTING;

  private SharedRedis(Settings settings, RedisURI uri) {
    this.settings = settings;
    this.uri = uri;
    this.where = describe(uri);
    this.threads =
        new ScheduledThreadPoolExecutor(
            2,
            new ThreadFactoryBuilder()
                .setNameFormat("socialcheck-redis-%d")
                .setDaemon(true)
                .build());
    threads.setRemoveOnCancelPolicy(true);
    this.callbacks =
        task -> {
          try {
            threads.execute(task);
          } catch (RejectedExecutionException e) {
            task.run(); // closing: complete on the caller's thread rather than never
          }
        };
    this.stats = new RedisStats(this::isUp);
    this.client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(settings.connectTimeout())
                    .keepAlive(true)
                    .build())
            .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
            .build());
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
            if (isCurrent(handler)) {
              callbacks.execute(SharedRedis.this::probe);
            }
          }

          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
            if (isCurrent(handler)) {
              goDown("connection lost");
            }
          }
        });
    this.resultStore = new RedisResultStore(this, settings.keyPrefix() + "cache:");
    this.rateLimiter = new RedisRateLimiter(this, settings.keyPrefix());
  }

  /**
   * Starts connecting in the background and returns at once (state DOWN until connected).
   *
   * @throws IllegalArgumentException if the URI is malformed
   */
  public static SharedRedis start(Settings settings) {
    RedisURI uri;
    try {
      uri = RedisURI.create(settings.uri());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a Redis URI (expected redis://host:port or rediss://host:port)", e);
    }
    // The handshake (HELLO, AUTH, SELECT) is bounded by the URI's timeout.
    uri.setTimeout(settings.connectTimeout());
    SharedRedis redis = new SharedRedis(settings, uri);
    long interval = settings.probeInterval().toNanos();
    // Stopped by shutting the threads down; probe() catches its own failures.
    ScheduledFuture<?> unused =
        redis.threads.scheduleWithFixedDelay(redis::probe, 0, interval, TimeUnit.NANOSECONDS);
    return redis;
  }

  /** Whether Redis is in use: connected and answering. */
  public boolean isUp() {
    return state == State.UP;
  }

  /**
   * Waits until Redis is UP, at most {@code timeout} (start-up, tests). No polling: the thread
   * sleeps until the connection's callback announces UP, {@link #close()} is called, or the timeout
   * passes. Returns at once if it is UP already, or closed.
   *
   * @return whether it came UP within the timeout (it may have gone DOWN again since); {@code
   *     false} if closed
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitUp(Duration timeout) throws InterruptedException {
    ListenableFuture<@Nullable Void> up;
    synchronized (lock) {
      if (closed) {
        return false;
      }
      if (state == State.UP) {
        return true;
      }
      up = nextUp;
    }
    try {
      up.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new AssertionError("nextUp is only ever set, never failed", e);
    }
    synchronized (lock) {
      return !closed;
    }
  }

  /**
   * Calls {@code listener} with the new state ({@code true} = UP) on every transition, on one of
   * this object's threads.
   */
  public void addStateListener(Consumer<Boolean> listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  /** The shared level of the result cache. */
  public SharedResultStore resultStore() {
    return resultStore;
  }

  /** Platform rate limits shared by every replica, under {@code <prefix>budget:<platform id>}. */
  public SharedPlatformBudget platformBudget() {
    return (platformId, requests, period) ->
        Futures.transform(
            rateLimiter.acquire(
                "budget:" + platformId,
                RedisRateLimiter.Rate.of(requests, period),
                RedisStats.Limit.PLATFORM),
            decision -> decision.map(RedisRateLimiter.Decision::allowed),
            directExecutor());
  }

  /** Shared rate limits: per-caller quotas and platform budgets. */
  public RedisRateLimiter rateLimiter() {
    return rateLimiter;
  }

  /** What Redis did and did not do, for metrics. */
  public RedisStats stats() {
    return stats;
  }

  /** Host and port (never the password), key prefix and timeout, for the start-up log. */
  public String describe() {
    return "redis "
        + where
        + " (keys "
        + settings.keyPrefix()
        + "*, command timeout "
        + DurationText.format(settings.commandTimeout())
        + ")";
  }

  /**
   * Runs one command if Redis is UP; the future fails at once when it is DOWN and at the latest
   * after the command timeout otherwise. Completes on this object's threads. Cancelling it cancels
   * the command.
   */
  <T> ListenableFuture<T> execute(
      Function<RedisAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
    StatefulRedisConnection<String, String> current;
    synchronized (lock) {
      current = state == State.UP && !closed ? connection : null;
    }
    if (current == null) {
      return Futures.immediateFailedFuture(new RedisUnavailableException("redis is down"));
    }
    ListenableFuture<T> bounded;
    try {
      bounded = bounded(command.apply(current.async()));
    } catch (RuntimeException e) {
      failed(e);
      return Futures.immediateFailedFuture(e);
    }
    bounded.addListener(() -> record(bounded), directExecutor());
    return bounded;
  }

  private <T> ListenableFuture<T> bounded(CompletionStage<T> stage) {
    SettableFuture<T> adapted = SettableFuture.create();
    stage.whenCompleteAsync(
        (value, error) -> {
          if (error != null) {
            adapted.setException(unwrap(error));
          } else {
            adapted.set(value);
          }
        },
        callbacks);
    adapted.addListener(
        () -> {
          if (adapted.isCancelled()) {
            stage.toCompletableFuture().cancel(false);
          }
        },
        directExecutor());
    try {
      return Futures.withTimeout(adapted, settings.commandTimeout(), threads);
    } catch (RejectedExecutionException e) {
      adapted.cancel(false);
      return Futures.immediateFailedFuture(new RedisUnavailableException("closed"));
    }
  }

  private void record(ListenableFuture<?> result) {
    if (result.isCancelled()) {
      return; // the caller stopped waiting: says nothing about Redis
    }
    try {
      Futures.getDone(result);
      succeeded();
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RedisCommandExecutionException) {
        succeeded(); // an error reply (e.g. NOSCRIPT): Redis is there and answering
      } else {
        failed(cause);
      }
    }
  }

  private void succeeded() {
    synchronized (lock) {
      consecutiveFailures = 0;
    }
  }

  private void failed(Throwable cause) {
    boolean down;
    synchronized (lock) {
      consecutiveFailures++;
      down = consecutiveFailures >= FAILURES_TO_GO_DOWN;
    }
    if (down) {
      goDown(FAILURES_TO_GO_DOWN + " commands failed in a row, last: " + reason(cause));
    }
  }

  /** While not UP: connects (or reconnects) when there is no live connection, else PINGs. */
  private void probe() {
    StatefulRedisConnection<String, String> current;
    synchronized (lock) {
      if (closed || state == State.UP || connecting) {
        return;
      }
      current = connection;
      if (current == null || !current.isOpen()) {
        connecting = true;
        current = null;
      }
    }
    if (current == null) {
      connect();
      return;
    }
    ListenableFuture<String> pong;
    try {
      pong = bounded(current.async().ping());
    } catch (RuntimeException e) {
      return; // still down; the next probe tries again
    }
    pong.addListener(
        () -> {
          if (!pong.isCancelled() && isSuccess(pong)) {
            goUp("answered a PING");
          }
        },
        directExecutor());
  }

  private void connect() {
    CompletionStage<StatefulRedisConnection<String, String>> attempt;
    try {
      attempt = client.connectAsync(StringCodec.UTF8, uri);
    } catch (RuntimeException e) {
      connectFailed(e);
      return;
    }
    attempt.whenCompleteAsync(
        (fresh, error) -> {
          if (error != null) {
            connectFailed(unwrap(error));
            return;
          }
          StatefulRedisConnection<String, String> old;
          boolean keep;
          synchronized (lock) {
            connecting = false;
            keep = !closed;
            old = keep ? connection : null;
            if (keep) {
              connection = fresh;
              consecutiveFailures = 0;
            }
          }
          // A connection that fails to close is dropped all the same: nothing to wait for.
          if (!keep) {
            CompletableFuture<Void> unused = fresh.closeAsync();
            return;
          }
          if (old != null) {
            CompletableFuture<Void> unused = old.closeAsync();
          }
          goUp("connected");
        },
        callbacks);
  }

  private void connectFailed(Throwable cause) {
    synchronized (lock) {
      connecting = false;
    }
    firstAttemptFailed("cannot connect: " + reason(cause));
  }

  private boolean isCurrent(RedisChannelHandler<?, ?> handler) {
    synchronized (lock) {
      return handler == connection;
    }
  }

  private void goUp(String why) {
    SettableFuture<@Nullable Void> up;
    synchronized (lock) {
      if (closed || state == State.UP) {
        return;
      }
      state = State.UP;
      consecutiveFailures = 0;
      up = nextUp;
    }
    announce(true, why);
    up.set(null); // wakes awaitUp (outside the lock), once the change is logged and told
  }

  private void goDown(String why) {
    synchronized (lock) {
      if (closed || state != State.UP) {
        return;
      }
      state = State.DOWN;
      nextUp = SettableFuture.create(); // the last one was completed on the way UP
    }
    announce(false, why);
  }

  /** From CONNECTING to DOWN: the first connection attempt failed. */
  private void firstAttemptFailed(String why) {
    synchronized (lock) {
      if (closed || state != State.CONNECTING) {
        return;
      }
      state = State.DOWN;
    }
    announce(false, why);
  }

  private void announce(boolean up, String why) {
    stats.stateChanged();
    if (up) {
      log.info(
          "redis UP at {} ({}): sharing the result cache, caller quotas and platform budgets",
          where,
          why);
    } else {
      log.warn(
          "redis DOWN at {} ({}): answering from the local cache and enforcing local limits"
              + " until it is back",
          where,
          why);
    }
    for (Consumer<Boolean> listener : listeners) {
      try {
        listener.accept(up);
      } catch (RuntimeException e) {
        log.warn("redis state listener failed", e);
      }
    }
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, String> current;
    SettableFuture<@Nullable Void> up;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      state = State.DOWN;
      current = connection;
      connection = null;
      up = nextUp;
    }
    up.set(null); // wakes awaitUp, which then sees the closed state
    threads.shutdownNow();
    if (current != null) {
      // Closing the connection first stops its reconnect watchdog; waiting for it (bounded) and a
      // short quiet period below let a reconnect attempt in flight wind down on the event loop
      // instead of meeting a terminated one (which Netty logs as an error with a stack trace).
      try {
        current.closeAsync().get(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // Shutting down anyway.
      }
    }
    client.shutdown(Duration.ofMillis(100), Duration.ofSeconds(2));
  }

  private static boolean isSuccess(ListenableFuture<?> future) {
    try {
      Futures.getDone(future);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * A short reason for a log line, never a password: the root cause's message ("Connection
   * refused"), its type only when it has none.
   */
  private static String reason(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return "no answer within the command timeout";
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }

  private static String describe(RedisURI uri) {
    return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
  }

  /** Redis is DOWN (or this object closed): the operation was not attempted. */
  static final class RedisUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    RedisUnavailableException(String message) {
      super(message, null, false, false);
    }
  }
}
