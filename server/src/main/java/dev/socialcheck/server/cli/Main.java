package dev.socialcheck.server.cli;

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
      SelfCheckCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    // gRPC logs through java.util.logging: route it to the same place as ours.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for {@link #main} and tests. */
  static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
