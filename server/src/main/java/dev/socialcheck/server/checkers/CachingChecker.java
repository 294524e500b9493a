package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import java.time.Duration;
import java.util.Optional;

/**
 * Answers from a {@link ResultCache} when it can — a hit costs no call to the platform — and stores
 * the definite answers of the checks it lets through. With a shared level, a local miss first asks
 * it (asynchronously, bounded by the store; a failure reads as a miss) and calls the platform only
 * on a shared miss. Cancelling the returned future while the shared level is asked cancels the
 * lookup and the platform is never called. Thread-safe.
 */
public final class CachingChecker implements PlatformChecker {
  private final String platformId;
  private final PlatformChecker delegate;
  private final ResultCache cache;

  public CachingChecker(String platformId, PlatformChecker delegate, ResultCache cache) {
    this.platformId = platformId;
    this.delegate = delegate;
    this.cache = cache;
  }

  @Override
  public boolean available() {
    return delegate.available();
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    String key = cache.keyOf(platformId, email);
    Optional<ResultCache.Entry> hit = cache.get(key);
    if (hit.isPresent()) {
      return Futures.immediateFuture(answer(hit.get()));
    }
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
    ListenableFuture<CheckOutcome> result = delegate.check(email, context);
    result.addListener(
        () -> {
          if (!result.isCancelled()) {
            try {
              cache.put(key, Futures.getDone(result));
            } catch (Exception e) {
              // A failed check is not an answer: nothing to cache.
            }
          }
        },
        directExecutor());
    return result;
  }
}
