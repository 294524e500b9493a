package dev.socialcheck.server.cli;

import dev.socialcheck.server.checkers.CommonPoolParallelism;
import dev.socialcheck.server.logging.BatchingConsoleAppender;
import java.time.Duration;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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

  public static void main(String[] args) {
    // Before anything uses the common pool: else a thread per probe answered on small machines.
    CommonPoolParallelism.ensure();
    // gRPC logs through java.util.logging: route it to the same place as ours.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    CommandLine commandLine;
    try {
      ConfigDefaults defaults = ConfigDefaults.from(args, System::getenv);
      commandLine = commandLine(defaults);
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
    return commandLine(ConfigDefaults.none());
  }

  /** The command line taking defaults from {@code defaults} (environment, config file). */
  static CommandLine commandLine(ConfigDefaults defaults) {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setDefaultValueProvider(defaults);
  }
}
