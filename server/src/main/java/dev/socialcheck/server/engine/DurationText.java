package dev.socialcheck.server.engine;

import java.time.Duration;
import java.util.Locale;

/**
 * Short human-readable durations for details and tables: {@code 850ms}, {@code 1.25s}, {@code
 * 2m5s}.
 */
public final class DurationText {
  private DurationText() {}

  /** Formats {@code duration} compactly, to the millisecond below a minute. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      String seconds = String.format(Locale.ROOT, "%.3f", millis / 1000.0);
      return seconds.replaceAll("\\.?0+$", "") + "s";
    }
    return (millis / 60_000) + "m" + (millis % 60_000) / 1000 + "s";
  }
}
