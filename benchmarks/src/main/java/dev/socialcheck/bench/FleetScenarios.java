package dev.socialcheck.bench;

import com.google.common.base.Splitter;
import com.google.common.util.concurrent.ListeningScheduledExecutorService;
import com.google.common.util.concurrent.MoreExecutors;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server-side halves of target 6's scenarios, built from {@link BenchServer}'s options: the
 * fleet simulated with timers (scenario c) and the raw prober (scenario b).
 */
final class FleetScenarios {
  /** Timeout of every simulated check, as the fleet's catalog has it. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private FleetScenarios() {}

  /** Whether the options ask for the simulated fleet ({@code --catalog fleet-sim}). */
  static boolean isSimulated(Map<String, String> options) {
    return "fleet-sim".equals(options.get("catalog"));
  }

  /**
   * The fleet's five platforms as timers: the same answers ({@link FleetModel#found}) and latency
   * distributions ({@code --fleet-latency MEDIAN/P99}); the two-step platform waits two draws.
   */
  static Catalog simulatedCatalog(Map<String, String> options, ScheduledExecutorService scheduler) {
    FleetModel model =
        new FleetModel(
            FleetModel.Latency.parse(
                options.getOrDefault(
                    "fleet-latency",
                    FleetModel.DEFAULT_LATENCY.medianMillis()
                        + "/"
                        + FleetModel.DEFAULT_LATENCY.p99Millis())));
    ListeningScheduledExecutorService timers = MoreExecutors.listeningDecorator(scheduler);
    List<Platform> platforms = new ArrayList<>();
    for (FleetModel.Platform platform : FleetModel.PLATFORMS) {
      FleetModel.Latency latency = model.latency(platform);
      CheckOutcome found = CheckOutcome.found("simulated fleet: exists");
      CheckOutcome notFound = CheckOutcome.notFound("simulated fleet: no account");
      PlatformChecker checker =
          (email, context) -> {
            CheckOutcome outcome =
                FleetModel.found(platform.id(), email.value()) ? found : notFound;
            long nanos = latency.drawNanos() + (platform.twoStep() ? latency.drawNanos() : 0);
            return timers.schedule(() -> outcome, nanos, TimeUnit.NANOSECONDS);
          };
      platforms.add(new Platform(platform.id(), platform.id(), platform.prior(), TIMEOUT, checker));
    }
    return new Catalog("fleet-sim", platforms);
  }

  /** The raw prober over {@code client}, to the platforms of {@code --fleet-urls id=URL,...}. */
  static RawProber rawProber(
      Map<String, String> options, FleetClient client, ScheduledExecutorService timers) {
    Map<String, URI> urls = parseUrls(options.getOrDefault("fleet-urls", ""));
    List<RawProber.Target> targets = new ArrayList<>();
    for (FleetModel.Platform platform : FleetModel.PLATFORMS) {
      URI base = urls.get(platform.id());
      if (base == null) {
        throw new IllegalArgumentException("--fleet-urls has no URL for " + platform.id());
      }
      targets.add(new RawProber.Target(platform.id(), base, platform.twoStep()));
    }
    return new RawProber(client.transport(), targets, timers);
  }

  /** {@code id=URL,...} as written by {@link #formatUrls}. */
  static Map<String, URI> parseUrls(String text) {
    Map<String, URI> urls = new LinkedHashMap<>();
    for (String pair : Splitter.on(',').split(text)) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        urls.put(pair.substring(0, eq), URI.create(pair.substring(eq + 1)));
      }
    }
    return urls;
  }

  static String formatUrls(Map<String, URI> urls) {
    List<String> pairs = new ArrayList<>();
    urls.forEach((id, uri) -> pairs.add(id + "=" + uri));
    return String.join(",", pairs);
  }

  /** A raw run in the background, so that the server keeps answering {@code stats} meanwhile. */
  static final class RawRun {
    private final Thread thread;
    private volatile String line = "ERROR raw run did not finish";

    private RawRun(RawProber prober, RawProber.Mode mode, int calls, long[] millis) {
      this.thread =
          new Thread(
              () -> {
                try {
                  line =
                      prober
                          .run(
                              mode,
                              calls,
                              Duration.ofMillis(millis[0]),
                              Duration.ofMillis(millis[1]),
                              Duration.ofMillis(millis[2]))
                          .line();
                } catch (InterruptedException e) {
                  line = "ERROR interrupted";
                } catch (RuntimeException e) {
                  line = "ERROR " + e;
                }
              },
              "raw-run");
      thread.setDaemon(true);
    }

    /** Starts {@code MODE CALLS WARMUP_MS MEASURE_MS HEDGE_MS}. */
    static RawRun start(RawProber prober, String arguments) {
      String[] words =
          Splitter.onPattern("\\s+")
              .omitEmptyStrings()
              .splitToList(arguments)
              .toArray(new String[0]);
      if (words.length != 5) {
        throw new IllegalArgumentException("raw-start MODE CALLS WARMUP_MS MEASURE_MS HEDGE_MS");
      }
      RawRun run =
          new RawRun(
              prober,
              RawProber.Mode.valueOf(words[0]),
              Integer.parseInt(words[1]),
              new long[] {
                Long.parseLong(words[2]), Long.parseLong(words[3]), Long.parseLong(words[4])
              });
      run.thread.start();
      return run;
    }

    /** Waits for the run and returns its {@code RAW ...} line. */
    String awaitLine() throws InterruptedException {
      thread.join();
      return line;
    }
  }
}
