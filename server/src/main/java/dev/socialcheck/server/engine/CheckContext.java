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
 * @param trace where the checker reports the steps of this check (child spans of the check's span
 *     when tracing is on; {@link CheckTrace#NONE} otherwise)
 */
public record CheckContext(Duration timeout, boolean fresh, CheckTrace trace) {

  public CheckContext {
    requireNonNull(timeout, "timeout");
    requireNonNull(trace, "trace");
  }

  /** A check that a cache may answer, without tracing. */
  public CheckContext(Duration timeout) {
    this(timeout, false, CheckTrace.NONE);
  }

  /** A check without tracing; {@code fresh}: see {@link #fresh()}. */
  public CheckContext(Duration timeout, boolean fresh) {
    this(timeout, fresh, CheckTrace.NONE);
  }

  /** A check that a cache may answer, traced. */
  public CheckContext(Duration timeout, CheckTrace trace) {
    this(timeout, false, trace);
  }
}
