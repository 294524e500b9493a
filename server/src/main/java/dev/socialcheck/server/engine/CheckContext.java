package dev.socialcheck.server.engine;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What the engine tells a checker about one check.
 *
 * @param timeout the time after which the engine reports {@link CheckStatus#TIMEOUT} and cancels
 *     the check; a checker doing I/O should use it as its own request timeout
 * @param trace where the checker reports the steps of this check (child spans of the check's span
 *     when tracing is on; {@link CheckTrace#NONE} otherwise)
 */
public record CheckContext(Duration timeout, CheckTrace trace) {

  public CheckContext {
    requireNonNull(timeout, "timeout");
    requireNonNull(trace, "trace");
  }

  /** A context without tracing. */
  public CheckContext(Duration timeout) {
    this(timeout, CheckTrace.NONE);
  }
}
