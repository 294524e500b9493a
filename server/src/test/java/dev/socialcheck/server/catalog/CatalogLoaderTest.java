package dev.socialcheck.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.ProbeFixture;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
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
          .as("the builtin platforms, likeliest first")
          .extracting(Platform::id)
          .containsExactly(
              "microsoft",
              "dropbox",
              "gravatar",
              "microsoft365",
              "adobe",
              "firefox",
              "wordpress",
              "duolingo",
              "github",
              "atlassian",
              "eventbrite",
              "proton");
      Platform github = builtin.find("github").orElseThrow();
      assertThat(github.timeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(github.selfCheck()).isPresent();
      // A role address at a domain that is a tenant: the check is about the domain.
      assertThat(builtin.find("microsoft365").orElseThrow().selfCheck()).isPresent();
      // No published or role address exists for the others: by policy they have no self-check.
      assertThat(builtin.platforms())
          .filteredOn(p -> p.selfCheck().isPresent())
          .extracting(Platform::id)
          .as("platforms with self-check addresses")
          .containsExactlyInAnyOrder("github", "microsoft365");
      // Steps share the check's time, so the two-request probes get more of it.
      assertThat(builtin.find("eventbrite").orElseThrow().timeout())
          .isEqualTo(Duration.ofSeconds(8));
    }
  }

  @Test
  void httpClientBuilder_hasTheProbeSettings_whichNewHttpClientUses() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      SSLContext own = SSLContext.getInstance("TLS");
      own.init(null, null, null);
      HttpClient production = CatalogLoader.newHttpClient(executor);
      HttpClient custom = CatalogLoader.httpClientBuilder(executor).sslContext(own).build();

      for (HttpClient client : List.of(production, custom)) {
        assertThat(client.version()).as("HTTP/2 preferred").isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(client.followRedirects())
            .as("probes follow redirects themselves")
            .isEqualTo(HttpClient.Redirect.NEVER);
        assertThat(client.connectTimeout()).as("connect timeout").contains(Duration.ofSeconds(5));
        assertThat(client.executor()).as("the executor given").contains(executor);
      }
      assertThat(production.sslContext())
          .as("production trusts what the JVM trusts")
          .isSameAs(SSLContext.getDefault());
      assertThat(custom.sslContext()).as("a custom client's own TLS context").isSameAs(own);
    } finally {
      executor.shutdownNow();
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
        "`platform: []` | test.yaml: platform: unknown field (allowed: defaults, include, platforms)",
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
        "`{defaults: {user_agent: &ua Mozilla}, platforms: [{id: x, name: X, prior: 0.5, kind: api, user_agent: *ua, request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}]}]}` | test.yaml: not valid YAML at line 1: YAML aliases (*ua) are not supported",
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
        .hasMessage("/no/such/catalog.yaml: cannot read the catalog file: no such file");
  }

  /** The example of the probe language's specification, as written there. */
  static final String LANGUAGE_EXAMPLE =
      """
      defaults:
        blocked_when:                    # shared challenge fingerprints, checked before a platform's rules
          - {header: {name: cf-mitigated, equals: challenge}, detail: "cloudflare challenge"}
          - {status: 202, header: {name: x-amzn-waf-action, exists: true}, detail: "aws waf"}
          - {body_matches: '(?i)<title>\\s*just a moment', detail: "cloudflare challenge"}
      platforms:
        - id: example
          name: Example
          prior: 0.01
          kind: signup-check             # api | lookup | signup-check (see policy below)
          user_agent: "Mozilla/5.0 ..."  # optional, per platform
          steps:                         # run in order before `request`; same cookie jar for the whole check
            - name: join
              request: {method: GET, url: "https://example.com/join"}
              extract:
                csrf: {regex: 'name="csrf" value="([^"]+)"'}   # first group of the first match in the body
                session: {cookie: sessionid}                   # value of a Set-Cookie
                api_token: {header: X-Api-Token}               # response header
                user_id: {json: /data/id}                      # JSON pointer
          request:
            method: POST
            url: "https://example.com/signup/check"
            headers: {X-CSRF-Token: "{csrf}", Referer: "https://example.com/join"}
            form: {email: "{email}", csrf: "{csrf}"}           # application/x-www-form-urlencoded
          rules:
            - {status: 200, body_equals: "taken", result: FOUND}
            - {status: 200, body_equals: "available", result: NOT_FOUND}
            - {status: 429, result: RATE_LIMITED}
            - {header: {name: content-type, contains: "text/html"}, result: BLOCKED, detail: "html page"}
      """;

  @Test
  void theLanguageExample_loadsAsWritten_onceSignupChecksAreAllowed() {
    var settings = fixture.settings().withAllowedKinds(java.util.Set.of(PlatformKind.values()));

    Platform example =
        CatalogLoader.parse("example.yaml", LANGUAGE_EXAMPLE, settings).platforms().get(0);

    assertThat(example.description().kind()).isEqualTo("signup-check");
    assertThatThrownBy(() -> fixture.catalog(LANGUAGE_EXAMPLE))
        .hasMessageStartingWith(
            "test.yaml: platform 'example' (#1): kind: signup-check is not allowed here (allowed:"
                + " api, lookup)");
  }

  @Test
  void theBuiltInChallengeFingerprints_load() {
    assertThat(CatalogLoader.builtinChallenges()).hasSizeGreaterThanOrEqualTo(10);
  }

  private static final String P = "platforms: [{id: x, name: X, prior: 0.5, kind: api, ";

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "`platforms: [{id: x, name: X, prior: 0.5, request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): kind: is required: api (a documented public API), lookup",
        "`platforms: [{id: x, name: X, prior: 0.5, kind: scrape, request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): kind: must be one of api, lookup, signup-check",
        "`#request: {url: 'https://h/{csrf}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.url: unknown placeholder {csrf} (no earlier step extracts it); known: {email}",
        "`#steps: [{name: s, request: {url: 'https://h/a'}, extract: {t: {regex: 'x'}}}], request: {url: 'https://h/{t}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[0].extract.t.regex: needs a group",
        "`#steps: [{name: s, request: {url: 'https://h/a'}, extract: {t: {regex: '(x'}}}], request: {url: 'https://h/{t}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[0].extract.t.regex: not a valid regular expression (RE2 syntax)",
        "`#steps: [{name: s, request: {url: 'https://h/a'}, extract: {t: {regex: '(a+)+(?=b)'}}}], request: {url: 'https://h/{t}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[0].extract.t.regex: not a valid regular expression (RE2 syntax)",
        "`#steps: [{name: s, request: {url: 'https://h/a'}, extract: {t: {xpath: '//a'}}}], request: {url: 'https://h/{t}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[0].extract.t.xpath: unknown field (allowed: cookie, header, json, regex)",
        "`#steps: [{name: s, request: {url: 'https://h/a'}, extract: {t: {cookie: a, header: b}}}], request: {url: 'https://h/{t}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[0].extract.t: needs exactly one of cookie, header, json, regex",
        "`#steps: [{name: s, request: {url: 'https://h/a'}, extract: {email_md5: {cookie: a}}}], request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[0].extract.email_md5: {email_md5} is built in",
        "`#steps: [{name: s, request: {url: 'https://h/a'}, extract: {t: {json: data}}}], request: {url: 'https://h/{t}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[0].extract.t.json: must be a JSON pointer",
        "`#steps: [{name: s, request: {url: 'https://h/{t}'}, extract: {t: {cookie: a}}}], request: {url: 'https://h/{t}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[0].request.url: unknown placeholder {t} (no earlier step extracts it)",
        "`#steps: [{name: s, request: {url: 'https://h/a'}}], request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[0]: a step needs extract or rules",
        "`#steps: [{name: s, request: {url: 'https://h/a'}, extract: {t: {cookie: a}}}, {name: s, request: {url: 'https://h/b'}, extract: {u: {cookie: b}}}], request: {url: 'https://h/{t}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[1].name: duplicate step name",
        "`#steps: [{name: s, request: {url: 'https://h/a'}, extract: {t: {cookie: a}}}, {name: u, request: {url: 'https://h/b'}, extract: {t: {cookie: b}}}], request: {url: 'https://h/{t}'}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): steps[1].extract.t: an earlier step extracts it already",
        "`#request: {url: 'https://h/a', form: {email: '{email_urlencoded}'}}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.form.email: {email_urlencoded} is encoded already; in a form use {email}",
        "`#request: {url: 'https://h/a', json: {email: '{email_json}'}}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.json: {email_json} is encoded already; in json use {email}",
        "`#request: {url: 'https://h/a', body: 'x', form: {a: b}}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.form: only one of body, form and json",
        "`#request: {method: POST, url: 'https://h/signup', form: {email: '{email}', password: hunter2}}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.form: field 'password' looks like a password",
        "`#request: {method: POST, url: 'https://h/forgot-password', form: {email: '{email}'}}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.url: looks like a password-recovery or login-link endpoint",
        "`#request: {url: 'https://h/{email_md5}'}, rules: [{body_matches: '(', result: FOUND}]}]` | test.yaml: platform 'x' (#1): rules[0].body_matches: not a valid regular expression",
        "`#request: {url: 'https://h/{email_md5}'}, rules: [{header: {name: x}, result: FOUND}]}]` | test.yaml: platform 'x' (#1): rules[0].header: needs exists, equals, contains or matches",
        "`#request: {url: 'https://h/{email_md5}'}, rules: [{status: 200, result: FOUND}], blocked_when: [{status: 403, result: FOUND}]}]` | test.yaml: platform 'x' (#1): blocked_when[0].result: unknown field",
        "`#request: {url: 'https://h/{email_md5}', query: {q: '{email_urlencoded}'}}, rules: [{status: 200, result: FOUND}]}]` | test.yaml: platform 'x' (#1): request.query.q: {email_urlencoded} is encoded already",
      })
  void invalidProbe_isRejected_withFilePlatformAndField(String yaml, String message) {
    String document = yaml.startsWith("#") ? P + yaml.substring(1) : yaml;
    assertThatThrownBy(() -> fixture.catalog(document))
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith(message);
  }
}
