package dev.socialcheck.server.cli;

import dev.socialcheck.server.assembly.InvalidSettingException;
import dev.socialcheck.server.assembly.InvalidSettingException.Setting;
import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.CatalogException;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The flags of the server's settings: how the command line phrases the problems the assembly finds
 * ({@link InvalidSettingException} names a {@link Setting}, never a flag), and the one way every
 * command builds its assembly.
 */
final class SettingFlags {
  private SettingFlags() {}

  /** The flag that sets {@code setting}. */
  static String flag(Setting setting) {
    return switch (setting) {
      case CATALOG -> "--catalog";
      case ALLOWED_KINDS -> "--allow-kind";
      case DEMO_TIME_SCALE -> "--demo-time-scale";
      case BLOCKING_CHECKER_THREADS -> "--blocking-checker-threads";
      case CACHE_MAX_ENTRIES -> "--cache-max-entries";
      case CACHE_KEYS -> "--cache-key-secret-file";
      case REDIS -> "--redis";
      case HEDGE_DELAY -> "--hedge-delay";
      case SHUTDOWN_GRACE -> "--shutdown-grace";
      case MAX_IN_FLIGHT -> "--max-in-flight";
      case MAX_CALLS_PER_CONNECTION -> "--max-calls-per-connection";
      case MAX_CONNECTION_AGE -> "--max-connection-age";
      case CALLER_RATE_LIMIT -> "--caller-rate-limit";
      case ACCESS_LOG_SAMPLE -> "--access-log-sample";
      case CHECK_MANY_CONCURRENCY -> "--check-many-concurrency";
      case ADAPTIVE -> "adaptive settings";
      case ADAPTIVE_PERCENTILE -> "--adaptive-percentile";
      case ADAPTIVE_MAX_EXTRA_LOAD -> "--adaptive-max-extra-load";
      case ADAPTIVE_MIN_SAMPLES -> "--adaptive-min-samples";
      case ADAPTIVE_WINDOW -> "--adaptive-window";
      case ADAPTIVE_EARLY_START_WASTE -> "--adaptive-early-start-waste";
      case ADAPTIVE_MIN_HEDGE_DELAY -> "--adaptive-min-hedge-delay";
      case CANARY_INTERVAL -> "--canary-interval";
      case CANARY_AUTO_DISABLE -> "--canary-auto-disable";
    };
  }

  /** How to give {@code setting} when a problem asks for it: every place it can come from. */
  private static String wanted(Setting setting) {
    return setting == Setting.CACHE_KEYS
        ? "--cache-key-secret-file FILE (or SOCIALCHECK_CACHE_KEY_SECRET_FILE, or"
            + " cache-key-secret-file in the --config file)"
        : flag(setting);
  }

  /**
   * A usage error of {@code spec}'s command phrasing {@code e} with its flags.
   *
   * @param renamed flags a command names differently ({@code screen --concurrency})
   */
  static ParameterException usageError(
      CommandSpec spec, InvalidSettingException e, Map<Setting, String> renamed) {
    String message =
        e.describe(s -> renamed.getOrDefault(s, flag(s)), s -> renamed.getOrDefault(s, wanted(s)));
    return new ParameterException(spec.commandLine(), message, e);
  }

  /** The settings of {@code builder}, or a usage error naming the flag at fault. */
  static ServerSettings build(
      CommandSpec spec, ServerSettings.Builder builder, Map<Setting, String> renamed) {
    try {
      return builder.build();
    } catch (InvalidSettingException e) {
      throw usageError(spec, e, renamed);
    }
  }

  /** The assembly of {@code builder}'s settings; their problems are usage errors. */
  static ServerAssembly assemble(CommandSpec spec, ServerSettings.Builder builder)
      throws InterruptedException {
    return create(spec, build(spec, builder, Map.of()));
  }

  /**
   * The assembly of {@code settings}; a setting it cannot use, or a catalog it cannot load, is a
   * usage error. (A part that cannot start throws {@link
   * dev.socialcheck.server.assembly.ServerStartException}, which {@link Main} reports.)
   */
  static ServerAssembly create(CommandSpec spec, ServerSettings settings)
      throws InterruptedException {
    try {
      return ServerAssembly.create(settings);
    } catch (InvalidSettingException e) {
      throw usageError(spec, e, Map.of());
    } catch (CatalogException e) {
      throw new ParameterException(
          spec.commandLine(), CatalogOptions.describe(e), e, null, settings.catalog());
    }
  }
}
