package dev.socialcheck.server.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import ch.qos.logback.classic.Level;
import com.google.common.util.concurrent.Uninterruptibles;
import dev.socialcheck.server.assembly.InvalidSettingException.Setting;
import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.UnknownPlatformException;
import dev.socialcheck.server.engine.Strategy;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.v1.CheckManyRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.ObjLongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code socialcheck screen INPUT --out results.jsonl}: screens a list of addresses over one {@code
 * CheckMany} stream, in this process or against a server.
 */
@Command(
    name = "screen",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Screens a list of addresses (one per line, or a CSV column) and writes one JSON line per"
          + " input line to --out: line, email, verdict, found_on and the per-platform results,"
          + " or error.",
      "Runs in this process (the same catalog options as check) unless --target names a server.",
      "Running the same command again resumes: lines already in --out are skipped. Ctrl-C"
          + " writes what is done, prints the summary and exits 130.",
      "Exit status: 0 every line has its record, 1 the screening failed (run it again to"
          + " resume), 2 bad usage, 130 interrupted.",
      Main.DURATIONS
    })
final class ScreenCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 1;
  static final int EXIT_INTERRUPTED = 130;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "INPUT",
      description = "File of addresses, one per line (or CSV with --column); - for standard input.")
  String input = "-";

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Results, one JSON object per line; appended to when it exists (resume).")
  Path out = Path.of("results.jsonl");

  @Option(
      names = "--column",
      paramLabel = "NAME",
      description = "INPUT is CSV with a header row; the addresses are in column NAME.")
  @Nullable String column;

  @Option(
      names = "--target",
      paramLabel = "HOST:PORT",
      description =
          "Screen against this socialcheck server (plaintext) instead of in this process.")
  @Nullable String target;

  @Option(
      names = "--concurrency",
      defaultValue = "16",
      paramLabel = "ITEMS",
      description =
          "In this process: addresses checked at once, at most "
              + SocialCheckServer.MAX_CHECK_MANY_CONCURRENCY
              + " (with --target the server's --check-many-concurrency applies). Default:"
              + " ${DEFAULT-VALUE}.")
  int concurrency = SocialCheckServer.DEFAULT_CHECK_MANY_CONCURRENCY;

  @Option(
      names = "--platforms",
      split = ",",
      paramLabel = "ID",
      description = "Platform ids to check (comma-separated). Default: all.")
  List<String> platforms = List.of();

  @Option(
      names = "--strategy",
      defaultValue = "race",
      paramLabel = "STRATEGY",
      description = "race, sequential, hedged or adaptive. Default: ${DEFAULT-VALUE}.")
  Strategy strategy = Strategy.RACE;

  @Option(
      names = "--hedge-delay",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "With --strategy hedged or adaptive: how long to wait for an answer before starting the"
              + " next platform. Default: the server's (1s).")
  @Nullable Duration hedgeDelay;

  @Option(
      names = "--check-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Cap on each check's timeout. Default: each platform's own.")
  @Nullable Duration checkTimeout;

  @Mixin CatalogOptions catalogOptions = new CatalogOptions();

  @Mixin CacheOptions cacheOptions = new CacheOptions();

  /** Whether standard error is a terminal (the progress bar is drawn only then). */
  BooleanSupplier terminal = Terminal::consoleIsTerminal;

  /** Where the progress bar is drawn. */
  PrintStream progressOut = System.err;

  /** Width of the progress bar; 0: the terminal's. */
  int progressWidth;

  /** Standard input, for INPUT {@code -}. */
  InputStream stdin = System.in;

  /** Told after each record written, with the count so far (tests stop a run with it). */
  ObjLongConsumer<Screening> afterRecord = (screening, records) -> {};

  @Override
  public Integer call() throws InterruptedException {
    if (concurrency < 1 || concurrency > SocialCheckServer.MAX_CHECK_MANY_CONCURRENCY) {
      // Also with --target, where no in-process server would check it.
      throw new ParameterException(
          spec.commandLine(),
          "--concurrency must be between 1 and " + SocialCheckServer.MAX_CHECK_MANY_CONCURRENCY);
    }
    if (hedgeDelay != null && !strategy.usesHedgeDelay()) {
      // Every item would come back INVALID_ARGUMENT: say it once, before starting.
      throw new ParameterException(
          spec.commandLine(),
          "--hedge-delay is only used by --strategy hedged and --strategy adaptive");
    }
    CheckManyRequest options = options();
    long total = total();
    try (ScreenInput items = open();
        ResultsFile results = openResults()) {
      if (target != null) {
        ManagedChannel channel =
            Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
        try {
          return screen(items, results, options, total, channel);
        } finally {
          channel.shutdownNow();
        }
      }
      return screenInProcess(items, results, options, total);
    } catch (IOException e) {
      spec.commandLine().getErr().println("socialcheck: " + e.getMessage());
      return EXIT_FAILED;
    }
  }

  private int screenInProcess(
      ScreenInput items, ResultsFile results, CheckManyRequest options, long total)
      throws IOException, InterruptedException {
    // One stream over an in-process server: its access line is no news to the person running it.
    ch.qos.logback.classic.Logger accessLog =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("socialcheck.access");
    Level accessLevel = accessLog.getLevel();
    accessLog.setLevel(Level.WARN);
    ServerSettings.Builder settings =
        cacheOptions.applyTo(catalogOptions.applyTo(ServerSettings.newBuilder()));
    String name = InProcessServerBuilder.generateName();
    settings
        .transport(InProcessServerBuilder.forName(name))
        .checkManyConcurrency(concurrency)
        .shutdownGrace(Duration.ZERO);
    try (ServerAssembly assembly =
        SettingFlags.create(
            spec,
            SettingFlags.build(
                spec, settings, Map.of(Setting.CHECK_MANY_CONCURRENCY, "--concurrency")))) {
      try {
        assembly.catalog().select(platforms);
      } catch (UnknownPlatformException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      assembly.startServer();
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      try {
        return screen(items, results, options, total, channel);
      } finally {
        channel.shutdownNow();
      }
    } finally {
      accessLog.setLevel(accessLevel); // the level is global: leave it as it was
    }
  }

  private int screen(
      ScreenInput items,
      ResultsFile results,
      CheckManyRequest options,
      long total,
      ManagedChannel channel)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    ProgressBar progress = progress(total, results.alreadyDone());
    Screening screening = new Screening(items, results, options, progress, afterRecord);
    CountDownLatch finished = new CountDownLatch(1);
    Thread onInterrupt =
        new Thread(
            () -> {
              screening.stop();
              // Let the main thread write what is done and print the summary before the JVM ends.
              // Past 10 s the JVM ends anyway, with what was written.
              boolean unused =
                  Uninterruptibles.awaitUninterruptibly(finished, 10, TimeUnit.SECONDS);
            },
            "socialcheck-screen-interrupt");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    try {
      Screening.End end = screening.run(channel);
      results.flush();
      if (progress != null) {
        progress.close();
      }
      PrintWriter summary = spec.commandLine().getOut();
      String how =
          switch (end) {
            case COMPLETED -> "screened";
            case STOPPED -> "interrupted";
            case FAILED -> "failed";
          };
      results
          .tally()
          .print(
              summary,
              how,
              screening.skipped(),
              items.blankLines(),
              Duration.ofNanos(System.nanoTime() - started));
      return switch (end) {
        case COMPLETED -> 0;
        case STOPPED -> {
          summary.println("run the same command again to resume; results so far in " + out);
          summary.flush();
          yield EXIT_INTERRUPTED;
        }
        case FAILED -> {
          spec.commandLine()
              .getErr()
              .println(
                  "socialcheck: the screening failed: "
                      + screening.failure()
                      + "; run the same command again to resume");
          yield EXIT_FAILED;
        }
      };
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      } catch (IllegalStateException e) {
        // The JVM is shutting down (Ctrl-C): the hook is running.
      }
    }
  }

  private CheckManyRequest options() {
    CheckManyRequest.Builder options =
        CheckManyRequest.newBuilder()
            .addAllPlatforms(platforms)
            .setStrategy(dev.socialcheck.v1.Strategy.valueOf("STRATEGY_" + strategy.name()));
    if (hedgeDelay != null) {
      options.setHedgeDelay(proto(hedgeDelay));
    }
    if (checkTimeout != null) {
      options.setCheckTimeout(proto(checkTimeout));
    }
    return options.build();
  }

  private static com.google.protobuf.Duration proto(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  /** Items in the input, for the progress bar; -1 for standard input (unknown). */
  private long total() {
    if (input.equals("-") || !terminal.getAsBoolean()) {
      return -1;
    }
    long count = 0;
    try (ScreenInput items = open()) {
      while (items.hasNext()) {
        items.next();
        count++;
      }
    } catch (IOException | UncheckedIOException e) {
      return -1; // the real read reports it
    }
    return count;
  }

  private ScreenInput open() throws IOException {
    Reader reader;
    if (input.equals("-")) {
      reader = new InputStreamReader(stdin, UTF_8);
    } else {
      try {
        reader = Files.newBufferedReader(Path.of(input), UTF_8);
      } catch (NoSuchFileException e) {
        throw new ParameterException(spec.commandLine(), "INPUT " + input + " does not exist");
      }
    }
    if (column == null) {
      return ScreenInput.lines(reader);
    }
    try {
      return ScreenInput.csv(reader, column);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--column " + column + ": " + e.getMessage());
    }
  }

  private ResultsFile openResults() {
    try {
      return ResultsFile.open(out);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--out " + out + ": " + e.getMessage());
    }
  }

  private @Nullable ProgressBar progress(long total, long alreadyDone) {
    if (!terminal.getAsBoolean()) {
      return null;
    }
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("screen")
            .setInitialMax(total)
            .setConsumer(
                progressWidth > 0
                    ? new ConsoleProgressBarConsumer(progressOut, progressWidth)
                    : new ConsoleProgressBarConsumer(progressOut))
            .setUpdateIntervalMillis(250)
            .showSpeed()
            .build();
    bar.setExtraMessage(alreadyDone > 0 ? " resuming after " + alreadyDone + " done" : "");
    return bar;
  }
}
