package dev.socialcheck.server.engine;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What the engine tells a checker about one check.
 *
 * @param timeout the time after which the engine reports {@link CheckStatus#TIMEOUT} and cancels
 *     the check; a checker doing I/O should use it as its own request timeout
 */
public record CheckContext(Duration timeout) {

  public CheckContext {
    requireNonNull(timeout, "timeout");
  }
}
