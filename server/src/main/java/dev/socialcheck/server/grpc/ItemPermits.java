package dev.socialcheck.server.grpc;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a {@code CheckMany} stream takes one permit per item from its caller's rate limit ({@link
 * CallerRateLimit}). A refused item is not failed: the stream asks again after the hint, until the
 * item gets its permit or the stream ends.
 */
@FunctionalInterface
interface ItemPermits {
  /** No rate limit: every item goes at once. */
  ItemPermits UNLIMITED = callerKey -> Futures.immediateFuture(Optional.empty());

  /**
   * Takes one permit from the budget of {@code callerKey} ({@link CallerRateLimit#callerKey}).
   *
   * @return empty when the permit was granted, else how long to wait before asking again; never
   *     fails
   */
  ListenableFuture<Optional<Duration>> tryAcquire(String callerKey);
}
