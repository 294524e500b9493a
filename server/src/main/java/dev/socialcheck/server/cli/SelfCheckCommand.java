package dev.socialcheck.server.cli;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.canary.SelfCheckVerdict;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.catalog.UnknownPlatformException;
import dev.socialcheck.server.checkers.HttpProbeChecker;
import dev.socialcheck.server.checkers.HttpProbeEnvironment;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformResult;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import dev.socialcheck.server.fixtures.Fixture;
import dev.socialcheck.server.fixtures.FixtureFiles;
import dev.socialcheck.server.fixtures.FixtureRecorder;
import dev.socialcheck.server.fixtures.FixtureReplay;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code socialcheck selfcheck}: asks every platform about its two self-check addresses and reports
 * which ones still answer as their catalog entry declares. This is how users notice that a site
 * changed. It talks to the catalog's platforms (real ones for {@code --catalog builtin}), one
 * platform at a time, bypassing the result cache. With {@code --record DIR} it also writes what was
 * exchanged as fixtures; with {@code --replay DIR} it runs offline against those fixtures instead.
 */
@Command(
    name = "selfcheck",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Checks each platform's two self-check addresses (one that has an account, one that has"
          + " not) and reports which platforms still answer as declared.",
      "Talks to the catalog's platforms (real ones with --catalog builtin), without the cache.",
      "--record DIR also writes every exchange as a fixture, DIR/<platform>/<case>.yaml: the"
          + " address replaced by placeholders, cookies, tokens and credentials redacted.",
      "--replay DIR sends nothing: a fake on 127.0.0.1 answers with the fixtures in DIR, and each"
          + " probe must read the status they were recorded with (the build does this for the"
          + " bundled catalogs, e.g. --catalog builtin --replay server/src/test/fixtures).",
      "A running server can do the same in the background: serve --canary-interval.",
      "Exit status: 0 every platform is OK (or every fixture replays as recorded), 1 otherwise,"
          + " 2 bad usage, 130 cancelled (Ctrl-C)."
    })
final class SelfCheckCommand implements Callable<Integer> {
  private static final String ROW = "%-12s %-14s %-14s %s%n";
  private static final String REPLAY_ROW = "%-12s %-18s %-12s %-12s %-6s %s%n";

  @Spec CommandSpec spec;

  /** Where progress goes and Ctrl-C comes from; set by {@link Main}. */
  Terminal terminal = Terminal.none();

  @Option(
      names = "--platforms",
      split = ",",
      paramLabel = "ID",
      description = "Platform ids to check (comma-separated). Default: all.")
  List<String> platforms = List.of();

  @Option(
      names = "--record",
      paramLabel = "DIR",
      description =
          "Also write each platform's exchanges as fixtures into DIR/<platform>/exists.yaml and"
              + " missing.yaml (replacing earlier ones).")
  @Nullable Path record;

  @Option(
      names = "--replay",
      paramLabel = "DIR",
      description =
          "Offline: replay the fixtures in DIR/<platform>/*.yaml instead of asking the platforms;"
              + " fails when a probe reads another status than the recorded one.")
  @Nullable Path replay;

  @Mixin CatalogOptions catalogOptions = new CatalogOptions();

  @Mixin ConfigOption configOption = new ConfigOption();

  @Override
  public Integer call() throws InterruptedException {
    if (record != null && replay != null) {
      throw new ParameterException(spec.commandLine(), "--record and --replay exclude each other");
    }
    if ((record != null || replay != null) && catalogOptions.isDemo()) {
      throw new ParameterException(
          spec.commandLine(),
          "--record and --replay need a catalog of HTTP probes (builtin, extended or a file);"
              + " the demo catalog has none");
    }
    return replay != null ? replay(replay) : live();
  }

