package dev.socialcheck.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.ProbeFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading catalogs: the bundled one, and precise errors for bad files. Nothing is sent. */
class CatalogLoaderTest {
  private final ProbeFixture fixture = new ProbeFixture();

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private static final String VALID_PLATFORM =
      """
        - id: fake
          name: Fake
          prior: 0.5
          kind: api
          request: {url: "https://example.com/u/{email_sha256}"}
          rules: [{status: 200, result: FOUND}]
      """;

  @Test
  void builtin_loadsTheBundledPlatforms_withTheirSelfChecks() {
    try (Catalog builtin = CatalogLoader.load(CatalogLoader.BUILTIN, fixture.settings())) {
      assertThat(builtin.platforms())
          .extracting(Platform::id)
          .containsExactly("gravatar", "firefox", "github");
      Platform github = builtin.find("github").orElseThrow();
      assertThat(github.timeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(github.selfCheck()).isPresent();
      assertThat(builtin.find("gravatar").orElseThrow().selfCheck()).isPresent();
    }
  }

  @Test
  void defaults_applyWhereAPlatformSetsNothing() {
    Catalog catalog =
        fixture.catalog(
            """
            defaults: {timeout: 750ms}
            platforms:
            """
                + VALID_PLATFORM);

    assertThat(catalog.platforms().get(0).timeout()).isEqualTo(Duration.ofMillis(750));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "`platforms: []` | test.yaml: platforms: must be a non-empty list of platforms",
        "`platform: []` | test.yaml: platform: unknown field (allowed: defaults, platforms)",
        "`platforms: [{name: X, prior: 0.5}]` | test.yaml: platform #1: id: is required",
        "`platforms: [{id: Bad Id}]` | test.yaml: platform 'Bad Id' (#1): id: must be lower case",
        "`platforms: [{id: x, name: X, prior: 2}]` | test.yaml: platform 'x' (#1): prior: must be between 0 and 1",
        "`platforms: [{id: x, name: X, prior: 0.5, colour: red}]` | test.yaml: platform 'x' (#1): colour: unknown field",
        "`platforms: [{id: x, name: X, prior: 0.5, timeout: soon}]` | test.yaml: platform 'x' (#1): timeout: 'soon' is not a duration",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.url: {email} is not URL-safe",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_sha1}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.url: unknown placeholder {email_sha1}",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'ftp://h/{email_md5}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.url: must start with https://",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {method: DELETE, url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.method: must be one of",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: []}]` | test.yaml: platform 'x' (#1): rules: must be a non-empty list of rules",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: MAYBE}]}]` | test.yaml: platform 'x' (#1): rules[0].result: unknown status 'MAYBE'",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: TIMEOUT}]}]` | test.yaml: platform 'x' (#1): rules[0].result: TIMEOUT is set by the engine",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}, {status: 6xx, result: ERROR}]}]` | test.yaml: platform 'x' (#1): rules[1].status: must be an HTTP status (404) or a class (4xx)",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: [{json: {pointer: total_count, equals: 0}, result: FOUND}]}]` | test.yaml: platform 'x' (#1): rules[0].json.pointer: must be a JSON pointer starting with '/'",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: [{json: {pointer: /a}, result: FOUND}]}]` | test.yaml: platform 'x' (#1): rules[0].json: needs equals, not_equals or exists",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: [{result: FOUND}]}]` | test.yaml: platform 'x' (#1): rules[0]: needs at least one condition",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}], self_check: {exists: nope, missing: a@b.co}}]` | test.yaml: platform 'x' (#1): self_check.exists: email has no '@'",
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}], rate_limit: {requests: 0, per: 1s}}]` | test.yaml: platform 'x' (#1): rate_limit.requests: must be a whole number between 1 and 1000000",
        "`{platforms: [` | test.yaml: not valid YAML",
      })
  void invalidCatalog_isRejected_withFilePlatformAndField(String yaml, String message) {
    assertThatThrownBy(() -> fixture.catalog(yaml))
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void duplicateIds_areRejected() {
    assertThatThrownBy(() -> fixture.catalog("platforms:\n" + VALID_PLATFORM + VALID_PLATFORM))
        .hasMessage("test.yaml: platform 'fake' (#2): id: duplicate id");
  }

  @Test
  void missingFile_saysWhichFile() {
    assertThatThrownBy(() -> CatalogLoader.load("/no/such/catalog.yaml", fixture.settings()))
        .isInstanceOf(CatalogException.class)
        .hasMessage("/no/such/catalog.yaml: cannot read the catalog file (NoSuchFileException)");
  }
}
