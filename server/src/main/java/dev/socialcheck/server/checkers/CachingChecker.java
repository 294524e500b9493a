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
 * the definite answers of the checks it lets through. Thread-safe.
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
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    String key = platformId + ":" + email.sha256Hex();
    Optional<ResultCache.Entry> hit = cache.get(key);
    if (hit.isPresent()) {
      CheckOutcome cached = hit.get().outcome();
      Duration age = Duration.ofNanos(cache.nowNanos() - hit.get().storedAtNanos());
      return Futures.immediateFuture(
          new CheckOutcome(
              cached.status(), "cached " + DurationText.format(age) + " ago: " + cached.detail()));
    }
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
