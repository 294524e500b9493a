package dev.socialcheck.server.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * Knobs shared by the reliability scenarios, from system properties so that the same tests run
 * short in CI and long in the soak profile ({@code ./mvnw -B verify -Psoak ...}, see {@code
 * integration-tests/RELIABILITY.md}):
 *
 * <ul>
 *   <li>{@code reliability.scale} (default 1): multiplies call counts and durations;
 *   <li>{@code reliability.seed} (default fixed per scenario): the seed of every random choice,
 *       printed by each scenario so that a failure can be replayed with {@code
 *       -Dreliability.seed=...}.
 * </ul>
 *
 * <p>Each scenario appends one line of figures to {@code target/reliability-figures.md}.
 */
final class Scenario {
  private Scenario() {}

  /** Multiplier of call counts and durations (1 in CI). */
  static int scale() {
    return Math.max(1, Integer.getInteger("reliability.scale", 1));
  }

  /** The seed of a randomized scenario: the fixed default unless overridden; printed. */
  static long seed(String scenario, long fixedDefault) {
    String override = System.getProperty("reliability.seed");
    long seed = override == null || override.isBlank() ? fixedDefault : Long.parseLong(override);
    System.out.printf(
        Locale.ROOT,
        "[reliability] %s: seed %d (replay with -Dreliability.seed=%d)%n",
        scenario,
        seed,
        seed);
    return seed;
  }

  /**
   * Prints the figures of a finished scenario and appends them as a Markdown table row to {@code
   * target/reliability-figures.md}.
   */
  static void report(
      String scenario,
      long calls,
      long cancelled,
      long shed,
      long maxHeapBytes,
      long maxThreads,
      Duration duration,
      String notes) {
    String row =
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %d | %s | %d | %.1f s | %s |",
            scenario,
            calls,
            cancelled,
            shed,
            ResourceMonitor.mebibytes(maxHeapBytes),
            maxThreads,
            duration.toMillis() / 1000.0,
            notes);
    System.out.println("[reliability] " + row);
    Path file = Path.of("target", "reliability-figures.md");
    try {
      Files.createDirectories(file.getParent());
      if (!Files.exists(file)) {
        Files.writeString(
            file,
            """
            | scenario | calls | cancelled | shed | max heap | max threads | duration | notes |
            |---|---|---|---|---|---|---|---|
            """,
            StandardCharsets.UTF_8);
      }
      Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
