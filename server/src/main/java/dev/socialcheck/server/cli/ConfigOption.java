package dev.socialcheck.server.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option. Main reads the file before parsing (its values are defaults of
 * the other options, see {@link ConfigDefaults}); the option is declared here so that help shows it
 * and the parser accepts it.
 */
final class ConfigOption {
  @Option(
      names = ConfigDefaults.CONFIG_OPTION,
      paramLabel = "FILE",
      description =
          "Properties file of option defaults (port=50051, metrics-port=9090, ...). Also"
              + " SOCIALCHECK_CONFIG. Precedence: command line > SOCIALCHECK_<OPTION> environment"
              + " variables > this file > built-in defaults.")
  @Nullable Path config;
}
