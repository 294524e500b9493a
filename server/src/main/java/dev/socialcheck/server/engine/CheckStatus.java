package dev.socialcheck.server.engine;

/**
 * What checking one platform found. The values mirror the public {@code PlatformStatus} and are
 * never collapsed into each other: a platform that could not answer is never {@link #NOT_FOUND}.
 */
public enum CheckStatus {
  /** The platform has an account for the address. */
  FOUND,
  /** The platform answered that it has no account for the address. */
  NOT_FOUND,
  /** The platform refused to answer because of its rate limit. */
  RATE_LIMITED,
  /** The platform blocked the probe (captcha, WAF, forbidden page). */
  BLOCKED,
  /** No answer within the check's timeout (set by the engine). */
  TIMEOUT,
  /** The check failed for another reason. */
  ERROR,
  /** The check was started and then cancelled by the engine (set by the engine). */
  CANCELLED,
  /** The check was not started, or the checker declined to run it (e.g. circuit open). */
  SKIPPED,
  /** The platform rejects the address format. */
  INVALID;

  /** Whether the platform gave a definite answer ({@link #FOUND} or {@link #NOT_FOUND}). */
  public boolean isAnswer() {
    return this == FOUND || this == NOT_FOUND;
  }
}
