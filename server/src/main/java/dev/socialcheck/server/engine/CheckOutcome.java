package dev.socialcheck.server.engine;

import static java.util.Objects.requireNonNull;

/**
 * What a {@link PlatformChecker} reports for one check.
 *
 * @param status the finding; checkers normally use {@link CheckStatus#FOUND}, {@link
 *     CheckStatus#NOT_FOUND}, {@link CheckStatus#RATE_LIMITED}, {@link CheckStatus#BLOCKED}, {@link
 *     CheckStatus#ERROR}, {@link CheckStatus#SKIPPED} or {@link CheckStatus#INVALID}
 * @param detail human-readable explanation for the caller; must never contain the e-mail address
 * @param cached whether the answer came from a result cache rather than from the platform (the
 *     engine does not learn latencies from it, and metrics count it as a cache hit)
 */
public record CheckOutcome(CheckStatus status, String detail, boolean cached) {

  public CheckOutcome {
    requireNonNull(status, "status");
    requireNonNull(detail, "detail");
  }

  /** An outcome obtained from the platform. */
  public CheckOutcome(CheckStatus status, String detail) {
    this(status, detail, false);
  }

  /** The platform has an account. */
  public static CheckOutcome found(String detail) {
    return new CheckOutcome(CheckStatus.FOUND, detail);
  }

  /** The platform has no account. */
  public static CheckOutcome notFound(String detail) {
    return new CheckOutcome(CheckStatus.NOT_FOUND, detail);
  }

  /** The check failed; {@code detail} says why, without personal data. */
  public static CheckOutcome error(String detail) {
    return new CheckOutcome(CheckStatus.ERROR, detail);
  }
}
