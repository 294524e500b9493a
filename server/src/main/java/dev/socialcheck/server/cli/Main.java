package dev.socialcheck.server.cli;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.checkers.CommonPoolParallelism;
import dev.socialcheck.server.logging.BatchingConsoleAppender;
import dev.socialcheck.server.spi.CheckerProviderException;
import java.io.PrintWriter;
import java.time.Duration;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** Entry point of the {@code socialcheck} command. */
@Command(
    name = "socialcheck",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Tells whether an e-mail address has an account on well-known platforms.",
    subcommands = {
      ServeCommand.class,
      CheckCommand.class,
      ScreenCommand.class,
      SelfCheckCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  /** How a DURATION is written, for the help of every command that takes one. */
  static final String DURATIONS =
      "DURATION is written like 500ms, 2s, 1.5s, 1m or 1h (or ISO-8601: PT2S); never negative.";

  public static void main(String[] args) {
    // Before anything uses the common pool: else a thread per probe answered on small machines.
    CommonPoolParallelism.ensure(System.getProperties());
    // gRPC logs through java.util.logging: route it to the same place as ours.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    CommandLine commandLine;
    try {
      ConfigDefaults defaults = ConfigDefaults.from(args, System::getenv);
      commandLine = commandLine(defaults, Terminal.system());
      defaults.validate(commandLine);
    } catch (IllegalArgumentException e) {
      System.err.println("socialcheck: " + e.getMessage());
      System.exit(2);
      return;
    }
    int exit = commandLine.execute(args);
    // The console appender writes on a daemon thread: let it write the last lines first.
    BatchingConsoleAppender.awaitAllWritten(Duration.ofSeconds(2));
    System.exit(exit);
  }

  /** The command line with built-in defaults only, for tests. */
  static CommandLine commandLine() {
    return commandLine(ConfigDefaults.none(), Terminal.none());
  }

  /** The command line taking defaults from {@code defaults} (environment, config file). */
  static CommandLine commandLine(ConfigDefaults defaults) {
    return commandLine(defaults, Terminal.none());
  }

  /**
   * The command line taking defaults from {@code defaults}, whose long-running commands show
   * progress and hear Ctrl-C through {@code terminal}.
   */
  static CommandLine commandLine(ConfigDefaults defaults, Terminal terminal) {
    CommandLine commandLine =
        new CommandLine(new Main())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setDefaultValueProvider(defaults)
            .setParameterExceptionHandler(Main::usageError)
            .setExecutionExceptionHandler(Main::executionError);
    ((CheckCommand) subcommand(commandLine, "check")).terminal = terminal;
    ((SelfCheckCommand) subcommand(commandLine, "selfcheck")).terminal = terminal;
    return commandLine;
  }

  /**
   * A failure of a command: the checker providers of the class path cannot be used (two of one
   * type, a missing class) — a message and exit status 1, no stack trace. Anything else is a bug
   * and keeps its stack trace.
   */
  static int executionError(Exception e, CommandLine command, ParseResult parsed) throws Exception {
    if (e instanceof CheckerProviderException) {
      PrintWriter err = command.getErr();
      err.println("socialcheck: " + e.getMessage());
      err.flush();
      return 1;
    }
    throw e;
  }

  /**
   * A usage error: the message, picocli's suggestions for a mistyped option, and one line that says
   * where the help is; exit status 2. The full help would bury the one line that matters.
   */
  static int usageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("socialcheck: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("see `" + command.getCommandSpec().qualifiedName() + " --help`");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static Object subcommand(CommandLine commandLine, String name) {
    return requireNonNull(commandLine.getSubcommands().get(name), name).getCommand();
  }
}
