package dev.socialcheck.server.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The answer of a run.
 *
 * @param verdict the overall answer
 * @param foundOn the platform whose {@code FOUND} decided the verdict, if any
 * @param results one result per platform of the request, in the order the run considered them
 *     (highest prior first)
 * @param elapsed time from the start of the run to its answer
 */
public record CheckReport(
    Verdict verdict, Optional<String> foundOn, List<PlatformResult> results, Duration elapsed) {

  public CheckReport {
    results = List.copyOf(results);
  }

  /** The result of {@code platformId}, if it was part of the run. */
  public Optional<PlatformResult> resultOf(String platformId) {
    return results.stream().filter(r -> r.platformId().equals(platformId)).findFirst();
  }
}
