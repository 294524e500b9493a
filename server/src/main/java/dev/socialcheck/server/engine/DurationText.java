package dev.socialcheck.server.engine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them: {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h}, or ISO-8601
 * ({@code PT1S}); used by flags, catalog files, result details and tables.
 */
public final class DurationText {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private DurationText() {}

  /**
   * Parses a non-negative duration.
   *
   * @throws IllegalArgumentException with a message naming the accepted forms
   */
  public static Duration parse(String text) {
    String trimmed = text.trim();
    Matcher m = SIMPLE.matcher(trimmed.toLowerCase(Locale.ROOT));
    Duration parsed;
    if (m.matches()) {
      double amount = Double.parseDouble(m.group(1));
      double nanosPerUnit =
          switch (m.group(2)) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      parsed = Duration.ofNanos(Math.round(amount * nanosPerUnit));
    } else {
      try {
        parsed = Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        if (trimmed.startsWith("-") && isDuration(trimmed.substring(1))) {
          throw negative(text);
        }
        throw new IllegalArgumentException(
            "'" + text + "' is not a duration (examples: 250ms, 1.5s, 2m, PT1S)");
      }
    }
    if (parsed.isNegative()) {
      throw negative(text);
    }
    return parsed;
  }

  private static boolean isDuration(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static IllegalArgumentException negative(String text) {
    return new IllegalArgumentException("'" + text + "' must not be negative");
  }

  /**
   * Formats {@code duration} compactly: {@code 850ms}, {@code 1.25s}, {@code 2m5s}, {@code 1h0m}.
   */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      String seconds = String.format(Locale.ROOT, "%.3f", millis / 1000.0);
      return seconds.replaceAll("\\.?0+$", "") + "s";
    }
    if (millis < 3_600_000) {
      return (millis / 60_000) + "m" + (millis % 60_000) / 1000 + "s";
    }
    return (millis / 3_600_000) + "h" + (millis % 3_600_000) / 60_000 + "m";
  }
}
