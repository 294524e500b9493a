package dev.socialcheck.bench;

import static dev.socialcheck.bench.BenchRun.CONNECTIONS;
import static dev.socialcheck.bench.BenchRun.DEADLINE;
import static dev.socialcheck.bench.BenchRun.delta;
import static dev.socialcheck.bench.BenchRun.errorsOf;
import static dev.socialcheck.bench.BenchRun.millis;
import static dev.socialcheck.bench.BenchRun.statsOrEmpty;
import static dev.socialcheck.bench.BenchRun.toNanos;
import static java.util.Objects.requireNonNull;

import dev.socialcheck.bench.LoadGenerator.Window;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import picocli.CommandLine.Option;

/** Target 5: the result cache, on vs off, over repeated addresses. */
final class ResultCacheTarget implements BenchTarget {
  @Option(
      names = "--t5-population",
      paramLabel = "N",
      description = "Target 5: addresses in the Zipf population (default 10000).")
  int t5Population = 10_000;

  @Option(
      names = "--t5-exponent",
      paramLabel = "X",
      description = "Target 5: Zipf exponent (default 1.0).")
  double t5Exponent = 1.0;

  @Option(
      names = "--t5-strategy",
      paramLabel = "hedged|race",
      description = "Target 5: HEDGED at the likeliest platform's p95 (default), or RACE.")
  String t5Strategy = "hedged";

  @Option(
      names = "--t5-ttl",
      paramLabel = "D",
      description = "Target 5: result cache TTL (default 10m).")
  String t5Ttl = "10m";

