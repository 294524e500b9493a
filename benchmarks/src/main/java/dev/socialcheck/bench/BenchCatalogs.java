package dev.socialcheck.bench;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ListeningScheduledExecutorService;
import com.google.common.util.concurrent.MoreExecutors;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogDefinition;
import dev.socialcheck.server.catalog.DemoCatalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The catalogs the benchmarks serve. Every simulated latency is a timer: no thread per check. */
final class BenchCatalogs {
  /** Ids and priors of the demo catalog, reused so responses have the demo's shape and size. */
  static final List<String> DEMO_IDS = List.of("facebook", "twitter", "github");

  private static final List<Double> DEMO_PRIORS = List.of(0.60, 0.073, 0.009);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private BenchCatalogs() {}

  /**
   * Creates a catalog by name.
   *
   * <ul>
   *   <li>{@code instant}: the demo's 3 platforms answering NOT_FOUND at once (every check runs to
   *       its end; the engine's worst case for instant platforms).
   *   <li>{@code instant-demo}: the demo's 3 platforms with the demo's answers, at once.
   *   <li>{@code slow}: the demo's 3 platforms answering NOT_FOUND after {@code latency}.
   *   <li>{@code demo}: {@link DemoCatalog} at {@code timeScale}.
   *   <li>{@code mix}: {@link MixModel} with {@code seed}.
   *   <li>{@code mix-repeat}: the same mix for streams that repeat addresses (target 5): the answer
   *       belongs to the address, the latency to the call (the {@code k}-th call to a platform for
   *       an address has {@link MixModel#callLatencyNanos}; the first is the {@code mix} one).
   * </ul>
   */
  static Catalog create(
      String name,
      ScheduledExecutorService scheduler,
      Duration latency,
      double timeScale,
      long seed) {
    return switch (name) {
      case "instant" -> instant(false);
      case "instant-demo" -> instant(true);
      case "slow" -> slow(scheduler, latency);
      case "demo" -> DemoCatalog.create(scheduler, timeScale);
      case "mix" -> mix(scheduler, new MixModel(seed));
      case "mix-repeat" -> mixRepeat(scheduler, new MixModel(seed));
      default -> throw new IllegalArgumentException("unknown catalog: " + name);
    };
  }

  /**
   * The catalog {@code name} (see {@link #create}) as {@link ServerSettings} take one built by
   * code: its checkers as they are, on the assembly's scheduler.
   */
  static ServerSettings.CatalogFactory factory(
      String name, Duration latency, double timeScale, long seed) {
    return context ->
        CatalogDefinition.unprotected(create(name, context.scheduler(), latency, timeScale, seed));
  }

  private static Catalog instant(boolean demoAnswers) {
    List<Platform> platforms = new ArrayList<>();
    for (int i = 0; i < DEMO_IDS.size(); i++) {
      boolean found = demoAnswers && i != 1; // The demo: facebook and github found, twitter not.
      ListenableFuture<CheckOutcome> answer =
          Futures.immediateFuture(
              found ? CheckOutcome.found("instant: account exists") : notFound("instant"));
      platforms.add(platform(i, (email, context) -> answer));
    }
    return new Catalog(demoAnswers ? "instant-demo" : "instant", platforms);
  }

  private static Catalog slow(ScheduledExecutorService scheduler, Duration latency) {
    ListeningScheduledExecutorService timers = MoreExecutors.listeningDecorator(scheduler);
    CheckOutcome answer = notFound("slow");
    List<Platform> platforms = new ArrayList<>();
    for (int i = 0; i < DEMO_IDS.size(); i++) {
      platforms.add(
          platform(
              i,
              (email, context) ->
                  timers.schedule(() -> answer, latency.toNanos(), TimeUnit.NANOSECONDS)));
    }
    return new Catalog("slow", platforms);
  }

  private static Catalog mix(ScheduledExecutorService scheduler, MixModel model) {
    ListeningScheduledExecutorService timers = MoreExecutors.listeningDecorator(scheduler);
    CheckOutcome found = CheckOutcome.found("mix: account exists");
    CheckOutcome notFound = notFound("mix");
    List<Platform> platforms = new ArrayList<>();
    for (MixModel.PlatformSpec spec : MixModel.PLATFORMS) {
      PlatformChecker checker =
          (email, context) -> {
            MixModel.Draw draw = model.draw(email.value(), spec);
            CheckOutcome outcome = draw.found() ? found : notFound;
            return timers.schedule(() -> outcome, draw.latencyNanos(), TimeUnit.NANOSECONDS);
          };
      platforms.add(new Platform(spec.id(), spec.id(), spec.prior(), MixModel.TIMEOUT, checker));
    }
    return new Catalog("mix", platforms);
  }

  private static Catalog mixRepeat(ScheduledExecutorService scheduler, MixModel model) {
    ListeningScheduledExecutorService timers = MoreExecutors.listeningDecorator(scheduler);
    CheckOutcome found = CheckOutcome.found("mix: account exists");
    CheckOutcome notFound = notFound("mix");
    List<Platform> platforms = new ArrayList<>();
    for (MixModel.PlatformSpec spec : MixModel.PLATFORMS) {
      // Calls so far per address (the simulated platform's own memory; never printed).
      Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
      PlatformChecker checker =
          (email, context) -> {
            String address = email.value();
            int call = calls.computeIfAbsent(address, a -> new AtomicInteger()).getAndIncrement();
            CheckOutcome outcome = model.draw(address, spec).found() ? found : notFound;
            return timers.schedule(
                () -> outcome, model.callLatencyNanos(address, spec, call), TimeUnit.NANOSECONDS);
          };
      platforms.add(new Platform(spec.id(), spec.id(), spec.prior(), MixModel.TIMEOUT, checker));
    }
    return new Catalog("mix-repeat", platforms);
  }

  private static Platform platform(int index, PlatformChecker checker) {
    String id = DEMO_IDS.get(index);
    return new Platform(id, id, DEMO_PRIORS.get(index), TIMEOUT, checker);
  }

  private static CheckOutcome notFound(String kind) {
    return CheckOutcome.notFound(kind + ": no account");
  }
}
