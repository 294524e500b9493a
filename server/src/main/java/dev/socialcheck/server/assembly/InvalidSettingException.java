package dev.socialcheck.server.assembly;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A setting of {@link ServerSettings} that the server cannot run with, named by {@link Setting}
 * rather than by any command line's flag: {@link #describe} phrases it with the caller's names
 * ({@code --max-in-flight must be positive}); {@link #getMessage()} uses the builder's ({@code
 * maxInFlight must be positive}).
 */
public final class InvalidSettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final Setting setting;
  private final String problem;
  private final @Nullable Setting other;

  /**
   * @param setting the setting at fault
   * @param problem what follows its name, separator included ({@code " must be positive"}, {@code
   *     ": not a Redis URI"}); {@code {other}} stands for {@code other}'s name
   * @param other a second setting the problem names, if any
   */
  InvalidSettingException(Setting setting, String problem, @Nullable Setting other) {
    super(phrase(setting, problem, other, Setting::propertyName, Setting::propertyName));
    this.setting = requireNonNull(setting, "setting");
    this.problem = requireNonNull(problem, "problem");
    this.other = other;
  }

  InvalidSettingException(Setting setting, String problem) {
    this(setting, problem, null);
  }

  /** The setting at fault. */
  public Setting setting() {
    return setting;
  }

  /** The second setting the problem names ("needs ..."), if any. */
  public Optional<Setting> other() {
    return Optional.ofNullable(other);
  }

  /**
   * The problem in the caller's words.
   *
   * @param name the caller's name of the setting at fault ({@code --max-in-flight})
   * @param otherName the caller's name of a setting the problem asks for, which may say where it
   *     can be given ({@code --cache-key-secret-file FILE (or ...)})
   */
  public String describe(Function<Setting, String> name, Function<Setting, String> otherName) {
    return phrase(setting, problem, other, name, otherName);
  }

  private static String phrase(
      Setting setting,
      String problem,
      @Nullable Setting other,
      Function<Setting, String> name,
      Function<Setting, String> otherName) {
    String text = other == null ? problem : problem.replace("{other}", otherName.apply(other));
    return name.apply(setting) + text;
  }

  /** The settings of {@link ServerSettings} a problem can name. */
  public enum Setting {
    CATALOG("catalog"),
    ALLOWED_KINDS("allowedKinds"),
    DEMO_TIME_SCALE("demoTimeScale"),
    BLOCKING_CHECKER_THREADS("blockingCheckerThreads"),
    CACHE_MAX_ENTRIES("cacheMaxEntries"),
    CACHE_KEYS("cacheKeys"),
    REDIS("redis"),
    HEDGE_DELAY("defaultHedgeDelay"),
    SHUTDOWN_GRACE("shutdownGrace"),
    MAX_IN_FLIGHT("maxInFlight"),
    MAX_CALLS_PER_CONNECTION("maxCallsPerConnection"),
    MAX_CONNECTION_AGE("maxConnectionAge"),
    CALLER_RATE_LIMIT("callerRateLimit"),
    ACCESS_LOG_SAMPLE("accessLogSample"),
    CHECK_MANY_CONCURRENCY("checkManyConcurrency"),
    ADAPTIVE("adaptive"),
    ADAPTIVE_PERCENTILE("adaptivePercentile"),
    ADAPTIVE_MAX_EXTRA_LOAD("adaptiveMaxExtraLoad"),
    ADAPTIVE_MIN_SAMPLES("adaptiveMinSamples"),
    ADAPTIVE_WINDOW("adaptiveWindow"),
    ADAPTIVE_EARLY_START_WASTE("adaptiveEarlyStartWaste"),
    ADAPTIVE_MIN_HEDGE_DELAY("adaptiveMinHedgeDelay"),
    CANARY_INTERVAL("canaryInterval"),
    CANARY_AUTO_DISABLE("canaryAutoDisable");

    private final String propertyName;

    Setting(String propertyName) {
      this.propertyName = propertyName;
    }

    /** The name of the builder method that sets it. */
    public String propertyName() {
      return propertyName;
    }
  }
}
