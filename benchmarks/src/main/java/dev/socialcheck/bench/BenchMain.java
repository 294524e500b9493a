package dev.socialcheck.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
          new OutboundProbeTarget(),
          BenchTarget.onlyWhenNamed(
              "screen",
              run ->
                  new ScreenTarget(run.quick ? 10_000 : 100_000, run.quick ? 1 : 3)
                      .run(run.report)));

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
      names = "--async-profiler",
      description =
          "Every server JVM runs async-profiler (CPU, 1 ms, every thread, stacks rooted at their thread; the library comes from"
              + " the tools.profiler:async-profiler jar on the class path) into"
              + " DIR/<server>.collapsed. With --jfr or this, the report ends with each server's"
              + " top frames.")
  boolean asyncProfiler;

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "TARGET",
      description =
          "Comma-separated targets to run (default: all but those that run only when named, such"
              + " as screen).")
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

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("overload")) {
      // Issue 21's overload benchmark of the concurrency limit, in its own class.
      OverloadBench.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
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
      return targets.stream().filter(BenchTarget::runsByDefault).toList();
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

  /**
   * Copies async-profiler's native library for this platform out of its jar on the class path into
   * {@code dir}, and returns its absolute path.
   */
  private Path asyncProfilerLibrary(Path dir) throws IOException {
    String arch = System.getProperty("os.arch");
    String platform =
        !System.getProperty("os.name").startsWith("Linux")
            ? null
            : arch.equals("amd64") || arch.equals("x86_64")
                ? "linux-x64"
                : arch.equals("aarch64") ? "linux-arm64" : null;
    try (InputStream library =
        platform == null
            ? null
            : BenchMain.class
                .getClassLoader()
                .getResourceAsStream(platform + "/libasyncProfiler.so")) {
      if (library == null) {
        throw new ParameterException(
            requireSpec().commandLine(),
            "--async-profiler: no async-profiler library for "
                + System.getProperty("os.name")
                + " "
                + arch
                + " on the class path");
      }
      Path target = dir.resolve("libasyncProfiler.so").toAbsolutePath();
      Files.copy(library, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    }
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
    if (asyncProfiler) {
      profiling.add(
          "-agentpath:"
              + asyncProfilerLibrary(out)
              + "=start,event=cpu,interval=1ms,threads,collapsed,file="
              + out.resolve("{server}.collapsed").toAbsolutePath());
    }
    FileTime since = FileTime.from(Instant.now().minusSeconds(1));
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
    if (jfr || asyncProfiler) {
      ProfileSummary.append(report, out, since);
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
