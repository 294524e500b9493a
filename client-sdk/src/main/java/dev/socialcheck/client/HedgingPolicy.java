package dev.socialcheck.client;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import java.time.Duration;
import java.util.Set;

/**
 * How the channel hedges a call: a gRPC <a
 * href="https://github.com/grpc/proposal/blob/master/A6-client-retries.md">hedging policy</a>,
 * applied to every method of the service (all of them are read-only, so hedging is always safe).
 * The first attempt starts at once; each time {@code hedgingDelay} passes without a response,
 * another attempt starts, up to {@code maxAttempts}. The first response wins and the other attempts
 * are cancelled (on the server too). An attempt failing with one of {@code nonFatalStatusCodes}
 * lets the others go on; any other failure ends the call.
 *
 * <p>Hedging trades server load for tail latency: use it when a slow server replica, not a slow
 * platform, is the problem. A call is either retried or hedged, never both: setting a hedging
 * policy replaces the {@link RetryPolicy}.
 *
 * <pre>{@code
 * SocialCheckSettings settings =
 *     SocialCheckSettings.newBuilder()
 *         .setTarget("dns:///socialcheck.internal:50051")
 *         .setHedgingPolicy(
 *             new HedgingPolicy(2, Duration.ofMillis(300), Set.of(Status.Code.UNAVAILABLE)))
 *         .build();
 * }</pre>
 *
 * @param maxAttempts attempts in all, the first one included: 2 to 5 (gRPC caps it at 5)
 * @param hedgingDelay time between the start of one attempt and the next; zero or more
 * @param nonFatalStatusCodes failures of one attempt that do not end the call; not empty
 */
public record HedgingPolicy(
    int maxAttempts, Duration hedgingDelay, Set<Status.Code> nonFatalStatusCodes) {

  /** Validates and copies the arguments. */
  public HedgingPolicy {
    checkArgument(
        maxAttempts >= 2 && maxAttempts <= RetryPolicy.MAX_ATTEMPTS_LIMIT,
        "maxAttempts must be between 2 and %s: %s",
        RetryPolicy.MAX_ATTEMPTS_LIMIT,
        maxAttempts);
    requireNonNull(hedgingDelay, "hedgingDelay");
    checkArgument(
        !hedgingDelay.isNegative(), "hedgingDelay must not be negative: %s", hedgingDelay);
    nonFatalStatusCodes = RetryPolicy.validCodes(nonFatalStatusCodes, "nonFatalStatusCodes");
  }
}
