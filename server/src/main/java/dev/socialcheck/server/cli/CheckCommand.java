package dev.socialcheck.server.cli;

import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.UnknownPlatformException;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckListener;
import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.InvalidEmailException;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.Strategy;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code socialcheck check EMAIL}: runs one check in this process and prints a table. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Checks one address in this process (no server needed) and prints one row per platform.",
      "Exit status: 0 found, 1 not found, 3 unknown (some platform could not answer),"
          + " 2 bad usage, 130 cancelled (Ctrl-C).",
      Main.DURATIONS
    })
final class CheckCommand implements Callable<Integer> {
  static final int EXIT_FOUND = 0;
  static final int EXIT_NOT_FOUND = 1;
  static final int EXIT_UNKNOWN = 3;

  @Spec CommandSpec spec;

  /** Where progress goes and Ctrl-C comes from; set by {@link Main}. */
  Terminal terminal = Terminal.none();

  @Parameters(paramLabel = "EMAIL", description = "The e-mail address to check.")
  String email = "";

  @Option(
      names = "--strategy",
      defaultValue = "race",
      paramLabel = "STRATEGY",
      description =
          "race (all at once), sequential (one at a time), hedged (the next after --hedge-delay)"
              + " or adaptive (a one-shot check has no history: the priors' order, --hedge-delay"
              + " between platforms). Default: ${DEFAULT-VALUE}.")
  Strategy strategy = Strategy.RACE;

  @Option(
      names = "--hedge-delay",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "With --strategy hedged or adaptive: how long to wait for an answer before starting"
              + " the next platform. Default: 1s.")
  @Nullable Duration hedgeDelay;

  @Option(
      names = "--platforms",
      split = ",",
      paramLabel = "ID",
      description = "Platform ids to check (comma-separated). Default: all.")
  List<String> platforms = List.of();

  @Option(
      names = "--check-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Cap on each check's timeout. Default: each platform's own.")
  @Nullable Duration checkTimeout;

  @Option(
      names = "--each",
      description =
          "Check every platform at once, with no early stop and no strategy (like the CheckEach"
              + " call), and print each row as it completes.")
  boolean each;

  @Mixin CatalogOptions catalogOptions = new CatalogOptions();

  @Mixin ConfigOption configOption = new ConfigOption();

  @Override
  public Integer call() throws InterruptedException {
    EmailAddress address;
    try {
      address = EmailAddress.parse(email);
    } catch (InvalidEmailException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    checkCombination();
    PrintWriter err = spec.commandLine().getErr();
    // A one-shot check: no result cache (nothing to reuse), no metrics; progress hears the engine.
    ServerSettings.Builder settings = catalogOptions.applyTo(ServerSettings.newBuilder());
    try (Progress progress = Progress.start(terminal, err, "check");
        ServerAssembly assembly =
            SettingFlags.assemble(spec, settings.resultCache(false).observer(progress));
        CancelOnInterrupt interrupt = new CancelOnInterrupt(terminal)) {
      ResultTable table = new ResultTable(spec.commandLine().getOut());
      CheckRequest request = request(address, assembly.catalog());
      CheckReport report;
      try {
        report = run(assembly.engine(), request, table, progress, interrupt);
      } catch (CancellationException e) {
        progress.finish();
        err.println("cancelled");
        err.flush();
        return Terminal.EXIT_CANCELLED;
      }
      progress.finish();
      table.summary(report, request.mode());
      return switch (report.verdict()) {
        case FOUND -> EXIT_FOUND;
        case NOT_FOUND -> EXIT_NOT_FOUND;
        case UNKNOWN -> EXIT_UNKNOWN;
      };
    }
  }

  /**
   * Refuses options given on the command line that the run would ignore. (Defaults from the
   * environment or a config file may be meant for other commands, and are ignored quietly.)
   */
  private void checkCombination() {
    ParseResult given = spec.commandLine().getParseResult();
    if (each && given.hasMatchedOption("--strategy")) {
      throw new ParameterException(
          spec.commandLine(),
          "--each checks every platform at once, without a strategy: leave out --strategy");
    }
    if (given.hasMatchedOption("--hedge-delay") && (each || !strategy.usesHedgeDelay())) {
      throw new ParameterException(
          spec.commandLine(),
          "--hedge-delay is only used by --strategy hedged and --strategy adaptive");
    }
    String problem = hedgeDelay == null ? null : CheckRequest.hedgeDelayProblem(hedgeDelay);
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), "--hedge-delay " + problem);
    }
  }

  private CheckRequest request(EmailAddress address, Catalog catalog) {
    List<Platform> selected;
    try {
      selected = catalog.select(platforms);
    } catch (UnknownPlatformException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CheckRequest.Builder builder = CheckRequest.builder(address, selected).strategy(strategy);
    if (hedgeDelay != null) {
      builder.hedgeDelay(hedgeDelay);
    }
    if (each) {
      builder.strategy(Strategy.RACE).stopAtFirstFound(false);
    }
    if (checkTimeout != null) {
      builder.checkTimeout(checkTimeout);
    }
    return builder.build();
  }

  private CheckReport run(
      CheckEngine engine,
      CheckRequest request,
      ResultTable table,
      Progress progress,
      CancelOnInterrupt interrupt)
      throws InterruptedException {
    progress.above(table::header);
    CheckListener live = result -> progress.above(() -> table.row(result));
    try {
      CheckReport report = interrupt.await(engine.run(request, each ? live : CheckListener.NONE));
      if (!each) {
        progress.above(() -> report.results().forEach(table::row));
      }
      return report;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the check engine failed", e.getCause());
    }
  }
}
