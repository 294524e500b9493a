package dev.socialcheck.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.checkers.HttpProbeChecker;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import dev.socialcheck.server.fixtures.Fixture;
import dev.socialcheck.server.fixtures.FixtureFiles;
import dev.socialcheck.server.fixtures.FixtureReplay;
import dev.socialcheck.server.testing.ProbeFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixtures of every bundled platform ({@code server/src/test/fixtures}), replayed offline: each
 * platform has a FOUND and a NOT_FOUND case, every case replays as recorded, the FOUND and
 * NOT_FOUND answers cannot be confused, and no fixture holds a self-check address or says nothing
 * of where it comes from. Nothing leaves 127.0.0.1.
 */
class BundledFixturesTest {
  static final Path FIXTURES = Path.of("src/test/fixtures");
  static final List<String> BUNDLED = List.of(CatalogLoader.BUILTIN, CatalogLoader.EXTENDED);

  private static final ExecutorService HTTP = Executors.newFixedThreadPool(2);
  private static FixtureReplay fake;
  private static final ProbeFixture PROBES = new ProbeFixture();

  @BeforeAll
  static void startFake() throws IOException {
    fake = FixtureReplay.start(CatalogLoader.newHttpClient(HTTP));
  }

  @AfterAll
  static void stopFake() {
    fake.close();
    HTTP.shutdownNow();
    PROBES.close();
  }

  /** Each bundled catalog's probes, parsed once. */
  private static final Map<String, Map<String, HttpProbeChecker>> PROBES_BY_CATALOG =
      new ConcurrentHashMap<>();

  /** A fresh probe of a bundled platform, sending to the fake (no back-off carried over). */
  private static HttpProbeChecker probe(String catalog, String id) {
    return PROBES_BY_CATALOG
        .computeIfAbsent(
            catalog,
            name ->
                CatalogLoader.probes(
                    name,
                    PROBES
                        .settings()
                        .withAllowedKinds(Set.of(PlatformKind.values()))
                        .withTransport(fake.transport(), fake.randomTokens())))
        .get(id)
        .fresh();
  }

  private static List<Platform> platforms(String catalog) {
    try (Catalog loaded =
        CatalogLoader.load(
            catalog, PROBES.settings().withAllowedKinds(Set.of(PlatformKind.values())))) {
      return loaded.platforms();
    }
  }

  static Stream<Arguments> bundledPlatforms() {
    return BUNDLED.stream()
        .flatMap(catalog -> platforms(catalog).stream().map(p -> Arguments.of(catalog, p.id())));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("bundledPlatforms")
  void everyFixture_replaysAsRecorded(String catalog, String id) throws Exception {
    List<Fixture> fixtures = FixtureFiles.readPlatform(FIXTURES, id);
    assertThat(fixtures)
        .as("fixtures of %s in %s", id, FIXTURES.resolve(id))
        .extracting(Fixture::expect)
        .contains(CheckStatus.FOUND, CheckStatus.NOT_FOUND);

    for (Fixture fixture : fixtures) {
      FixtureReplay.Result result =
          fake.replay(probe(catalog, id), fixture, Duration.ofSeconds(10));
      assertThat(result.passed()).as("%s/%s: %s", id, fixture.caseName(), result.why()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("bundledPlatforms")
  void foundAndNotFoundAnswers_cannotBeConfused(String catalog, String id) throws Exception {
    List<Fixture> fixtures = FixtureFiles.readPlatform(FIXTURES, id);
    Fixture found = byStatus(fixtures, CheckStatus.FOUND);
    Fixture notFound = byStatus(fixtures, CheckStatus.NOT_FOUND);

    // The FOUND case's requests with the NOT_FOUND case's last answer, and the other way round.
    FixtureReplay.Result foundAsked =
        fake.replay(probe(catalog, id), swapLastAnswer(found, notFound), Duration.ofSeconds(10));
    FixtureReplay.Result notFoundAsked =
        fake.replay(probe(catalog, id), swapLastAnswer(notFound, found), Duration.ofSeconds(10));

    assertThat(foundAsked.outcome().status())
        .as("%s: the NOT_FOUND answer read as %s", id, foundAsked.outcome())
        .isNotEqualTo(CheckStatus.FOUND);
    assertThat(notFoundAsked.outcome().status())
        .as("%s: the FOUND answer read as %s", id, notFoundAsked.outcome())
        .isNotEqualTo(CheckStatus.NOT_FOUND);
  }

  @Test
  void noFixture_holdsASelfCheckAddress_andEverySaysWhereItComesFrom() throws IOException {
    List<String> addresses = new ArrayList<>();
    for (String catalog : BUNDLED) {
      for (Platform platform : platforms(catalog)) {
        platform
            .selfCheck()
            .map(SelfCheckAddresses::exists)
            .ifPresent(a -> addresses.addAll(List.of(a.value(), a.sha256Hex(), a.md5Hex())));
      }
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(FIXTURES)) {
      files = walk.filter(f -> f.toString().endsWith(".yaml")).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String text = Files.readString(file).toLowerCase(Locale.ROOT);
      for (String address : addresses) {
        assertThat(text).as(file.toString()).doesNotContain(address.toLowerCase(Locale.ROOT));
      }
      Fixture.Provenance provenance = FixtureFiles.read(file).provenance();
      assertThat(provenance.isRecorded() || provenance.derivedFrom() != null)
          .as("%s says whether it was recorded live or where it was derived from", file)
          .isTrue();
    }
  }

  @Test
  void everyFixtureFolder_belongsToABundledPlatform() throws IOException {
    Set<String> ids = new java.util.TreeSet<>();
    for (String catalog : BUNDLED) {
      platforms(catalog).forEach(p -> ids.add(p.id()));
    }
    List<String> folders;
    try (Stream<Path> list = Files.list(FIXTURES)) {
      folders =
          list.filter(Files::isDirectory).map(f -> f.getFileName().toString()).sorted().toList();
    }
    assertThat(folders)
        .as("fixture folders (a dropped platform leaves none behind)")
        .containsExactlyInAnyOrderElementsOf(ids);
  }

  private static Fixture byStatus(List<Fixture> fixtures, CheckStatus status) {
    return fixtures.stream().filter(f -> f.expect() == status).findFirst().orElseThrow();
  }

  private static Fixture swapLastAnswer(Fixture asked, Fixture answeredBy) {
    List<Fixture.Exchange> exchanges = new ArrayList<>(asked.exchanges());
    Fixture.Exchange last = exchanges.remove(exchanges.size() - 1);
    Fixture.Exchange other = answeredBy.exchanges().get(answeredBy.exchanges().size() - 1);
    exchanges.add(new Fixture.Exchange(last.step(), last.request(), other.response()));
    return new Fixture(
        asked.platform(),
        asked.caseName() + "-swapped",
        asked.expect(),
        asked.addressDomain(),
        asked.provenance(),
        exchanges);
  }
}
