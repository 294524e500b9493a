package dev.socialcheck.server.cli;

import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.ReadFailure;
import dev.socialcheck.server.checkers.CacheKeys;
import dev.socialcheck.server.engine.DurationText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options of the result cache, for {@code serve} and {@code screen}: a one-shot {@code check} has
 * nothing to reuse, and {@code selfcheck} must reach the platforms.
 */
final class CacheOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--cache-ttl-found",
      defaultValue = "1h",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long a FOUND answer is reused (0 turns it off). Default: ${DEFAULT-VALUE}.")
  Duration cacheTtlFound = Duration.ofHours(1);

  @Option(
      names = "--cache-ttl-not-found",
      defaultValue = "10m",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long a NOT_FOUND answer is reused (0 turns it off). Default: ${DEFAULT-VALUE}.")
  Duration cacheTtlNotFound = Duration.ofMinutes(10);

  @Option(
      names = "--cache-max-entries",
      defaultValue = "100000",
      paramLabel = "COUNT",
      description = "Result cache size bound. Default: ${DEFAULT-VALUE}.")
  long cacheMaxEntries = 100_000;

  @Option(
      names = "--cache-key-secret-file",
      paramLabel = "FILE",
      description =
          "Secret of the result cache's keys (HMAC-SHA256 of the address): the file's bytes,"
              + " surrounding white space ignored, at least 16 (e.g. `openssl rand -hex 32`)."
              + " Required with --redis and a result cache, the same on every replica. Default: a"
              + " random secret per process.")
  @Nullable Path cacheKeySecretFile;

  /**
   * The cache keys under the secret of {@code --cache-key-secret-file}; {@code null} without one
   * (the assembly then makes a random secret of its own).
   *
   * @throws ParameterException if the file cannot be read or its secret is too short
   */
  @Nullable CacheKeys sharedKeys() {
    Path file = cacheKeySecretFile;
    if (file == null) {
      return null;
    }
    try {
      return CacheKeys.fromFile(file);
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(),
          "cannot read --cache-key-secret-file " + file + ": " + ReadFailure.describe(e));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--cache-key-secret-file " + file + ": " + e.getMessage());
    }
  }

  /**
   * Sets the cache's settings of {@code settings}.
   *
   * @throws ParameterException if the secret file cannot be used
   */
  ServerSettings.Builder applyTo(ServerSettings.Builder settings) {
    return settings
        .cacheTtlFound(cacheTtlFound)
        .cacheTtlNotFound(cacheTtlNotFound)
        .cacheMaxEntries(cacheMaxEntries)
        .cacheKeys(sharedKeys());
  }

  /** One line describing the cache of {@code assembly}, for the start-up log. */
  static String describe(ServerAssembly assembly) {
    ServerSettings settings = assembly.settings();
    return "result cache: FOUND "
        + DurationText.format(settings.cacheTtlFound())
        + ", NOT_FOUND "
        + DurationText.format(settings.cacheTtlNotFound())
        + ", at most "
        + settings.cacheMaxEntries()
        + " entries, keys "
        + assembly.cacheKeys().describe();
  }
}
