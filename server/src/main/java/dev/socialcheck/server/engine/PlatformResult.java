package dev.socialcheck.server.engine;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The settled result of one platform in a run.
 *
 * @param platformId the platform's id
 * @param status what was found
 * @param latency time from the start of the check to this result; zero if it never started
 * @param detail human-readable explanation, free of personal data
 */
public record PlatformResult(
    String platformId, CheckStatus status, Duration latency, String detail) {

  public PlatformResult {
    requireNonNull(platformId, "platformId");
    requireNonNull(status, "status");
    requireNonNull(latency, "latency");
    requireNonNull(detail, "detail");
  }
}
