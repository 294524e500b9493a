package dev.socialcheck.server.checkers;

import com.google.common.util.concurrent.ListenableFuture;
import java.time.Duration;
import java.util.Optional;

/**
 * A platform's outbound rate limit shared by every replica (Redis), so that N replicas do not send
 * N times the rate a platform allows.
 *
 * <p>Contract: returns at once, never throws, and the future never fails; it completes within the
 * store's bound with {@code true} (go ahead), {@code false} (over the shared budget) or empty (the
 * store cannot decide: rely on the local limiter). Thread-safe.
 */
public interface SharedPlatformBudget {

  /**
   * Takes one call from {@code platformId}'s shared budget of {@code requests} per {@code period}.
   */
  ListenableFuture<Optional<Boolean>> tryAcquire(String platformId, int requests, Duration period);
}
