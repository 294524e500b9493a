package dev.socialcheck.server.cli;

import dev.socialcheck.server.redis.SharedRedis;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code serve} options that share state between replicas through Redis. */
final class RedisOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description =
          "Share the result cache, the per-caller limit and the platforms' rate limits with the"
              + " other replicas through this Redis: redis://[:PASSWORD@]HOST[:PORT][/DB]"
              + " (rediss:// for TLS). Off unless set; when Redis is down or slow, each replica"
              + " falls back to its own cache and limits.")
  @Nullable String uri;

  @Option(
      names = "--redis-key-prefix",
      defaultValue = SharedRedis.Settings.DEFAULT_KEY_PREFIX,
      paramLabel = "PREFIX",
      description = "Prefix of every Redis key. Default: ${DEFAULT-VALUE}.")
  String keyPrefix = SharedRedis.Settings.DEFAULT_KEY_PREFIX;

  @Option(
      names = "--redis-timeout",
      paramLabel = "DURATION",
      defaultValue = "100ms",
      converter = DurationConverter.class,
      description =
          "Longest wait for one Redis command; past it a check or call goes on as if Redis were"
              + " down. Default: ${DEFAULT-VALUE}.")
  Duration commandTimeout = SharedRedis.Settings.DEFAULT_COMMAND_TIMEOUT;

  @Option(
      names = "--redis-connect-timeout",
      paramLabel = "DURATION",
      defaultValue = "500ms",
      converter = DurationConverter.class,
      description = "Longest wait for a connection to Redis. Default: ${DEFAULT-VALUE}.")
  Duration connectTimeout = SharedRedis.Settings.DEFAULT_CONNECT_TIMEOUT;

  @Option(
      names = "--redis-platform-limits",
      defaultValue = "true",
      arity = "1",
      paramLabel = "true|false",
      description =
          "With --redis, also share each platform's rate limit, so that N replicas do not call a"
              + " platform N times as often as it allows. Default: ${DEFAULT-VALUE}.")
  boolean sharePlatformLimits = true;

  /** Whether {@code --redis} is set (an empty value, e.g. from an empty variable, is not). */
  boolean enabled() {
    return uri != null && !uri.isBlank();
  }

  /** Starts connecting (in the background); {@code null} without {@code --redis}. */
  @Nullable SharedRedis start() {
    String uri = this.uri;
    if (uri == null || !enabled()) {
      return null;
    }
    try {
      return SharedRedis.start(
          new SharedRedis.Settings(
              uri.strip(),
              keyPrefix,
              commandTimeout,
              connectTimeout,
              SharedRedis.Settings.DEFAULT_PROBE_INTERVAL));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, "--redis");
    }
  }
}
