package dev.socialcheck.server.cli;

import com.google.common.base.Ticker;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code socialcheck check EMAIL}: runs one check in this process and prints a table. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Checks one address in this process (no server needed) and prints one row per platform.",
      "Exit status: 0 found, 1 not found, 3 unknown (some platform could not answer),"
          + " 2 bad usage."
    })
final class CheckCommand implements Callable<Integer> {
  static final int EXIT_FOUND = 0;
  static final int EXIT_NOT_FOUND = 1;
  static final int EXIT_UNKNOWN = 3;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "EMAIL", description = "The e-mail address to check.")
  String email = "";

  @Option(
      names = "--strategy",
      defaultValue = "RACE",
      description =
          "race, sequential, hedged or adaptive (a one-shot check has no history: adaptive uses"
              + " the priors and --hedge-delay). Default: ${DEFAULT-VALUE}.")
  Strategy strategy = Strategy.RACE;

  @Option(
      names = "--hedge-delay",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description =
          "For --strategy hedged (and adaptive without history): wait before starting the next"
              + " platform. Default: ${DEFAULT-VALUE}.")
  Duration hedgeDelay = Duration.ofSeconds(1);

  @Option(
      names = "--platforms",
      split = ",",
      paramLabel = "ID",
      description = "Platform ids to check (comma-separated). Default: all.")
  List<String> platforms = List.of();

  @Option(
      names = "--check-timeout",
      converter = DurationConverter.class,
      description = "Cap on each check's timeout.")
  @Nullable Duration checkTimeout;

  @Option(
      names = "--each",
      description = "Check every platform (no early stop) and print each row as it completes.")
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
    ScheduledExecutorService scheduler = CheckEngine.newScheduler();
    try (Catalog catalog = catalogOptions.load(scheduler)) {
      CheckEngine engine = new CheckEngine(scheduler, Ticker.systemTicker());
      ResultTable table = new ResultTable(spec.commandLine().getOut());
      CheckReport report = run(engine, request(address, catalog), table);
      table.summary(report, each ? Strategy.RACE : strategy);
      return switch (report.verdict()) {
        case FOUND -> EXIT_FOUND;
        case NOT_FOUND -> EXIT_NOT_FOUND;
        case UNKNOWN -> EXIT_UNKNOWN;
      };
    } finally {
      scheduler.shutdownNow();
    }
  }

  private CheckRequest request(EmailAddress address, Catalog catalog) {
    List<Platform> selected;
    try {
      selected = catalog.select(platforms);
    } catch (UnknownPlatformException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CheckRequest.Builder builder =
        CheckRequest.builder(address, selected).strategy(strategy).hedgeDelay(hedgeDelay);
    if (each) {
      builder.strategy(Strategy.RACE).stopAtFirstFound(false);
    }
    if (checkTimeout != null) {
      builder.checkTimeout(checkTimeout);
    }
    return builder.build();
  }

  private CheckReport run(CheckEngine engine, CheckRequest request, ResultTable table)
      throws InterruptedException {
    table.header();
    CheckListener live =
        result -> {
          synchronized (table) {
            table.row(result);
          }
        };
    try {
      CheckReport report = engine.run(request, each ? live : CheckListener.NONE).get();
      if (!each) {
        report.results().forEach(table::row);
      }
      return report;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the check engine failed", e.getCause());
    }
  }
}
