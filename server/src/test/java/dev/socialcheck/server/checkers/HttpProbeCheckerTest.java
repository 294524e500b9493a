package dev.socialcheck.server.checkers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.socialcheck.server.testing.ProbeFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.ProbeFixture;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The generic HTTP probe against WireMock platforms on 127.0.0.1. */
class HttpProbeCheckerTest {
  @RegisterExtension
  static final WireMockExtension platform =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final ProbeFixture fixture = new ProbeFixture();

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private String base() {
    return platform.baseUrl();
  }

  /** A GET probe of {@code /users/{sha256}} with typical status rules. */
  private Platform statusProbe() {
    return fixture.platform(
        """
        id: fake
        name: Fake
        prior: 0.5
        kind: api
        request:
          url: "%s/users/{email_sha256}"
        rules:
          - {status: 200, result: FOUND, detail: "profile exists"}
          - {status: 404, result: NOT_FOUND}
          - {status: 429, result: RATE_LIMITED}
          - {status: 403, body_contains: ["captcha", "Access denied"], result: BLOCKED}
        """
            .formatted(base()));
  }

  private static final String USER_PATH =
      "/users/0925f997eb0d742678f66d2da134d15d842d57722af5f7605c4785cb5358831b";

  @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "200 | {}                                   | FOUND        | profile exists",
        "404 | ''                                   | NOT_FOUND    | HTTP 404",
        "429 | ''                                   | RATE_LIMITED | HTTP 429",
        "403 | <html>please solve this captcha</html> | BLOCKED      | HTTP 403",
        "403 | <html>forbidden</html>               | ERROR        | unexpected answer: HTTP 403",
        "500 | oops                                 | ERROR        | unexpected answer: HTTP 500",
        "302 | ''                                   | ERROR        | unexpected answer: HTTP 302",
      })
  void statusRules_mapTheAnswer_andAnythingElseIsAnError(
      int status, String body, CheckStatus expected, String detail) throws Exception {
    platform.stubFor(get(USER_PATH).willReturn(aResponse().withStatus(status).withBody(body)));

    CheckOutcome outcome = check(statusProbe(), "User@email.com", TIMEOUT);

    assertThat(outcome.status()).isEqualTo(expected);
    assertThat(outcome.detail()).isEqualTo(detail);
  }

  @Test
  void request_carriesTheUserAgent_andHeadersFromTheEnvironment() throws Exception {
    fixture.environment.put("FAKE_TOKEN", "s3cret");
    Platform probe =
        fixture.platform(
            """
            id: fake
            name: Fake
            prior: 0.5
            kind: api
            request:
              url: "%s/users/{email_sha256}"
              headers:
                Authorization: "Bearer ${env:FAKE_TOKEN}"
                X-Missing: "${env:NOT_SET}"
                Accept: application/json
            rules:
              - {status: 200, result: FOUND}
            """
                .formatted(base()));
    platform.stubFor(get(USER_PATH).willReturn(aResponse().withStatus(200)));

    check(probe, "user@email.com", TIMEOUT);

    platform.verify(
        getRequestedFor(urlEqualTo(USER_PATH))
            .withHeader("User-Agent", equalTo("socialcheck-test/1"))
            .withHeader("Authorization", equalTo("Bearer s3cret"))
            .withHeader("Accept", equalTo("application/json"))
            .withoutHeader("X-Missing"));
  }

  /** A JSON search probe in the style of GitHub's user search. */
  private Platform searchProbe() {
    return fixture.platform(
        """
        id: search
        name: Search
        prior: 0.5
        kind: api
        request:
          url: "%s/search?q={email_urlencoded}"
        rules:
          - {status: 200, json: {pointer: /total_count, equals: 0}, result: NOT_FOUND}
          - {status: 200, json: {pointer: /total_count, exists: true}, result: FOUND}
        """
            .formatted(base()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"total_count\": 0, \"items\": []}   | NOT_FOUND",
        "{\"total_count\": 0.0}                | NOT_FOUND",
        "{\"total_count\": 3}                  | FOUND",
        "{\"items\": []}                       | ERROR",
        "{\"total_count\": 0                   | ERROR",
        "<html>not json</html>                 | ERROR",
      })
  void jsonPointerRules(String body, CheckStatus expected) throws Exception {
    platform.stubFor(
        get(urlPathEqualTo("/search")).willReturn(aResponse().withStatus(200).withBody(body)));

    assertThat(check(searchProbe(), "a+b@example.com", TIMEOUT).status()).isEqualTo(expected);
    platform.verify(getRequestedFor(urlEqualTo("/search?q=a%2Bb%40example.com")));
  }

  @Test
  void postProbe_sendsTheJsonBody_andReadsABooleanAnswer() throws Exception {
    Platform probe =
        fixture.platform(
            """
            id: status
            name: Status
            prior: 0.5
            kind: api
            request:
              method: post
              url: "%s/v1/account/status"
              headers: {Content-Type: application/json}
              body: '{"email":"{email_json}"}'
            rules:
              - {status: 200, json: {pointer: /exists, equals: true}, result: FOUND}
              - {status: 200, json: {pointer: /exists, equals: false}, result: NOT_FOUND}
              - {status: 400, json: {pointer: /errno, equals: 107}, result: INVALID}
            """
                .formatted(base()));
    platform.stubFor(
        post("/v1/account/status")
            .withRequestBody(equalToJson("{\"email\":\"user@email.com\"}"))
            .willReturn(aResponse().withStatus(200).withBody("{\"exists\":true}")));
    platform.stubFor(
        post("/v1/account/status")
            .withRequestBody(equalToJson("{\"email\":\"other@email.com\"}"))
            .willReturn(aResponse().withStatus(400).withBody("{\"errno\":107}")));

    assertThat(check(probe, "user@email.com", TIMEOUT).status()).isEqualTo(CheckStatus.FOUND);
    assertThat(check(probe, "other@email.com", TIMEOUT).status()).isEqualTo(CheckStatus.INVALID);
    platform.verify(2, postRequestedFor(urlEqualTo("/v1/account/status")));
  }

  @Test
  void slowPlatform_isATimeout() throws Exception {
    platform.stubFor(get(USER_PATH).willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));

    CheckOutcome outcome = check(statusProbe(), "user@email.com", Duration.ofMillis(200));

    assertThat(outcome.status()).isEqualTo(CheckStatus.TIMEOUT);
    assertThat(outcome.detail()).isEqualTo("no answer within 200ms");
  }

  @Test
  void connectionReset_isAnError() throws Exception {
    platform.stubFor(
        get(USER_PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    CheckOutcome outcome = check(statusProbe(), "user@email.com", TIMEOUT);

    assertThat(outcome.status()).isEqualTo(CheckStatus.ERROR);
    assertThat(outcome.detail()).isEqualTo("the platform closed the connection before answering");
  }

  @Test
  void connectionReset_once_isSentAgainByTheServersTransport() throws Exception {
    platform.stubFor(
        get(USER_PATH)
            .inScenario("reset once")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("reset"));
    platform.stubFor(
        get(USER_PATH)
            .inScenario("reset once")
            .whenScenarioStateIs("reset")
            .willReturn(aResponse().withStatus(200)));
    fixture.withServerTransport();

    CheckOutcome outcome = check(statusProbe(), "user@email.com", TIMEOUT);

    assertThat(outcome).isEqualTo(CheckOutcome.found("profile exists"));
    platform.verify(2, getRequestedFor(urlEqualTo(USER_PATH)));
  }

  @Test
  void garbageResponse_isAnError() throws Exception {
    platform.stubFor(
        get(USER_PATH).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));

    assertThat(check(statusProbe(), "user@email.com", TIMEOUT).status())
        .isEqualTo(CheckStatus.ERROR);
  }

  @Test
  void connectionRefused_isAnError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Platform probe =
        fixture.platform(
            """
            id: down
            name: Down
            prior: 0.5
            kind: api
            request: {url: "http://127.0.0.1:%d/x/{email_md5}"}
            rules: [{status: 200, result: FOUND}]
            """
                .formatted(closedPort));

    CheckOutcome outcome = check(probe, "user@email.com", TIMEOUT);

    assertThat(outcome.status()).isEqualTo(CheckStatus.ERROR);
    assertThat(outcome.detail()).isEqualTo("connection failed");
  }

  @Test
  void rateLimitedWithRetryAfter_backsOffThePlatform_untilTheDelayPassed() throws Exception {
    Platform probe = statusProbe();
    platform.stubFor(
        get(USER_PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));

    CheckOutcome first = check(probe, "user@email.com", TIMEOUT);
    CheckOutcome second = check(probe, "user@email.com", TIMEOUT);

    assertThat(first.status()).isEqualTo(CheckStatus.RATE_LIMITED);
    assertThat(first.detail()).isEqualTo("HTTP 429, Retry-After 30s");
    assertThat(second.status()).isEqualTo(CheckStatus.RATE_LIMITED);
    assertThat(second.detail()).startsWith("backing off for another 30s");
    platform.verify(1, getRequestedFor(urlEqualTo(USER_PATH)));

    fixture.clock.advance(Duration.ofSeconds(30));
    platform.stubFor(get(USER_PATH).willReturn(aResponse().withStatus(200)));

    assertThat(check(probe, "user@email.com", TIMEOUT).status()).isEqualTo(CheckStatus.FOUND);
    platform.verify(2, getRequestedFor(urlEqualTo(USER_PATH)));
  }

  @Test
  void retryAfterAsAnHttpDate_isHonouredToo() throws Exception {
    // The fixture's wall clock starts at 2026-01-01T00:00:00Z.
    platform.stubFor(
        get(USER_PATH)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "Thu, 01 Jan 2026 00:02:00 GMT")));

    assertThat(check(statusProbe(), "user@email.com", TIMEOUT).detail())
        .isEqualTo("HTTP 429, Retry-After 2m0s");
  }

  @Test
  void hugeBody_isReadOnlyUpToTheLimit() throws Exception {
    Platform probe =
        fixture.platform(
            """
            id: big
            name: Big
            prior: 0.5
            kind: api
            max_body_bytes: 1024
            request: {url: "%s/big/{email_sha256}"}
            rules:
              - {status: 200, json: {pointer: /found, equals: true}, result: FOUND}
            """
                .formatted(base()));
    platform.stubFor(
        get(urlPathEqualTo("/big/0925f997eb0d742678f66d2da134d15d842d57722af5f7605c4785cb5358831b"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"found\": true, \"pad\": \"" + "x".repeat(10_000_000) + "\"}")));

    CheckOutcome outcome = check(probe, "user@email.com", TIMEOUT);

    assertThat(outcome.status()).isEqualTo(CheckStatus.ERROR);
    assertThat(outcome.detail()).isEqualTo("unexpected answer: HTTP 200, body over 1024 bytes");
  }

  @Test
  void redirect_isFollowed() throws Exception {
    platform.stubFor(
        get(USER_PATH).willReturn(aResponse().withStatus(301).withHeader("Location", "/moved")));
    platform.stubFor(get("/moved").willReturn(aResponse().withStatus(200)));

    assertThat(check(statusProbe(), "user@email.com", TIMEOUT).status())
        .isEqualTo(CheckStatus.FOUND);
  }

  @Test
  void redirectLoop_isAnError() throws Exception {
    platform.stubFor(
        get(USER_PATH).willReturn(aResponse().withStatus(302).withHeader("Location", USER_PATH)));

    CheckOutcome outcome = check(statusProbe(), "user@email.com", TIMEOUT);

    assertThat(outcome.status()).isEqualTo(CheckStatus.ERROR);
    assertThat(outcome.detail()).isEqualTo("too many redirects (more than 3)");
    platform.verify(4, getRequestedFor(urlEqualTo(USER_PATH)));
  }

  @Test
  void randomToken_isSixteenLowerCaseHexDigits_leadingZerosKept() {
    java.util.Set<String> tokens = new java.util.HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      tokens.add(HttpProbeChecker.randomToken());
    }

    // Among 1,000 draws, about 60 start with a zero digit: an unpadded hex form would be shorter.
    assertThat(tokens).hasSize(1_000).allMatch(t -> t.matches("[0-9a-f]{16}"));
  }
}
