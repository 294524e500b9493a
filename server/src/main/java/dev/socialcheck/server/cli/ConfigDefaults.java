package dev.socialcheck.server.cli;

import dev.socialcheck.server.catalog.ReadFailure;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Default values of options from the environment and a config file, so that the precedence is:
 * command line, then environment ({@code SOCIALCHECK_PORT} for {@code --port}, {@code
 * SOCIALCHECK_METRICS_PORT} for {@code --metrics-port}, ...), then the config file, then the
 * built-in default.
 *
 * <p>The config file ({@code --config FILE} or {@code SOCIALCHECK_CONFIG}) is a properties file
 * whose keys are option names without dashes ({@code port=50051}), optionally prefixed with a
 * command ({@code serve.port=50051}). Unknown keys are an error, so a typo does not go unnoticed.
 */
final class ConfigDefaults implements IDefaultValueProvider {
  static final String ENV_PREFIX = "SOCIALCHECK_";
  static final String CONFIG_OPTION = "--config";

  private final Function<String, @Nullable String> environment;
  private final Properties file;
  private final @Nullable String fileName;

  private ConfigDefaults(
      Function<String, @Nullable String> environment, Properties file, @Nullable String fileName) {
    this.environment = environment;
    this.file = file;
    this.fileName = fileName;
  }

  /** No environment, no file: only built-in defaults (tests). */
  static ConfigDefaults none() {
    return new ConfigDefaults(name -> null, new Properties(), null);
  }

  /**
   * Finds the config file in {@code args} ({@code --config FILE} or {@code --config=FILE}) or in
   * {@code SOCIALCHECK_CONFIG}, and reads it.
   *
   * @throws IllegalArgumentException if the file cannot be read
   */
  static ConfigDefaults from(String[] args, Function<String, @Nullable String> environment) {
    String path = environment.apply(ENV_PREFIX + "CONFIG");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_OPTION) && i + 1 < args.length) {
        path = args[i + 1];
      } else if (args[i].startsWith(CONFIG_OPTION + "=")) {
        path = args[i].substring(CONFIG_OPTION.length() + 1);
      }
    }
    Properties properties = new Properties();
    if (path != null) {
      try (Reader in = Files.newBufferedReader(Path.of(path))) {
        properties.load(in);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "config file " + path + ": cannot read it: " + ReadFailure.describe(e), e);
      } catch (IllegalArgumentException e) {
        // Properties.load: a malformed unicode escape.
        throw new IllegalArgumentException(
            "config file " + path + ": not a properties file: " + e.getMessage(), e);
      }
    }
    return new ConfigDefaults(environment, properties, path);
  }

  /**
   * Checks that every key of the config file names an option of some command.
   *
   * @throws IllegalArgumentException naming the unknown keys
   */
  void validate(CommandLine root) {
    Set<String> known = new TreeSet<>();
    collect(root, known);
    Set<String> unknown = new TreeSet<>();
    for (String key : file.stringPropertyNames()) {
      if (!known.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "config file "
              + fileName
              + ": unknown keys "
              + unknown
              + " (keys are option names"
              + " without dashes, e.g. port=50051 or serve.port=50051)");
    }
  }

  private static void collect(CommandLine command, Set<String> known) {
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (configurable(option)) {
        String name = bareName(option);
        known.add(name);
        known.add(command.getCommandName() + "." + name);
      }
    }
    command.getSubcommands().values().forEach(sub -> collect(sub, known));
  }

  private static boolean configurable(OptionSpec option) {
    return !option.usageHelp()
        && !option.versionHelp()
        && !option.longestName().equals(CONFIG_OPTION);
  }

  private static String bareName(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  /** The environment variable for an option, e.g. {@code SOCIALCHECK_METRICS_PORT}. */
  static String environmentName(String option) {
    return ENV_PREFIX + option.replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public @Nullable String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option) || !configurable(option)) {
      return null;
    }
    String name = bareName(option);
    String fromEnvironment = environment.apply(environmentName(name));
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    String command = option.command() == null ? "" : option.command().name();
    String fromFile = file.getProperty(command + "." + name, file.getProperty(name));
    return fromFile; // null: picocli falls back to the option's own default
  }
}
