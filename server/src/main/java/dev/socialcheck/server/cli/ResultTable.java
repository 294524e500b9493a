package dev.socialcheck.server.cli;

import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.PlatformResult;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints results as an aligned text table for people. */
final class ResultTable {
  private static final String ROW = "%-12s %-13s %9s  %s%n";

  private final PrintWriter out;

  ResultTable(PrintWriter out) {
    this.out = out;
  }

  void header() {
    out.printf(Locale.ROOT, ROW, "PLATFORM", "STATUS", "LATENCY", "DETAIL");
    out.flush();
  }

  void row(PlatformResult result) {
    out.printf(
        Locale.ROOT,
        ROW,
        result.platformId(),
        result.status(),
        DurationText.format(result.latency()),
        result.detail());
    out.flush();
  }

  /** The verdict line; {@code mode} names how the run went (a strategy, or {@code each}). */
  void summary(CheckReport report, String mode) {
    long started = report.results().stream().filter(r -> r.status() != CheckStatus.SKIPPED).count();
    long cancelled = count(report, CheckStatus.CANCELLED);
    long skipped = count(report, CheckStatus.SKIPPED);
    out.println();
    out.printf(
        Locale.ROOT,
        "verdict: %s%s after %s (%s: %d started, %d cancelled, %d skipped)%n",
        report.verdict(),
        report.foundOn().map(id -> " on " + id).orElse(""),
        DurationText.format(report.elapsed()),
        mode,
        started,
        cancelled,
        skipped);
    out.flush();
  }

  private static long count(CheckReport report, CheckStatus status) {
    return report.results().stream().filter(r -> r.status() == status).count();
  }
}