  private int live() throws InterruptedException {
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    FixtureRecorder recorder =
        record == null ? null : new FixtureRecorder(today, catalogOptions.catalogName());
    PrintWriter err = spec.commandLine().getErr();
    // Self-checks test the platforms: no result cache; the recorder sees every exchange.
    ServerSettings.Builder settings =
        catalogOptions.applyTo(ServerSettings.newBuilder()).resultCache(false);
    try (Progress progress = Progress.start(terminal, err, "selfcheck");
        ServerAssembly assembly =
            SettingFlags.assemble(spec, settings.probeRecorder(recorder).observer(progress));
        CancelOnInterrupt interrupt = new CancelOnInterrupt(terminal)) {
      Catalog catalog = assembly.catalog();
      CheckEngine engine = assembly.engine();
      List<Platform> selected = select(catalog);
      PrintWriter out = spec.commandLine().getOut();
      progress.above(() -> out.printf(Locale.ROOT, ROW, "PLATFORM", "EXISTS", "MISSING", "STATE"));
      boolean allOk = true;
      for (int i = 0; i < selected.size(); i++) {
        Platform platform = selected.get(i);
        progress.step((i + 1) + "/" + selected.size());
        if (platform.selfCheck().isEmpty()) {
          progress.above(
              () ->
                  out.printf(
                      Locale.ROOT,
                      ROW,
                      platform.id(),
                      "-",
                      "-",
                      "no self-check addresses declared"));
          continue;
        }
        SelfCheckAddresses addresses = platform.selfCheck().get();
        List<String> written = new ArrayList<>();
        PlatformResult exists;
        PlatformResult missing;
        try {
          exists =
              check(engine, interrupt, platform, addresses.exists(), "exists", recorder, written);
          missing =
              check(engine, interrupt, platform, addresses.missing(), "missing", recorder, written);
        } catch (CancellationException e) {
          progress.finish();
          err.println("cancelled");
          err.flush();
          return Terminal.EXIT_CANCELLED;
        }
        SelfCheckVerdict verdict =
            new SelfCheckVerdict(
                new CheckOutcome(exists.status(), exists.detail()),
                new CheckOutcome(missing.status(), missing.detail()));
        allOk &= verdict.state() == SelfCheckVerdict.State.OK;
        boolean recording = recorder != null;
        progress.above(
            () -> {
              out.printf(
                  Locale.ROOT,
                  ROW,
                  platform.id(),
                  exists.status(),
                  missing.status(),
                  verdict.describe());
              if (recording) {
                out.printf(
                    Locale.ROOT,
                    "%-12s fixtures: %s%n",
                    "",
                    written.isEmpty()
                        ? "none written (no request reached the platform)"
                        : String.join(", ", written));
              }
              out.flush();
            });
      }
      return allOk ? 0 : 1;
    }
  }

  private List<Platform> select(Catalog catalog) {
    try {
      return catalog.select(platforms);
    } catch (UnknownPlatformException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private PlatformResult check(
      CheckEngine engine,
      CancelOnInterrupt interrupt,
      Platform platform,
      EmailAddress email,
      String caseName,
      @Nullable FixtureRecorder recorder,
      List<String> written)
      throws InterruptedException {
    if (recorder != null) {
      recorder.begin(platform.id(), caseName, email);
    }
    PlatformResult result;
    try {
      result =
          interrupt
              .await(engine.run(CheckRequest.builder(email, List.of(platform)).build()))
              .results()
              .get(0);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the check engine failed", e.getCause());
    }
    if (recorder != null && record != null) {
      Optional<Fixture> fixture = recorder.finish(result.status());
      if (fixture.isPresent()) {
        try {
          Path file = FixtureFiles.write(record, fixture.get());
          written.add(record.relativize(file).toString());
        } catch (IOException e) {
          throw new ParameterException(
              spec.commandLine(), "cannot write fixtures into " + record + ": " + e.getMessage());
        }
      }
    }
    return result;
  }

  private int replay(Path dir) throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ExecutorService http = ServerAssembly.newHttpExecutor();
    HttpClient client = CatalogLoader.newHttpClient(http);
    ServerSettings.Builder settings =
        catalogOptions.applyTo(ServerSettings.newBuilder()).resultCache(false);
    try (FixtureReplay fake = FixtureReplay.start(client);
        ServerAssembly assembly =
            SettingFlags.create(
                spec,
                SettingFlags.build(
                    spec,
                    settings.httpProbes(
                        new HttpProbeEnvironment(fake.transport(), null, fake.randomTokens())),
                    Map.of()))) {
      Map<String, HttpProbeChecker> probes = assembly.probes();
      List<String> ids = platforms.isEmpty() ? List.copyOf(probes.keySet()) : platforms;
      for (String id : ids) {
        if (!probes.containsKey(id)) {
          throw new ParameterException(
              spec.commandLine(), "unknown platform '" + id + "'; known: " + probes.keySet());
        }
      }
      out.printf(Locale.ROOT, REPLAY_ROW, "PLATFORM", "CASE", "EXPECT", "READ", "STATE", "FIXTURE");
      boolean allPassed = true;
      for (String id : ids) {
        List<Fixture> fixtures = FixtureFiles.readPlatform(dir, id);
        if (fixtures.isEmpty()) {
          allPassed = false;
          out.printf(
              Locale.ROOT,
              REPLAY_ROW,
              id,
              "-",
              "-",
              "-",
              "FAIL",
              "no fixtures in " + dir.resolve(id));
          continue;
        }
        for (Fixture fixture : fixtures) {
          FixtureReplay.Result result =
              fake.replay(requireNonNull(probes.get(id)), fixture, Duration.ofSeconds(10));
          allPassed &= result.passed();
          out.printf(
              Locale.ROOT,
              REPLAY_ROW,
              id,
              fixture.caseName(),
              fixture.expect(),
              result.outcome().status(),
              result.passed() ? "PASS" : "FAIL",
              result.passed() ? provenance(fixture) : result.why());
        }
        out.flush();
      }
      return allPassed ? 0 : 1;
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--replay " + dir + ": " + e.getMessage());
    } finally {
      http.shutdownNow();
    }
  }

  private static String provenance(Fixture fixture) {
    Fixture.Provenance p = fixture.provenance();
    return p.isRecorded() ? "recorded " + p.recorded() : "derived from public sources";
  }
}
