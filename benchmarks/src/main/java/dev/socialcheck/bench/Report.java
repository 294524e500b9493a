package dev.socialcheck.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's report: Markdown ({@code results.md}) for people, {@code summary.tsv} (one headline
 * figure per line) for comparing runs.
 */
final class Report {
  private final StringBuilder markdown = new StringBuilder();
  private final Map<String, String> summary = new LinkedHashMap<>();

  void heading(String text) {
    markdown.append("\n## ").append(text).append("\n\n");
  }

  void line(String text) {
    markdown.append(text).append('\n');
  }

  void table(List<String> headers, List<List<String>> rows) {
    markdown.append("| ").append(String.join(" | ", headers)).append(" |\n");
    List<String> rule = new ArrayList<>();
    headers.forEach(h -> rule.add("---"));
    markdown.append("|").append(String.join("|", rule)).append("|\n");
    for (List<String> row : rows) {
      markdown.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    markdown.append('\n');
  }

  /** A headline figure, also echoed to standard output as it is measured. */
  void figure(String key, double value) {
    summary.put(key, fmt(value));
    System.out.println("FIGURE " + key + " = " + fmt(value));
  }

  void figure(String key, String value) {
    summary.put(key, value);
    System.out.println("FIGURE " + key + " = " + value);
  }

  /** The Markdown so far. */
  String text() {
    return markdown.toString();
  }

  void write(Path dir) throws IOException {
    Files.writeString(dir.resolve("results.md"), markdown, StandardCharsets.UTF_8);
    StringBuilder tsv = new StringBuilder();
    summary.forEach((k, v) -> tsv.append(k).append('\t').append(v).append('\n'));
    Files.writeString(dir.resolve("summary.tsv"), tsv, StandardCharsets.UTF_8);
  }

  /** Three significant figures, plain notation. */
  static String fmt(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    double abs = Math.abs(value);
    if (abs >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (abs >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (abs >= 1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  static String pct(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.0f %%", ratio * 100);
  }
}
