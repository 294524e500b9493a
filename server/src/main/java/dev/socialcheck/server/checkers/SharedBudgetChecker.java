package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.ForwardingPlatformChecker;
import dev.socialcheck.server.engine.PlatformChecker;
import java.time.Duration;

/**
 * Applies a platform's rate limit across replicas before the local protections: over the shared
 * budget a check is {@code RATE_LIMITED} at once, without a call; when the shared budget cannot
 * decide (Redis down or slow), the check goes on to the local limiter of the {@link
 * ResilientChecker} behind it, which always applies too. Cancelling the returned future while the
 * budget is asked means the platform is never called. Thread-safe.
 */
public final class SharedBudgetChecker extends ForwardingPlatformChecker {
  private final String platformId;
  private final SharedPlatformBudget budget;
  private final int requests;
  private final Duration period;

  /**
   * @param requests calls allowed per {@code period}, for all replicas together
   */
  public SharedBudgetChecker(
      String platformId,
      PlatformChecker delegate,
      SharedPlatformBudget budget,
      int requests,
      Duration period) {
    super(delegate);
    this.platformId = platformId;
    this.budget = budget;
    this.requests = requests;
    this.period = period;
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    return Futures.transformAsync(
        budget.tryAcquire(platformId, requests, period),
        allowed ->
            allowed.orElse(true)
                ? delegate().check(email, context)
                : Futures.immediateFuture(
                    new CheckOutcome(
                        CheckStatus.RATE_LIMITED,
                        "shared rate limit reached ("
                            + requests
                            + " per "
                            + DurationText.format(period)
                            + " across replicas)")),
        directExecutor());
  }
}
