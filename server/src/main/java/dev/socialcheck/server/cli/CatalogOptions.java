package dev.socialcheck.server.cli;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.DemoCatalog;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options that choose the catalog, shared by {@code serve} and {@code check}. */
final class CatalogOptions {
  @Spec(Spec.Target.MIXEE)
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--catalog",
      defaultValue = DemoCatalog.NAME,
      paramLabel = "NAME",
      description = "Platform catalog. Default: ${DEFAULT-VALUE} (offline, simulated platforms).")
  String catalog = DemoCatalog.NAME;

  @Option(
      names = "--demo-time-scale",
      defaultValue = "1.0",
      paramLabel = "FACTOR",
      description =
          "Multiplies the demo catalog's latencies and timeouts (0.01 turns 1 s into 10 ms)."
              + " Default: ${DEFAULT-VALUE}.")
  double demoTimeScale = 1.0;

  /** Builds the chosen catalog on {@code scheduler}. */
  Catalog load(ScheduledExecutorService scheduler) {
    if (!catalog.equals(DemoCatalog.NAME)) {
      throw new ParameterException(
          spec.commandLine(),
          "unknown catalog '" + catalog + "': this version offers only '" + DemoCatalog.NAME + "'");
    }
    if (!(demoTimeScale > 0) || Double.isInfinite(demoTimeScale)) {
      throw new ParameterException(
          spec.commandLine(), "--demo-time-scale must be a positive number");
    }
    return DemoCatalog.create(scheduler, demoTimeScale);
  }
}
