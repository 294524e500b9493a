package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.ForwardingPlatformChecker;
import dev.socialcheck.server.engine.PlatformChecker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Answers from a {@link ResultCache} when it can — a hit costs no call to the platform — and stores
 * the definite answers of the checks it lets through. With a shared level, a local miss first asks
 * it (asynchronously, bounded by the store; a failure reads as a miss) and calls the platform only
 * on a shared miss. Cancelling the returned future while the shared level is asked cancels the
 * lookup and the platform is never called.
 *
 * <p><b>Concurrent misses are coalesced.</b> A miss while an identical check (same platform, same
 * key) is in flight on this replica waits for that check — its shared lookup and platform call —
 * instead of starting its own, and gets whatever it ends with, errors and timeouts included (only
 * definite answers are cached). Each waiter has a future of its own: cancelling one leaves the
 * others' call alone, and when the last waiter cancels, the call is cancelled ({@code
 * cancel(true)}) and forgotten. The call runs with the first waiter's {@link CheckContext}; every
 * waiter's engine still applies its own timeout to its own future. Counted per platform in {@link
 * ResultCache#coalescedChecks}.
 *
 * <p>With the cache off (both TTLs zero, e.g. {@link ResultCache#disabled()}), and for {@link
 * CheckContext#fresh() fresh} checks, checks pass straight through, uncoalesced. Thread-safe.
 */
public final class CachingChecker extends ForwardingPlatformChecker {
  private final String platformId;
  private final ResultCache cache;
  private final ConcurrentMap<String, InFlight> inFlight = new ConcurrentHashMap<>();

  public CachingChecker(String platformId, PlatformChecker delegate, ResultCache cache) {
    super(delegate);
    this.platformId = platformId;
    this.cache = cache;
  }

  /**
   * One miss being resolved (shared lookup, then platform call) and the checks waiting for it. The
   * count and the flag are guarded by the object's lock; no foreign code runs under it.
   */
  private static final class InFlight {
    final SettableFuture<CheckOutcome> result = SettableFuture.create();
    private int waiters = 1;
    private boolean closed;

    /** Adds a waiter; {@code false} if the flight is over (finished, or abandoned by all). */
    synchronized boolean join() {
      if (closed) {
        return false;
      }
      waiters++;
      return true;
    }

    /** Removes a waiter; {@code true} if it was the last one of an unfinished flight. */
    synchronized boolean leave() {
      if (closed) {
        return false;
      }
      waiters--;
      closed = waiters == 0;
      return closed;
    }

    synchronized void close() {
      closed = true;
    }
  }

  /**
   * What the local level holds (the shared level is asked only by {@link #check}); on a miss, or
   * with the cache off, what the checker inside would answer from a cache of its own.
   */
  @Override
  public Optional<CheckStatus> cachedAnswer(EmailAddress email) {
    if (!cache.enabled()) {
      return super.cachedAnswer(email);
    }
    Optional<CheckStatus> local =
        cache.get(cache.keyOf(platformId, email)).map(entry -> entry.outcome().status());
    return local.isPresent() ? local : super.cachedAnswer(email);
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    if (!cache.enabled() || context.fresh()) {
      // A fresh check tests the platform: it neither reads nor writes the cache, and does not join
      // a coalesced call (whose answer might come from the shared level).
      return delegate().check(email, context);
    }
    String key = cache.keyOf(platformId, email);
    Optional<ResultCache.Entry> hit = cache.get(key);
    if (hit.isPresent()) {
      return Futures.immediateFuture(answer(hit.get()));
    }
    while (true) {
      InFlight running = inFlight.get(key);
      if (running != null) {
        if (running.join()) {
          cache.countCoalesced(platformId);
          return waiter(key, running);
        }
        inFlight.remove(key, running); // over: make room for a new one
        continue;
      }
      InFlight started = new InFlight();
      if (inFlight.putIfAbsent(key, started) == null) {
        start(key, started, email, context);
        return waiter(key, started);
      }
    }
  }

  /** Number of misses in flight (for tests: no entry may outlive its call). */
  int inFlight() {
    return inFlight.size();
  }

  private void start(String key, InFlight flight, EmailAddress email, CheckContext context) {
    flight.result.addListener(
        () -> {
          flight.close();
          inFlight.remove(key, flight);
        },
        directExecutor());
    ListenableFuture<CheckOutcome> work;
    try {
      // A flight for this key may have ended, its answer stored, since the lookup in check().
      Optional<ResultCache.Entry> hit = cache.get(key);
      work =
          hit.isPresent()
              ? Futures.immediateFuture(answer(hit.get()))
              : resolveMiss(key, email, context);
    } catch (RuntimeException e) {
      work = Futures.immediateFailedFuture(e); // the engine reports it as ERROR to every waiter
    } catch (Error e) {
      flight.result.setException(e); // no waiter is left hanging, the entry goes
      throw e;
    }
    flight.result.setFuture(work); // cancelling the result cancels the work
  }

  /**
   * A future of the flight's outcome for one waiter: cancelling it never cancels the flight, unless
   * it was the last waiter.
   */
  private ListenableFuture<CheckOutcome> waiter(String key, InFlight flight) {
    ListenableFuture<CheckOutcome> waiter = Futures.nonCancellationPropagating(flight.result);
    waiter.addListener(
        () -> {
          if (waiter.isCancelled() && flight.leave()) {
            inFlight.remove(key, flight);
            flight.result.cancel(true);
          }
        },
        directExecutor());
    return waiter;
  }

  private ListenableFuture<CheckOutcome> resolveMiss(
      String key, EmailAddress email, CheckContext context) {
    if (!cache.hasSharedLevel()) {
      return callAndStore(key, email, context);
    }
    // The lookup completes on the store's threads, never on an engine or gRPC thread; a shared
    // miss starts the platform call from there (the call itself is asynchronous).
    return Futures.transformAsync(
        cache.getShared(key),
        shared ->
            shared.isPresent()
                ? Futures.immediateFuture(answer(shared.get()))
                : callAndStore(key, email, context),
        directExecutor());
  }

  private CheckOutcome answer(ResultCache.Entry entry) {
    CheckOutcome cached = entry.outcome();
    Duration age = Duration.ofNanos(Math.max(0, cache.nowNanos() - entry.storedAtNanos()));
    return new CheckOutcome(
        cached.status(), "cached " + DurationText.format(age) + " ago: " + cached.detail(), true);
  }

  private ListenableFuture<CheckOutcome> callAndStore(
      String key, EmailAddress email, CheckContext context) {
    ListenableFuture<CheckOutcome> result = delegate().check(email, context);
    result.addListener(
        () -> {
          if (!result.isCancelled()) {
            try {
              cache.put(key, requireNonNull(Futures.getDone(result)));
            } catch (Exception e) {
              // A failed check is not an answer: nothing to cache.
            }
          }
        },
        directExecutor());
    return result;
  }
}
