package dev.socialcheck.client;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.Sets;
import io.grpc.Status;
import java.time.Duration;
import java.util.Set;

/**
 * How the channel retries a failed call: a gRPC <a
 * href="https://github.com/grpc/proposal/blob/master/A6-client-retries.md">retry policy</a>,
 * applied to every method of the service (all of them are read-only, so retrying is always safe).
 * An attempt that fails with one of {@code retryableStatusCodes} is retried after an exponential
 * backoff with jitter, as long as attempts and the call's deadline remain. The retries are
 * invisible to the caller, who sees only the last attempt's outcome.
 *
 * <pre>{@code
 * SocialCheckSettings settings =
 *     SocialCheckSettings.newBuilder()
 *         .setTarget("localhost:50051")
 *         .setPlaintext(true)
 *         .setRetryPolicy(
 *             new RetryPolicy(
 *                 4,
 *                 Duration.ofMillis(100),
 *                 Duration.ofSeconds(1),
 *                 2.0,
 *                 Set.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED)))
 *         .build();
 * }</pre>
 *
 * @param maxAttempts attempts in all, the first one included: 2 to 5 (gRPC caps it at 5)
 * @param initialBackoff upper bound of the random delay before the first retry; positive
 * @param maxBackoff upper bound of any backoff; at least {@code initialBackoff}
 * @param backoffMultiplier growth of the backoff bound after each retry; at least 1
 * @param retryableStatusCodes codes that cause a retry; not empty
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double backoffMultiplier,
    Set<Status.Code> retryableStatusCodes) {

  /** Largest number of attempts the channel allows without further configuration. */
  public static final int MAX_ATTEMPTS_LIMIT = 5;

  private static final RetryPolicy DEFAULTS =
      new RetryPolicy(
          3, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, Set.of(Status.Code.UNAVAILABLE));

  /** Validates and copies the arguments. */
  public RetryPolicy {
    checkArgument(
        maxAttempts >= 2 && maxAttempts <= MAX_ATTEMPTS_LIMIT,
        "maxAttempts must be between 2 and %s: %s",
        MAX_ATTEMPTS_LIMIT,
        maxAttempts);
    requireNonNull(initialBackoff, "initialBackoff");
    requireNonNull(maxBackoff, "maxBackoff");
    checkArgument(
        isPositive(initialBackoff), "initialBackoff must be positive: %s", initialBackoff);
    checkArgument(
        maxBackoff.compareTo(initialBackoff) >= 0,
        "maxBackoff (%s) must not be shorter than initialBackoff (%s)",
        maxBackoff,
        initialBackoff);
    checkArgument(
        backoffMultiplier >= 1 && Double.isFinite(backoffMultiplier),
        "backoffMultiplier must be at least 1: %s",
        backoffMultiplier);
    retryableStatusCodes = validCodes(retryableStatusCodes, "retryableStatusCodes");
  }

  /**
   * The default policy: up to 3 attempts, on {@code UNAVAILABLE} only (the request never reached a
   * server, or the server is shutting down), backoff 100 ms doubling up to 2 s.
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  static boolean isPositive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }

  static Set<Status.Code> validCodes(Set<Status.Code> codes, String name) {
    requireNonNull(codes, name);
    checkArgument(!codes.isEmpty(), "%s must not be empty", name);
    checkArgument(!codes.contains(Status.Code.OK), "%s must not contain OK", name);
    return Sets.immutableEnumSet(codes);
  }
}
