package dev.socialcheck.server.cli;

import com.google.common.base.Ticker;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.UnknownPlatformException;
import dev.socialcheck.server.engine.AdaptiveSettings;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformResult;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code socialcheck selfcheck}: asks every platform about its two self-check addresses and reports
 * which ones still answer as their catalog entry declares. This is how users notice that a site
 * changed. It talks to the catalog's platforms (real ones for {@code --catalog builtin}), one
 * platform at a time, bypassing the result cache.
 */
@Command(
    name = "selfcheck",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Checks each platform's two self-check addresses (one that has an account, one that has"
          + " not) and reports which platforms still answer as declared.",
      "Talks to the catalog's platforms (real ones with --catalog builtin), never through a"
          + " cache.",
      "Exit status: 0 every platform with self-check addresses is OK, 1 otherwise, 2 bad usage,"
          + " 130 cancelled (Ctrl-C)."
    })
final class SelfCheckCommand implements Callable<Integer> {
  private static final String ROW = "%-12s %-14s %-14s %s%n";

  @Spec CommandSpec spec;

  /** Where progress goes and Ctrl-C comes from; set by {@link Main}. */
  Terminal terminal = Terminal.none();

  @Option(
      names = "--platforms",
      split = ",",
      paramLabel = "ID",
      description = "Platform ids to check (comma-separated). Default: all.")
  List<String> platforms = List.of();

  @Mixin CatalogOptions catalogOptions = new CatalogOptions();

  @Mixin ConfigOption configOption = new ConfigOption();

  @Override
  public Integer call() throws InterruptedException {
    ScheduledExecutorService scheduler = CheckEngine.newScheduler();
    PrintWriter err = spec.commandLine().getErr();
    try (Catalog catalog = catalogOptions.load(scheduler);
        Progress progress = Progress.start(terminal, err, "selfcheck");
        CancelOnInterrupt interrupt = new CancelOnInterrupt(terminal)) {
      List<Platform> selected;
      try {
        selected = catalog.select(platforms);
      } catch (UnknownPlatformException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      CheckEngine engine =
          new CheckEngine(scheduler, Ticker.systemTicker(), progress, AdaptiveSettings.DEFAULTS);
      PrintWriter out = spec.commandLine().getOut();
      progress.above(() -> out.printf(Locale.ROOT, ROW, "PLATFORM", "EXISTS", "MISSING", "STATE"));
      boolean allOk = true;
      for (int i = 0; i < selected.size(); i++) {
        Platform platform = selected.get(i);
        progress.step((i + 1) + "/" + selected.size());
        if (platform.selfCheck().isEmpty()) {
          progress.above(
              () ->
                  out.printf(
                      Locale.ROOT,
                      ROW,
                      platform.id(),
                      "-",
                      "-",
                      "no self-check addresses declared"));
          continue;
        }
        SelfCheckAddresses addresses = platform.selfCheck().get();
        PlatformResult exists;
        PlatformResult missing;
        try {
          exists = check(engine, interrupt, platform, addresses.exists());
          missing = check(engine, interrupt, platform, addresses.missing());
        } catch (CancellationException e) {
          progress.finish();
          err.println("cancelled");
          err.flush();
          return Terminal.EXIT_CANCELLED;
        }
        String state = state(exists, missing);
        allOk &= state.equals("OK");
        progress.above(
            () -> {
              out.printf(Locale.ROOT, ROW, platform.id(), exists.status(), missing.status(), state);
              out.flush();
            });
      }
      return allOk ? 0 : 1;
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static PlatformResult check(
      CheckEngine engine, CancelOnInterrupt interrupt, Platform platform, EmailAddress email)
      throws InterruptedException {
    try {
      return interrupt
          .await(engine.run(CheckRequest.builder(email, List.of(platform)).build()))
          .results()
          .get(0);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the check engine failed", e.getCause());
    }
  }

  private static String state(PlatformResult exists, PlatformResult missing) {
    if (exists.status() == CheckStatus.FOUND && missing.status() == CheckStatus.NOT_FOUND) {
      return "OK";
    }
    if (exists.status().isAnswer() && missing.status().isAnswer()) {
      return "CHANGED: answers no longer match the catalog's rules";
    }
    PlatformResult unanswered = exists.status().isAnswer() ? missing : exists;
    return "NO ANSWER: " + unanswered.status() + " (" + unanswered.detail() + ")";
  }
}
