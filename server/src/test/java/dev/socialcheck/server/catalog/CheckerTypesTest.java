package dev.socialcheck.server.catalog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.checkers.BlockingCheckPool;
import dev.socialcheck.server.checkers.SimulatedCheckerProvider;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.spi.CheckerContext;
import dev.socialcheck.server.spi.CheckerEntry;
import dev.socialcheck.server.spi.CheckerProvider;
import dev.socialcheck.server.spi.CheckerRegistry;
import dev.socialcheck.server.spi.SettingsField;
import dev.socialcheck.server.testing.FakeScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Catalog entries of other checker types than the HTTP probe ({@code type:} with a {@code
 * settings:} mapping): the built-in {@code simulated} type, a provider of the test's own, and the
 * errors, in the catalog's file: platform: field form.
 */
class CheckerTypesTest {
  @TempDir Path dir;

  private final FakeScheduler clock = new FakeScheduler();
  private final BlockingCheckPool blocking = new BlockingCheckPool(1, 4, clock);

  @AfterEach
  void tearDown() {
    blocking.close();
  }

  private CheckerContext context() {
    return CheckerContext.builder()
        .scheduler(clock)
        .ticker(clock.ticker())
        .blocking(blocking::checker)
        .build();
  }

  private CatalogReader reader(CheckerRegistry registry) {
    return new CatalogReader(registry, context(), PlatformKind.DEFAULT_ALLOWED);
  }

  private CatalogDefinition parse(String yaml) {
    return reader(CheckerRegistry.defaultRegistry()).parse("test.yaml", yaml);
  }

  private CheckOutcome check(PlatformChecker checker, String email, Duration latency)
      throws Exception {
    ListenableFuture<CheckOutcome> outcome =
        checker.check(EmailAddress.parse(email), new CheckContext(Duration.ofSeconds(10)));
    clock.advance(latency);
    return outcome.get(10, TimeUnit.SECONDS);
  }

  /** The demo catalog written as YAML: what docs/catalog.md shows. */
  static final String DEMO_AS_YAML =
      """
      platforms:
        - id: facebook
          name: Facebook
          prior: 0.60
          timeout: 10s
          type: simulated
          settings: {latency: 5s, answer: FOUND, when_tagged: {nobody: NOT_FOUND, flaky: NOT_FOUND}}
          self_check: {exists: user@email.com, missing: user+nobody@email.com}
        - id: twitter
          name: Twitter
          prior: 0.073
          timeout: 10s
          type: simulated
          settings: {latency: 3s, answer: NOT_FOUND, when_tagged: {flaky: ERROR, nobody: NOT_FOUND}}
        - id: github
          name: GitHub
          prior: 0.009
          timeout: 10s
          type: simulated
          settings:
            latency: 1s
            answer: FOUND
            when_tagged: {slow: none, nobody: NOT_FOUND, flaky: NOT_FOUND}
          self_check: {exists: user@email.com, missing: user+nobody@email.com}
      """;

