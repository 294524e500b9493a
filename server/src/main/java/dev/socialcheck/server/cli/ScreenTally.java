package dev.socialcheck.server.cli;

import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.Verdict;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counts of a {@code screen} run: records written, verdicts, item errors, and per platform the
 * statuses of its checks. Not thread-safe: {@link ResultsFile} keeps it under its lock and hands
 * out copies.
 */
final class ScreenTally {
  private final Map<String, Long> verdicts = new TreeMap<>();
  private final Map<String, Map<String, Long>> platforms = new TreeMap<>();
  private long records;
  private long errors;
  private long found;

  /** The name of a verdict in records and summaries: {@code FOUND}, {@code NOT_FOUND}, ... */
  static String name(Verdict verdict) {
    return verdict.name().substring("VERDICT_".length());
  }

  /** The name of a status in records and summaries: {@code FOUND}, {@code TIMEOUT}, ... */
  static String name(PlatformStatus status) {
    return status.name().substring("PLATFORM_STATUS_".length());
  }

  void answered(HasSocialAccountResponse answer) {
    records++;
    verdicts.merge(name(answer.getVerdict()), 1L, Long::sum);
    if (answer.getVerdict() == Verdict.VERDICT_FOUND) {
      found++;
    }
    for (PlatformResult result : answer.getResultsList()) {
      platforms
          .computeIfAbsent(result.getPlatform(), p -> new TreeMap<>())
          .merge(name(result.getStatus()), 1L, Long::sum);
    }
  }

  void failed() {
    records++;
    errors++;
  }

  /** Records written (answers and errors). */
  long records() {
    return records;
  }

  /** Addresses found on some platform. */
  long found() {
    return found;
  }

  /** Lines that could not be checked. */
  long errors() {
    return errors;
  }

  /** Answers with this verdict ({@link #name(Verdict)}). */
  long verdict(String name) {
    return verdicts.getOrDefault(name, 0L);
  }

  ScreenTally copy() {
    ScreenTally copy = new ScreenTally();
    copy.verdicts.putAll(verdicts);
    platforms.forEach((id, statuses) -> copy.platforms.put(id, new TreeMap<>(statuses)));
    copy.records = records;
    copy.errors = errors;
    copy.found = found;
    return copy;
  }

  /**
   * Prints the summary: what this run wrote, by verdict; errors; what earlier runs had done; the
   * statuses per platform; the elapsed time and rate.
   */
  void print(PrintWriter out, String how, long skipped, long blank, Duration elapsed) {
    double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
    out.printf(
        Locale.ROOT,
        "%s: %d lines in %.1f s (%.1f lines/s): %d found, %d not found, %d unknown, %d errors%n",
        how,
        records,
        seconds,
        records / seconds,
        verdict("FOUND"),
        verdict("NOT_FOUND"),
        verdict("UNKNOWN"),
        errors);
    if (skipped > 0 || blank > 0) {
      out.printf(
          Locale.ROOT,
          "skipped: %d lines already in the results, %d blank lines%n",
          skipped,
          blank);
    }
    platforms.forEach(
        (platform, statuses) -> {
          StringBuilder line = new StringBuilder("  ").append(platform).append(':');
          statuses.forEach(
              (status, count) ->
                  line.append(' ')
                      .append(status.toLowerCase(Locale.ROOT))
                      .append(' ')
                      .append(count));
          out.println(line);
        });
    out.flush();
  }
}
