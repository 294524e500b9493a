package dev.socialcheck.server.cli;

import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.CatalogException;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.catalog.DemoCatalog;
import dev.socialcheck.server.catalog.PlatformKind;
import dev.socialcheck.server.checkers.ProbeClient;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options that choose and tune the catalog, shared by {@code serve}, {@code check}, {@code
 * selfcheck} and {@code screen}. The result cache's options are {@link CacheOptions}.
 */
final class CatalogOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--catalog",
      defaultValue = DemoCatalog.NAME,
      paramLabel = "demo|builtin|extended|FILE",
      description =
          "Platform catalog: demo (offline, simulated), builtin (bundled real platforms: documented"
              + " APIs and quiet lookups), extended (builtin plus sign-up form checks; needs"
              + " --allow-kind signup-check) or a YAML file. Default: ${DEFAULT-VALUE}.")
  String catalog = DemoCatalog.NAME;

  @Option(
      names = "--allow-kind",
      split = ",",
      paramLabel = "KIND",
      description =
          "Also allow catalog entries of this kind. api and lookup are always allowed;"
              + " signup-check (a sign-up form's 'address already taken' check: no account is"
              + " created and nothing is sent to the owner, but it may breach a platform's terms)"
              + " only when allowed here.")
  List<String> allowKinds = List.of();

  @Option(
      names = "--demo-time-scale",
      defaultValue = "1.0",
      paramLabel = "FACTOR",
      description =
          "Multiplies the demo catalog's latencies and timeouts (0.01 turns 1 s into 10 ms)."
              + " Default: ${DEFAULT-VALUE}.")
  double demoTimeScale = 1.0;

  @Option(
      names = "--user-agent",
      defaultValue = "socialcheck/1 (account-existence checker)",
      paramLabel = "TEXT",
      description = "User-Agent of platform probes. Default: ${DEFAULT-VALUE}.")
  String userAgent = "socialcheck/1 (account-existence checker)";

  @Option(
      names = "--probe-client",
      defaultValue = "jdk",
      paramLabel = "CLIENT",
      description =
          "HTTP client of platform probes: jdk (the JDK HttpClient for every platform) or netty"
              + " (Netty's HTTP/2 client for the HTTPS platforms that speak HTTP/2, the JDK client"
              + " for the others; less CPU per probe, and it copes with platforms that end their"
              + " connections: see docs/catalog.md). Default: ${DEFAULT-VALUE}.")
  String probeClient = "jdk";

  /**
   * The kinds of catalog entry allowed: api and lookup, plus those of {@code --allow-kind}.
   *
   * @throws ParameterException naming an unknown kind
   */
  Set<PlatformKind> allowedKinds() {
    Set<PlatformKind> allowed = EnumSet.copyOf(PlatformKind.DEFAULT_ALLOWED);
    for (String name : allowKinds) {
      allowed.add(
          PlatformKind.parse(name)
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "--allow-kind "
                              + name
                              + ": not a kind (kinds: "
                              + PlatformKind.names()
                              + ")")));
    }
    return allowed;
  }

  @Option(
      names = "--blocking-checker-threads",
      defaultValue = "4",
      paramLabel = "COUNT",
      description =
          "Threads that run the blocking code of checker types from jars on the class path (at"
              + " most "
              + ServerSettings.MAX_BLOCKING_CHECKER_THREADS
              + "); "
              + ServerSettings.BLOCKING_QUEUE_PER_THREAD
              + " checks per thread may wait, more are RATE_LIMITED. Default: ${DEFAULT-VALUE}.")
  int blockingCheckerThreads = 4;

  /** The chosen catalog's name: a bundled one's, or a file's name without its folder. */
  String catalogName() {
    return isDemo() || CatalogLoader.isBundled(catalog)
        ? catalog
        : String.valueOf(Path.of(catalog).getFileName());
  }

  /** Whether the chosen catalog is the offline demo one (no HTTP probes). */
  boolean isDemo() {
    return catalog.equals(DemoCatalog.NAME);
  }

  /**
   * Sets the catalog's settings of {@code settings}.
   *
   * @throws ParameterException naming an unknown kind
   */
  ServerSettings.Builder applyTo(ServerSettings.Builder settings) {
    return settings
        .catalog(catalog)
        .allowedKinds(allowedKinds())
        .demoTimeScale(demoTimeScale)
        .userAgent(userAgent)
        .probeClient(probeClient())
        .blockingCheckerThreads(blockingCheckerThreads);
  }

  /** The {@code --probe-client} named. */
  private ProbeClient probeClient() {
    try {
      return ProbeClient.parse(probeClient);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--probe-client: " + e.getMessage());
    }
  }

  /** A catalog's problem, with the flag that lifts it when an entry's kind is not allowed. */
  static String describe(CatalogException e) {
    return e.getMessage()
        + e.disallowedKind()
            .map(kind -> " (socialcheck --allow-kind " + kind.id() + ")")
            .orElse("");
  }
}