  @Test
  void simulatedEntry_answersItsAnswer_afterItsLatency() throws Exception {
    PlatformDefinition github =
        parse(DEMO_AS_YAML).platforms().stream()
            .filter(p -> p.id().equals("github"))
            .findFirst()
            .orElseThrow();
    ListenableFuture<CheckOutcome> outcome =
        github
            .checker()
            .check(EmailAddress.parse("user@email.com"), new CheckContext(Duration.ofSeconds(10)));

    clock.advance(Duration.ofMillis(999));
    assertThat(outcome.isDone()).as("not before its latency").isFalse();
    clock.advance(Duration.ofMillis(1));

    assertThat(outcome.get(10, TimeUnit.SECONDS).status()).isEqualTo(CheckStatus.FOUND);
    assertThat(github.type()).isEqualTo(SimulatedCheckerProvider.TYPE);
    assertThat(github.description().kind())
        .as("an entry without a kind is described by its type")
        .isEqualTo("simulated");
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "user@email.com, facebook, FOUND",
    "user@email.com, twitter, NOT_FOUND",
    "user+nobody@email.com, facebook, NOT_FOUND",
    "user+nobody@email.com, github, NOT_FOUND",
    "user+flaky@email.com, twitter, ERROR",
    "user+flaky+nobody@email.com, twitter, ERROR",
    "user+flaky@email.com, github, NOT_FOUND",
  })
  void demoWrittenAsYaml_answersAsTheDemoCatalog(String email, String id, CheckStatus expected)
      throws Exception {
    PlatformDefinition fromYaml =
        parse(DEMO_AS_YAML).platforms().stream()
            .filter(p -> p.id().equals(id))
            .findFirst()
            .orElseThrow();
    Platform demo = DemoCatalog.create(clock, 1).find(id).orElseThrow();

    CheckOutcome yamlAnswer = check(fromYaml.checker(), email, Duration.ofSeconds(5));
    CheckOutcome demoAnswer = check(demo.checker(), email, Duration.ofSeconds(5));

    assertThat(yamlAnswer.status()).isEqualTo(expected);
    assertThat(yamlAnswer).as("the same outcome as --catalog demo").isEqualTo(demoAnswer);
  }

  @Test
  void demoWrittenAsYaml_hasTheDemoCatalogsPlatforms() {
    List<PlatformDefinition> yaml = parse(DEMO_AS_YAML).platforms();
    List<PlatformDefinition> demo = DemoCatalog.definition(clock, 1).platforms();

    assertThat(yaml)
        .extracting(
            PlatformDefinition::id,
            PlatformDefinition::displayName,
            PlatformDefinition::prior,
            PlatformDefinition::timeout,
            PlatformDefinition::type,
            PlatformDefinition::selfCheck,
            p -> p.description().kind())
        .as("id, name, prior, timeout, type, self-check and kind of each platform")
        .containsExactlyElementsOf(
            demo.stream()
                .map(
                    p ->
                        org.assertj.core.groups.Tuple.tuple(
                            p.id(),
                            p.displayName(),
                            p.prior(),
                            p.timeout(),
                            p.type(),
                            p.selfCheck(),
                            p.description().kind()))
                .toList());
  }

  @Test
  void simulatedEntry_thatNeverAnswers_isLeftToTheTimeout() throws Exception {
    PlatformDefinition github = parse(DEMO_AS_YAML).platforms().get(2);
    ListenableFuture<CheckOutcome> outcome =
        github
            .checker()
            .check(
                EmailAddress.parse("user+slow@email.com"),
                new CheckContext(Duration.ofSeconds(10)));

    clock.advance(Duration.ofMinutes(1));

    assertThat(outcome.isDone()).as("no answer, ever: the engine's timeout ends it").isFalse();
    outcome.cancel(true);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "`{id: x, name: X, prior: 0.5, type: nope}` | test.yaml: platform 'x' (#1): type: unknown checker type 'nope' (known: http, simulated); a type from a jar needs that jar on the class path",
        "`{id: x, name: X, prior: 0.5, type: simulated, settings: {latency: soon, answer: FOUND}}` | test.yaml: platform 'x' (#1): settings.latency: 'soon' is not a duration",
        "`{id: x, name: X, prior: 0.5, type: simulated, settings: {latency: 1s, answer: MAYBE}}` | test.yaml: platform 'x' (#1): settings.answer: unknown status 'MAYBE'",
        "`{id: x, name: X, prior: 0.5, type: simulated, settings: {latency: 1s, answer: TIMEOUT}}` | test.yaml: platform 'x' (#1): settings.answer: TIMEOUT is set by the engine",
        "`{id: x, name: X, prior: 0.5, type: simulated, settings: {latency: 1s}}` | test.yaml: platform 'x' (#1): settings.answer: is required",
        "`{id: x, name: X, prior: 0.5, type: simulated, settings: {latency: 1s, answer: FOUND, colour: red}}` | test.yaml: platform 'x' (#1): settings.colour: unknown field (allowed: answer, latency, when_tagged)",
        "`{id: x, name: X, prior: 0.5, type: simulated, settings: [1s]}` | test.yaml: platform 'x' (#1): settings: must be a mapping",
        "`{id: x, name: X, prior: 0.5, type: simulated, settings: {latency: 1s, answer: FOUND}, request: {url: 'https://h/'}}` | test.yaml: platform 'x' (#1): request: unknown field",
        "`{id: x, name: X, prior: 0.5, kind: api, settings: {latency: 1s}, request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}]}` | test.yaml: platform 'x' (#1): settings: unknown field",
        "`{id: x, name: X, prior: 0.5, type: simulated, kind: signup-check, settings: {latency: 1s, answer: FOUND}}` | test.yaml: platform 'x' (#1): kind: signup-check is not allowed here (allowed: api, lookup)",
      })
  void invalidEntry_isRejected_withFilePlatformAndField(String entry, String message) {
    assertThatThrownBy(() -> parse("platforms: [" + entry + "]"))
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void defaultsOfAType_areAllowed_andOthersAreNot() {
    assertThat(parse("defaults: {user_agent: probe/1, timeout: 2s}\n" + "platforms:\n" + entry()))
        .as("http's user_agent and the shared timeout are defaults")
        .isNotNull();
    assertThatThrownBy(() -> parse("defaults: {latency: 1s}\nplatforms:\n" + entry()))
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith("test.yaml: defaults.latency: unknown field");
  }

  private static String entry() {
    return "  - {id: x, name: X, prior: 0.5, type: simulated, settings: {latency: 1s, answer: FOUND}}\n";
  }

  /**
   * A provider of the test's own: answers FOUND for the addresses of a file named in its settings
   * (relative to the catalog file), through the blocking pool.
   */
  private static final class AllowListProvider implements CheckerProvider {
    @Override
    public String type() {
      return "allow-list";
    }

    @Override
    public Set<String> defaultFields() {
      return Set.of("file");
    }

    @Override
    public PlatformChecker newChecker(CheckerEntry entry, CheckerContext context) {
      SettingsField settings = entry.settings().allowOnly(Set.of("file"));
      SettingsField fileField =
          settings
              .optional("file")
              .or(() -> entry.defaults().flatMap(d -> d.optional("file")))
              .orElseThrow(() -> settings.fail("needs file (here or in defaults)"));
      Path file = fileField.file();
      if (!Files.isReadable(file)) {
        throw fileField.fail("no such file: " + file.getFileName());
      }
      return context.blocking(
          (email, check) ->
              Files.readAllLines(file, UTF_8).contains(email.value())
                  ? CheckOutcome.found("listed")
                  : CheckOutcome.notFound("not listed"));
    }
  }

  @Test
  void providerOfItsOwn_readsAFileBesideTheCatalog_andRunsOnTheBlockingPool() throws Exception {
    Files.writeString(dir.resolve("members.txt"), "ann@example.com\n", UTF_8);
    Path catalog = dir.resolve("club.yaml");
    Files.writeString(
        catalog,
        """
        platforms:
          - {id: club, name: Club, prior: 0.1, type: allow-list, settings: {file: members.txt}}
        """,
        UTF_8);
    CatalogReader reader =
        reader(CheckerRegistry.of(List.of(new AllowListProvider(), new HttpCheckerProvider())));

    PlatformChecker club = reader.read(catalog.toString()).platforms().get(0).checker();

    assertThat(
            club.check(
                    EmailAddress.parse("ann@example.com"), new CheckContext(Duration.ofSeconds(5)))
                .get(10, TimeUnit.SECONDS)
                .status())
        .isEqualTo(CheckStatus.FOUND);
    assertThat(
            club.check(
                    EmailAddress.parse("bob@example.com"), new CheckContext(Duration.ofSeconds(5)))
                .get(10, TimeUnit.SECONDS)
                .status())
        .isEqualTo(CheckStatus.NOT_FOUND);
  }

  @Test
  void providerOfItsOwn_reportsItsErrors_inTheCatalogsForm() throws Exception {
    Path catalog = dir.resolve("club.yaml");
    Files.writeString(
        catalog,
        "platforms: [{id: club, name: Club, prior: 0.1, type: allow-list, settings: {file: none.txt}}]",
        UTF_8);
    CatalogReader reader = reader(CheckerRegistry.of(List.of(new AllowListProvider())));

    assertThatThrownBy(() -> reader.read(catalog.toString()))
        .isInstanceOf(CatalogException.class)
        .hasMessage("club.yaml: platform 'club' (#1): settings.file: no such file: none.txt");
  }
}