  @Override
  public String name() {
    return "t5";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    if (!t5Strategy.equals("hedged") && !t5Strategy.equals("race")) {
      throw new IllegalArgumentException("--t5-strategy must be hedged or race: " + t5Strategy);
    }
    MixModel model = new MixModel(run.seed);
    long p95 = model.latencyQuantileNanos(MixModel.PLATFORMS.get(0), 0.95, 200_000);
    boolean race = t5Strategy.equals("race");
    long[] delays = MixModel.uniformDelay(race ? 0 : p95);
    ZipfAddresses zipf = new ZipfAddresses(t5Population, t5Exponent, run.seed);
    Duration ttl = DurationText.parse(t5Ttl);
    long maxEntries = 100_000;
    long warmup = run.quick ? 300 : 1000;
    long measured = run.quick ? 300 : 5000;
    double rate = 100;
    int perBin = run.quick ? 50 : 500;
    long total = warmup + measured;
    String strategyName = race ? "RACE" : "HEDGED p95 (" + millis(p95) + " ms)";

    List<String> common =
        List.of("--catalog", "mix-repeat", "--seed", String.valueOf(run.seed), "--count-calls");
    List<String> cached = new ArrayList<>(common);
    cached.addAll(List.of("--cache-ttl", t5Ttl, "--cache-max-entries", String.valueOf(maxEntries)));
    LongAdder detailsWithAddress = new LongAdder();
    // Server time (the response's `elapsed`) of the answers that made no platform call.
    Histogram fromCacheElapsed = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    java.util.function.Consumer<HasSocialAccountResponse> inspect =
        response -> {
          for (PlatformResult r : response.getResultsList()) {
            String detail = r.getDetail().toLowerCase(Locale.ROOT);
            if (detail.contains("@") || detail.contains("zipf")) {
              detailsWithAddress.increment();
            }
          }
          long started = LoadGenerator.started(response);
          if (started > 0 && started == LoadGenerator.cacheHits(response)) {
            fromCacheElapsed.recordValue(toNanos(response.getElapsed()));
          }
        };
    List<LoadGenerator.Result> results;
    Map<String, Long> statsOff;
    Map<String, Long> statsOn;
    Map<String, Long> windowOff;
    Map<String, Long> windowOn;
    // [time, off stats, on stats], sampled every bin.
    List<List<Map<String, Long>>> series =
        java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, String> learnedOff;
    Map<String, String> learnedOn;
    Map<String, String> keys;
    LoadGenerator.Lane off;
    LoadGenerator.Lane on;
    try (ServerProcess offServer = run.server("t5-cache-off", common);
        ServerProcess onServer = run.server("t5-cache-on", cached);
        LoadGenerator offLoad = new LoadGenerator(offServer.port(), CONNECTIONS);
        LoadGenerator onLoad = new LoadGenerator(onServer.port(), CONNECTIONS)) {
      off = zipfLane("cache off", zipf, race, p95, inspect).via(offLoad);
      on = zipfLane("cache on", zipf, race, p95, inspect).via(onLoad);
      // Both servers' counters every bin (perBin arrivals), from the start of the open loop.
      long tick = Math.round(perBin / rate * 1e9);
      Thread sampler =
          new Thread(
              () -> {
                long next = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                  series.add(
                      List.of(
                          Map.of("t", System.nanoTime()),
                          statsOrEmpty(offServer),
                          statsOrEmpty(onServer)));
                  next += tick;
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    try {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                }
              },
              "t5-series");
      sampler.setDaemon(true);
      sampler.start();
      // Server counters when the first measured arrival is due and once every call has ended.
      Map<String, Map<String, Long>> snapshots = new ConcurrentHashMap<>();
      Thread opening =
          new Thread(
              () -> {
                snapshots.put("off.open", statsOrEmpty(offServer));
                snapshots.put("on.open", statsOrEmpty(onServer));
              },
              "t5-window");
      results =
          offLoad.openLoop(
              List.of(off, on),
              rate,
              warmup,
              measured,
              20_000,
              DEADLINE,
              new Window() {
                @Override
                public void opened() {
                  opening.start(); // Off the sending thread: the arrivals stay on time.
                }

                @Override
                public void closed() {
                  try {
                    opening.join(10_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
      sampler.interrupt();
      sampler.join(5_000);
      statsOff = offServer.stats(false);
      statsOn = onServer.stats(false);
      series.add(List.of(Map.of("t", System.nanoTime()), statsOff, statsOn));
      windowOff = delta(snapshots.getOrDefault("off.open", Map.of()), statsOff);
      windowOn = delta(snapshots.getOrDefault("on.open", Map.of()), statsOn);
      learnedOff = ServerProcess.parsePairs(offServer.command("learning"));
      learnedOn = ServerProcess.parsePairs(onServer.command("learning"));
      keys = ServerProcess.parsePairs(onServer.command("cache-keys " + t5Population));
    }
    long logLinesWithAddress = 0;
    for (String name : List.of("t5-cache-off", "t5-cache-on")) {
      for (String line : Files.readAllLines(run.out.resolve(name + ".log"))) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.contains("zipf") || lower.contains("@")) {
          logLinesWithAddress++;
        }
      }
    }
    LoadGenerator.Result rOff = results.get(0);
    LoadGenerator.Result rOn = results.get(1);

    CacheModel.Summary modelOff =
        new CacheModel(model, zipf, rate, delays, false, ttl).run(warmup, measured, perBin);
    // The engine starts platforms with a cached answer first: a cached FOUND answers at once.
    CacheModel.Summary modelOn =
        new CacheModel(model, zipf, rate, delays, true, ttl)
            .cacheFirst()
            .run(warmup, measured, perBin);

    run.report.heading("Target 5: result cache on vs off (repeated addresses, Zipf)");
    int distinct =
        (int) java.util.stream.LongStream.range(0, total).map(zipf::rank).distinct().count();
    run.report.line(
        "Two server JVMs over the same simulated platforms (the target-4 mix, catalog `mix-repeat`:"
            + " an address's answers are fixed, each call draws its own latency), one with the"
            + " server's result cache in front of every platform (`CachingChecker` over one shared"
            + " `ResultCache`, TTL "
            + t5Ttl
            + " for FOUND and NOT_FOUND, at most "
            + maxEntries
            + " entries), one without. One open loop sends each address to both at the same moment,"
            + " "
            + Report.fmt(rate)
            + " addresses/s, strategy "
            + strategyName
            + ". Addresses: a Zipf stream (exponent "
            + t5Exponent
            + ") over a population of "
            + t5Population
            + " (seed "
            + run.seed
            + "; the most popular address is "
            + Report.pct(zipf.probability(1))
            + " of the requests); "
            + warmup
            + " warm-up arrivals (JIT and cache), then "
            + measured
            + " measured; "
            + distinct
            + " distinct addresses in all "
            + total
            + ". *Platform calls* = calls that reached a platform, counted in each server"
            + " below the cache (`CallCounter`) while the measured arrivals were sent and"
            + " answered (it also counts the later calls of the last warm-up requests, a few per"
            + " thousand). *Hit rate* = 1 − platform calls ÷ checks the engine started. *From"
            + " cache alone* = requests whose every started check was answered by the cache"
            + " (detail `cached ...` in the response). *Model* = the same stream replayed with"
            + " zero overhead (`CacheModel`).");
    run.report.line("");
    Map<String, Map<String, Long>> windows = Map.of("cache off", windowOff, "cache on", windowOn);
    Map<String, CacheModel.Summary> models = Map.of("cache off", modelOff, "cache on", modelOn);
    double callsOff = windowOff.getOrDefault("platformCalls", 0L) / (double) measured;
    double callsOn = windowOn.getOrDefault("platformCalls", 0L) / (double) measured;
    double saved = 1 - callsOn / callsOff;
    double hitRateOn =
        1
            - windowOn.getOrDefault("platformCalls", 0L)
                / (double) Math.max(1, windowOn.getOrDefault("checksStarted", 0L));
    List<List<String>> rows = new ArrayList<>();
    for (LoadGenerator.Result r : results) {
      CacheModel.Summary m = requireNonNull(models.get(r.name()));
      Map<String, Long> w = windows.get(r.name());
      double calls = requireNonNull(w).getOrDefault("platformCalls", 0L) / (double) measured;
      double hitRate =
          1
              - w.getOrDefault("platformCalls", 0L)
                  / (double) Math.max(1, w.getOrDefault("checksStarted", 0L));
      rows.add(
          List.of(
              r.name(),
              Report.fmt(r.millis(50)),
              Report.fmt(r.millis(90)),
              Report.fmt(r.millis(99)),
              Report.fmt(r.millis(99.9)),
              Report.fmt(r.maxMillis()),
              Report.fmt(calls),
              Report.pct(hitRate),
              Report.pct(calls / callsOff),
              Report.pct(r.noCallShare()),
              String.format(Locale.ROOT, "%.3f×", r.millis(50) / rOff.millis(50)),
              String.format(Locale.ROOT, "%.3f×", r.millis(99) / rOff.millis(99)),
              millis(m.p50Nanos())
                  + " / "
                  + millis(m.p99Nanos())
                  + " / "
                  + Report.fmt(m.callsPerRequest())
                  + " / "
                  + Report.pct(m.hitRate()),
              errorsOf(r)));
    }
    run.report.table(
        List.of(
            "lane",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "platform calls/request",
            "hit rate",
            "calls ÷ off",
            "from cache alone",
            "p50 ÷ off",
            "p99 ÷ off",
            "model p50 / p99 ms / calls / hit rate",
            "errors"),
        rows);
    run.report.line(
        "Calls saved by the cache: **"
            + Report.pct(saved)
            + "** ("
            + Report.fmt(callsOff)
            + " → "
            + Report.fmt(callsOn)
            + " platform calls per request; model "
            + Report.pct(1 - modelOn.callsPerRequest() / modelOff.callsPerRequest())
            + "). Answers that made no platform call ("
            + fromCacheElapsed.getTotalCount()
            + "): server time (`elapsed`) p50 "
            + Report.fmt(Histograms.millis(fromCacheElapsed, 50))
            + " ms, p99 "
            + Report.fmt(Histograms.millis(fromCacheElapsed, 99))
            + " ms; the rest of the client-side figure is gRPC, thread wake-ups in three JVMs on"
            + " this machine, and the open loop's timer.");
    run.report.line("");

    run.report.line(
        "Counting, measured window (per measured request): checks the engine started (what"
            + " `socialcheck_checks_started_total` counts) and platform calls, each from the"
            + " server's counters and from the responses (checks started = results not SKIPPED;"
            + " calls = those minus the results marked `cached`). *At once*: calls cancelled"
            + " within 1 ms of their start — the engine called the platform for a run that had"
            + " already answered. *Duplicate in flight*: a call made while another one for the"
            + " same platform and address was still running (concurrent misses are not"
            + " coalesced). *Repeat*: a call for a platform and address called before, none in"
            + " flight (the earlier call was cancelled or timed out, so nothing was stored, or it"
            + " expired). Both counts: measured window / whole run. *Learned*: what the engine's"
            + " per-platform statistics (used by ADAPTIVE and ListPlatforms) hold for facebook at"
            + " the end.");
    run.report.line("");
    List<List<String>> serverRows = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      LoadGenerator.Result r = results.get(i);
      Map<String, Long> w = i == 0 ? windowOff : windowOn;
      Map<String, Long> st = i == 0 ? statsOff : statsOn;
      Map<String, String> learned = i == 0 ? learnedOff : learnedOn;
      serverRows.add(
          List.of(
              r.name(),
              Report.fmt(w.getOrDefault("checksStarted", 0L) / (double) measured)
                  + " / "
                  + Report.fmt(r.callsPerRequest()),
              Report.fmt(w.getOrDefault("platformCalls", 0L) / (double) measured)
                  + " / "
                  + Report.fmt(r.platformCallsPerRequest()),
              Report.fmt(w.getOrDefault("platformCallsCancelled", 0L) / (double) measured),
              Report.fmt(w.getOrDefault("platformCallsCancelledAtOnce", 0L) / (double) measured),
              w.getOrDefault("duplicateCallsInFlight", 0L)
                  + " / "
                  + st.getOrDefault("duplicateCallsInFlight", -1L),
              w.getOrDefault("repeatCalls", 0L) + " / " + st.getOrDefault("repeatCalls", -1L),
              String.valueOf(st.getOrDefault("cacheSize", 0L)),
              learned.getOrDefault("facebook.samples", "?")
                  + " / "
                  + Report.fmt(Long.parseLong(learned.getOrDefault("facebook.p50us", "-1")) / 1e3)
                  + " / "
                  + Report.fmt(
                      Long.parseLong(learned.getOrDefault("facebook.p95us", "-1")) / 1e3)));
    }
    run.report.table(
        List.of(
            "server",
            "checks started: server / responses",
            "platform calls: server / responses",
            "calls cancelled",
            "of which at once",
            "duplicate in flight",
            "repeat",
            "cache entries",
            "learned facebook samples / p50 ms / p95 ms"),
        serverRows);
    List<List<String>> platformRows = new ArrayList<>();
    for (int p = 0; p < MixModel.PLATFORMS.size(); p++) {
      String id = MixModel.PLATFORMS.get(p).id();
      platformRows.add(
          List.of(
              id,
              Report.fmt(windowOff.getOrDefault("calls." + id, 0L) / (double) measured),
              Report.fmt(windowOn.getOrDefault("calls." + id, 0L) / (double) measured),
              Report.fmt(modelOn.callsPerPlatform()[p]),
              Report.fmt(windowOn.getOrDefault("atOnce." + id, 0L) / (double) measured)));
    }
    run.report.line("Platform calls per measured request, by platform:");
    run.report.line("");
    run.report.table(
        List.of(
            "platform", "cache off", "cache on", "cache on, model", "cache on: of which at once"),
        platformRows);
    run.report.line(
        "Privacy: "
            + keys.getOrDefault("entries", "?")
            + " cache entries read from the cache itself (reflection on `ResultCache.cache`): "
            + keys.getOrDefault("wellFormed", "?")
            + " keys of the form `platform:<64 hex>`, "
            + keys.getOrDefault("withAddressPart", "?")
            + " keys or values containing `@`, the domain or a local part; "
            + keys.getOrDefault("hashOfPopulationAddress", "?")
            + " keys are the SHA-256 of an address of the population (recomputed from the "
            + t5Population
            + " candidates: a hash hides a guessable address only from who cannot list the"
            + " candidates). Response details containing `@` or the domain: "
            + detailsWithAddress.sum()
            + "; server log lines containing them: "
            + logLinesWithAddress
            + ". Sample entry: `"
            + keys.getOrDefault("sampleKey", "?")
            + "` → `"
            + java.net.URLDecoder.decode(
                keys.getOrDefault("sampleValue", "?"), java.nio.charset.StandardCharsets.UTF_8)
            + "`.");
    run.report.line("");

    // Other exponents, model only.
    List<List<String>> modelRows = new ArrayList<>();
    for (double exponent : List.of(0.8, 1.0, 1.1, 1.2)) {
      ZipfAddresses other = new ZipfAddresses(t5Population, exponent, run.seed);
      CacheModel.Summary mOff =
          new CacheModel(model, other, rate, delays, false, ttl).run(warmup, measured, perBin);
      CacheModel.Summary mOn =
          new CacheModel(model, other, rate, delays, true, ttl)
              .cacheFirst()
              .run(warmup, measured, perBin);
      CacheModel.Summary mFirst =
          new CacheModel(model, other, rate, delays, true, ttl).run(warmup, measured, perBin);
      modelRows.add(
          List.of(
              Report.fmt(exponent) + (exponent == t5Exponent ? " (measured above)" : ""),
              Report.fmt(mOff.callsPerRequest()),
              Report.fmt(mOn.callsPerRequest()),
              Report.pct(1 - mOn.callsPerRequest() / mOff.callsPerRequest()),
              Report.pct(mOn.hitRate()),
              millis(mOff.p50Nanos()) + " → " + millis(mOn.p50Nanos()),
              millis(mOff.p99Nanos()) + " → " + millis(mOn.p99Nanos()),
              Report.fmt(mFirst.callsPerRequest())
                  + " / "
                  + Report.pct(1 - mFirst.callsPerRequest() / mOff.callsPerRequest())
                  + " / "
                  + millis(mFirst.p99Nanos())));
      if (exponent == t5Exponent) {
        run.report.figure("t5.model.inOrder.calls", mFirst.callsPerRequest());
        run.report.figure("t5.model.inOrder.p99ms", mFirst.p99Nanos() / 1e6);
      }
    }
    run.report.line(
        "Model only, the same run for other Zipf exponents (population, arrivals and windows as"
            + " above). The engine starts the platforms with a cached answer first, so a cached"
            + " FOUND answers before any call; *without cache first* is the engine before that"
            + " change (platforms in their planned order, a cache hit answering when its turn"
            + " comes).");
    run.report.line("");
    run.report.table(
        List.of(
            "exponent",
            "calls/request off",
            "calls/request on",
            "calls saved",
            "hit rate",
            "p50 ms off → on",
            "p99 ms off → on",
            "without cache first: calls/request / saved / p99 ms"),
        modelRows);

    run.report.figure("t5.off.calls", callsOff);
    run.report.figure("t5.on.calls", callsOn);
    run.report.figure("t5.callsSaved", saved);
    run.report.figure("t5.on.hitRate", hitRateOn);
    run.report.figure("t5.off.responses.calls", rOff.platformCallsPerRequest());
    run.report.figure("t5.on.responses.calls", rOn.platformCallsPerRequest());
    run.report.figure(
        "t5.on.callsCancelledAtOnce",
        windowOn.getOrDefault("platformCallsCancelledAtOnce", 0L) / (double) measured);
    run.report.figure("t5.on.noCallShare", rOn.noCallShare());
    run.report.figure("t5.off.p50ms", rOff.millis(50));
    run.report.figure("t5.on.p50ms", rOn.millis(50));
    run.report.figure("t5.off.p99ms", rOff.millis(99));
    run.report.figure("t5.on.p99ms", rOn.millis(99));
    run.report.figure("t5.p50.ratio", rOn.millis(50) / rOff.millis(50));
    run.report.figure("t5.p99.ratio", rOn.millis(99) / rOff.millis(99));
    run.report.figure("t5.model.off.calls", modelOff.callsPerRequest());
    run.report.figure("t5.model.on.calls", modelOn.callsPerRequest());
    run.report.figure("t5.model.on.hitRate", modelOn.hitRate());
    run.report.figure(
        "t5.on.duplicateCallsInFlight.window",
        windowOn.getOrDefault("duplicateCallsInFlight", -1L));
    run.report.figure(
        "t5.on.duplicateCallsInFlight", statsOn.getOrDefault("duplicateCallsInFlight", -1L));
    run.report.figure("t5.on.repeatCalls.window", windowOn.getOrDefault("repeatCalls", -1L));
    run.report.figure(
        "t5.on.engineChecks", windowOn.getOrDefault("checksStarted", 0L) / (double) measured);
    run.report.figure("t5.privacy.keysWithAddressPart", keys.getOrDefault("withAddressPart", "?"));
    run.report.figure("t5.privacy.detailsWithAddress", (double) detailsWithAddress.sum());
    run.report.figure("t5.privacy.logLinesWithAddress", (double) logLinesWithAddress);
    run.report.figure(
        "t5.learned.off.facebook.p50us", learnedOff.getOrDefault("facebook.p50us", "?"));
    run.report.figure(
        "t5.learned.on.facebook.p50us", learnedOn.getOrDefault("facebook.p50us", "?"));
    run.report.figure("t5.on.fromCache.serverP50ms", Histograms.millis(fromCacheElapsed, 50));
    run.report.figure("t5.errors", (double) (rOff.errorCount() + rOn.errorCount()));
    System.out.printf(
        Locale.ROOT,
        "t5 calls/request off %.2f on %.2f (saved %.0f %%), hit rate %.0f %%, p50 %.1f -> %.1f ms,"
            + " p99 %.0f -> %.0f ms%n",
        callsOff,
        callsOn,
        saved * 100,
        hitRateOn * 100,
        rOff.millis(50),
        rOn.millis(50),
        rOff.millis(99),
        rOn.millis(99));

    // Plots: calls per request and hit rate over time; latency CDF.
    List<double[]> offCalls = new ArrayList<>();
    List<double[]> onCalls = new ArrayList<>();
    List<double[]> modelCalls = new ArrayList<>();
    List<double[]> onHits = new ArrayList<>();
    List<double[]> modelHits = new ArrayList<>();
    for (int b = 0; b < modelOn.callsPerBin().length; b++) {
      double t = (b + 0.5) * perBin / rate;
      modelCalls.add(new double[] {t, modelOn.callsPerBin()[b]});
      modelHits.add(new double[] {t, 100 * modelOn.hitRatePerBin()[b]});
    }
    // Measured: counter deltas between samples; calls per run started in the interval.
    long t0 = series.isEmpty() ? 0 : requireNonNull(series.get(0).get(0).get("t"));
    for (int k = 1; k < series.size(); k++) {
      List<Map<String, Long>> a = series.get(k - 1);
      List<Map<String, Long>> b = series.get(k);
      double t =
          ((requireNonNull(a.get(0).get("t")) + requireNonNull(b.get(0).get("t"))) / 2.0 - t0)
              / 1e9;
      Map<String, Long> dOff = delta(a.get(1), b.get(1));
      Map<String, Long> dOn = delta(a.get(2), b.get(2));
      long runs = dOn.getOrDefault("runsStarted", 0L);
      if (runs < perBin / 10 || dOff.getOrDefault("runsStarted", 0L) < perBin / 10) {
        continue; // The drain at the end: too few runs for a figure.
      }
      offCalls.add(
          new double[] {
            t,
            dOff.getOrDefault("platformCalls", 0L) / (double) dOff.getOrDefault("runsStarted", 1L)
          });
      onCalls.add(new double[] {t, dOn.getOrDefault("platformCalls", 0L) / (double) runs});
      onHits.add(
          new double[] {
            t,
            100
                * (1
                    - dOn.getOrDefault("platformCalls", 0L)
                        / (double) Math.max(1, dOn.getOrDefault("checksStarted", 0L)))
          });
    }
    String binText = Report.fmt(perBin / rate) + " s bins";
    run.plot(
        () ->
            Charts.stacked(
                run.out.resolve("t5-cache-over-time.png"),
                "Target 5: cache on vs off, Zipf "
                    + t5Exponent
                    + " over "
                    + t5Population
                    + " addresses, "
                    + strategyName,
                "seconds since the first arrival (" + binText + ")",
                List.of(
                    new Charts.Panel(
                        "platform calls per request",
                        List.of(
                            new Charts.Line("cache off", offCalls, true),
                            new Charts.Line("cache on", onCalls, true),
                            new Charts.Line("model: calls, cache on", modelCalls, false))),
                    new Charts.Panel(
                        "cache hit rate (%)",
                        List.of(
                            new Charts.Line("hit rate (1 − calls ÷ checks started)", onHits, true),
                            new Charts.Line("model: hit rate", modelHits, false)))),
                warmup / rate,
                " measured from here"),
        "t5-cache-over-time.png");
    Map<String, Histogram> cdf = new LinkedHashMap<>();
    cdf.put("cache off", rOff.latency());
    cdf.put("cache on", rOn.latency());
    run.plot(
        () ->
            Charts.cdf(
                run.out.resolve("t5-cache-latency-cdf.png"),
                "Target 5: latency CDF, cache on vs off (" + strategyName + ")",
                cdf),
        "t5-cache-latency-cdf.png");
  }

  private static Map<String, Long> statsOrEmpty(ServerProcess server) {
    try {
      return server.stats(false);
    } catch (IOException | InterruptedException e) {
      return Map.of();
    }
  }

  /** {@code after − before} for every counter of {@code after}. */
  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new LinkedHashMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
    return d;
  }

  private static LoadGenerator.Lane zipfLane(
      String name,
      ZipfAddresses addresses,
      boolean race,
      long hedgeNanos,
      java.util.function.Consumer<HasSocialAccountResponse> inspector) {
    LoadGenerator.Lane template =
        race
            ? Lanes.mix(name, Strategy.STRATEGY_RACE, -1)
            : Lanes.mix(name, Strategy.STRATEGY_HEDGED, hedgeNanos);
    return new LoadGenerator.Lane(
        name,
        n -> template.requests.apply(n).toBuilder().setEmail(addresses.address(n)).build(),
        (request, response) -> inspector.accept(response));
  }
}
