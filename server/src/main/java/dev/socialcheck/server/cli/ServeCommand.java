package dev.socialcheck.server.cli;

import com.google.common.base.Ticker;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.grpc.SocialCheckServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code socialcheck serve}: runs the gRPC server until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Serves the socialcheck gRPC API (with reflection and health) until stopped.",
      "On SIGTERM or Ctrl-C: health turns NOT_SERVING, new calls are refused, calls in flight"
          + " get the shutdown grace period, then are cancelled."
    })
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE}.")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      defaultValue = "50051",
      description = "Port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port = 50051;

  @Option(
      names = "--port-file",
      paramLabel = "FILE",
      description =
          "Once listening, write the bound port to FILE (for scripts and tests using --port 0).")
  @Nullable Path portFile;

  @Mixin CatalogOptions catalogOptions = new CatalogOptions();

  @Option(
      names = "--hedge-delay",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Hedge delay for HEDGED requests that set none. Default: ${DEFAULT-VALUE}.")
  Duration hedgeDelay = Duration.ofSeconds(1);

  @Option(
      names = "--shutdown-grace",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long calls in flight may finish on shutdown. Default: ${DEFAULT-VALUE}.")
  Duration shutdownGrace = Duration.ofSeconds(10);

  @Override
  public Integer call() throws InterruptedException {
    ScheduledExecutorService scheduler = CheckEngine.newScheduler();
    SocialCheckServer server;
    Catalog catalog = null;
    try {
      catalog = catalogOptions.load(scheduler);
      CheckEngine engine = new CheckEngine(scheduler, Ticker.systemTicker());
      server =
          SocialCheckServer.builder(engine, catalog)
              .host(host)
              .port(port)
              .defaultHedgeDelay(hedgeDelay)
              .shutdownGrace(shutdownGrace)
              .start();
      log.info(
          "socialcheck serving catalog '{}' ({}) on {}:{}; {}",
          catalog.name(),
          catalog.platforms().stream().map(Platform::id).collect(Collectors.joining(", ")),
          host,
          server.port(),
          catalogOptions.describeCache());
    } catch (IOException e) {
      catalog.close();
      scheduler.shutdownNow();
      spec.commandLine()
          .getErr()
          .printf("socialcheck: cannot listen on %s:%d: %s%n", host, port, rootMessage(e));
      return 1;
    } catch (RuntimeException e) {
      if (catalog != null) {
        catalog.close();
      }
      scheduler.shutdownNow();
      throw e;
    }
    Catalog loaded = catalog;
    if (portFile != null) {
      try {
        writePortFile(portFile, server.port());
      } catch (IOException e) {
        server.shutdown();
        loaded.close();
        scheduler.shutdownNow();
        spec.commandLine()
            .getErr()
            .printf("socialcheck: cannot write the port file %s: %s%n", portFile, rootMessage(e));
        return 1;
      }
    }
    SocialCheckServer running = server;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down (grace {})", DurationText.format(shutdownGrace));
                  running.shutdown();
                  loaded.close();
                  scheduler.shutdownNow();
                  log.info("stopped");
                },
                "socialcheck-shutdown"));
    server.awaitTermination();
    return 0;
  }

  /** Writes the port atomically, so a reader never sees a half-written file. */
  private static void writePortFile(Path file, int port) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path tmp = Files.createTempFile(absolute.getParent(), ".port", ".tmp");
    Files.writeString(tmp, port + System.lineSeparator());
    Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }
}
