package dev.socialcheck.server.engine;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What the engine tells a checker about one check.
 *
 * @param timeout the time after which the engine reports {@link CheckStatus#TIMEOUT} and cancels
 *     the check; a checker doing I/O should use it as its own request timeout
 * @param fresh whether the answer must come from the platform: a result cache neither answers nor
 *     keeps it (self-checks and canaries, which test the platform, not the cache)
 */
public record CheckContext(Duration timeout, boolean fresh) {

  public CheckContext {
    requireNonNull(timeout, "timeout");
  }

  /** A check that a cache may answer. */
  public CheckContext(Duration timeout) {
    this(timeout, false);
  }
}
