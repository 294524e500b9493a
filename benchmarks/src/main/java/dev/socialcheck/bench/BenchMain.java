package dev.socialcheck.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The load suite: the targets of the Benchmarks issue, each server in its own JVM, the load
 * generator in this one, everything on loopback. Writes {@code results.md}, {@code summary.tsv},
 * PNG plots and the servers' logs under {@code --out}. Each target is a {@link BenchTarget} of its
 * own, listed in {@link #TARGETS}; its options join this command line. {@code --help} lists them
 * all.
 */
@Command(
    name = "BenchMain",
    sortOptions = false,
    description = "Runs the socialcheck load suite on loopback and writes the report to --out.")
public final class BenchMain implements Callable<Integer> {
  /**
   * Every target, in the order they run. Adding a target is adding its line here (and its class).
   */
  static final List<BenchTarget> TARGETS =
      List.of(
          new EngineOverheadTarget(),
          new LatencyHidingTarget(),
          new EarlyAnswerTarget(),
          new StrategyTradeOffTarget(),
          new ResultCacheTarget(),
          new OutboundProbeTarget());

  @Spec @Nullable CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where the report, plots, logs and profiles go. Default: ${DEFAULT-VALUE}.")
  Path out = Path.of("benchmarks/target/bench");

  @Option(names = "--quick", description = "Short windows, for a smoke run.")
  boolean quick;

  @Option(
      names = "--jfr",
      description =
          "Every server JVM records a JFR profile (settings=profile) into DIR/<server>.jfr.")
  boolean jfr;

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "TARGET",
      description = "Comma-separated targets to run (default: all).")
  @Nullable List<String> only;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of the realistic mix (targets 4 and 5). Default: ${DEFAULT-VALUE}.")
  long seed = 42;

  private final List<BenchTarget> targets;

  BenchMain(List<BenchTarget> targets) {
    this.targets = targets;
  }

  public static void main(String[] args) {
    System.exit(commandLine(TARGETS).execute(args));
  }

  /** The command line of a suite of these targets, each added as a mixin for its options. */
  static CommandLine commandLine(List<BenchTarget> targets) {
    CommandLine commandLine = new CommandLine(new BenchMain(targets));
    Set<String> names = new LinkedHashSet<>();
    for (BenchTarget target : targets) {
      if (!names.add(target.name())) {
        throw new IllegalArgumentException("two targets are named " + target.name());
      }
      // Lenient: a target without options is no command of its own, and adds nothing.
      commandLine
          .getCommandSpec()
          .addMixin(target.name(), CommandSpec.forAnnotatedObjectLenient(target));
    }
    commandLine
        .getCommandSpec()
        .usageMessage()
        .footer(
            "",
            "Targets, in the order they run: "
                + String.join(", ", names)
                + " (see benchmarks/RESULTS.md).");
    return commandLine;
  }

  /** The targets to run, in suite order; an unknown name is a usage error. */
  List<BenchTarget> selected() {
    if (only == null) {
      return targets;
    }
    List<String> known = targets.stream().map(BenchTarget::name).toList();
    for (String name : only) {
      if (!known.contains(name)) {
        throw new ParameterException(
            requireSpec().commandLine(),
            "--only: unknown target '" + name + "' (known: " + String.join(", ", known) + ")");
      }
    }
    return targets.stream().filter(t -> only.contains(t.name())).toList();
  }

  private CommandSpec requireSpec() {
    if (spec == null) {
      throw new IllegalStateException("not run through picocli");
    }
    return spec;
  }

  @Override
  public Integer call() throws Exception {
    List<BenchTarget> selected = selected();
    Files.createDirectories(out);
    List<String> profiling = new ArrayList<>();
    if (jfr) {
      profiling.add(
          "-XX:StartFlightRecording=filename="
              + out.resolve("{server}.jfr").toAbsolutePath()
              + ",settings=profile,dumponexit=true");
    }
    BenchRun run = new BenchRun(out, quick, seed, profiling);
    Report report = run.report;
    Instant started = Instant.now();
    String loadBefore = BenchRun.loadAverage();
    report.line("# socialcheck benchmark run");
    report.line("");
    report.line("- started: " + started + (quick ? " (quick mode: short windows)" : ""));
    report.line("- machine: " + BenchRun.machine());
    report.line("- load average before: " + loadBefore);
    report.line("- server JVMs: `" + String.join(" ", run.serverFlags("NAME")) + "`");
    report.line(
        "- load generator JVM: `"
            + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
            + "`, "
            + BenchRun.CONNECTIONS
            + " HTTP/2 connections, directExecutor, call deadline "
            + BenchRun.DEADLINE.toSeconds()
            + " s");
    for (BenchTarget target : selected) {
      target.run(run);
    }
    report.line("");
    report.line(
        "- finished: "
            + Instant.now()
            + " ("
            + Duration.between(started, Instant.now()).toSeconds()
            + " s); load average after: "
            + BenchRun.loadAverage());
    report.write(out);
    System.out.println("wrote " + out.resolve("results.md"));
    return 0;
  }
}
