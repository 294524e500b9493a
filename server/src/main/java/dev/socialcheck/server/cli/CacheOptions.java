package dev.socialcheck.server.cli;

import com.google.common.base.Ticker;
import dev.socialcheck.server.catalog.ReadFailure;
import dev.socialcheck.server.checkers.CacheKeys;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.checkers.SharedResultStore;
import dev.socialcheck.server.engine.DurationText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options of the result cache, for {@code serve}: a one-shot {@code check} has nothing to reuse,
 * and {@code selfcheck} must reach the platforms.
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

  private @Nullable CacheKeys cacheKeys;

  /**
   * The result cache's keys: under the secret of {@code --cache-key-secret-file}, else under a
   * random secret of this process. Read once.
   *
   * @throws ParameterException if the file cannot be read or its secret is too short
   */
  CacheKeys cacheKeys() {
    CacheKeys keys = cacheKeys;
    if (keys != null) {
      return keys;
    }
    Path file = cacheKeySecretFile;
    if (file == null) {
      keys = CacheKeys.random();
    } else {
      try {
        keys = CacheKeys.fromFile(file);
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(),
            "cannot read --cache-key-secret-file " + file + ": " + ReadFailure.describe(e));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "--cache-key-secret-file " + file + ": " + e.getMessage());
      }
    }
    cacheKeys = keys;
    return keys;
  }

  /** Whether a catalog with a cache (not the demo) keeps one: not with both lifetimes at zero. */
  boolean enabled() {
    return cacheTtlFound.compareTo(Duration.ZERO) > 0
        || cacheTtlNotFound.compareTo(Duration.ZERO) > 0;
  }

  /**
   * A new result cache as configured.
   *
   * @param shared the cache's level shared with other replicas, if any
   */
  ResultCache newCache(@Nullable SharedResultStore shared) {
    if (cacheMaxEntries < 0) {
      throw new ParameterException(spec.commandLine(), "--cache-max-entries must not be negative");
    }
    return new ResultCache(
        cacheTtlFound,
        cacheTtlNotFound,
        cacheMaxEntries,
        Ticker.systemTicker(),
        cacheKeys(),
        shared,
        Clock.systemUTC());
  }

  /** One line describing the cache, for the start-up log. */
  String describe() {
    return "result cache: FOUND "
        + DurationText.format(cacheTtlFound)
        + ", NOT_FOUND "
        + DurationText.format(cacheTtlNotFound)
        + ", at most "
        + cacheMaxEntries
        + " entries, keys "
        + cacheKeys().describe();
  }
}
