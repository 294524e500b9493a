package dev.socialcheck.server.checkers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.socialcheck.server.testing.ProbeFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.ProbeFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Multi-step probes against WireMock platforms on 127.0.0.1: values extracted by a step (regex,
 * cookie, header, JSON) reach the deciding request, encoded for where they land; cookies stay in
 * their check.
 */
class ProbeStepsTest {
  @RegisterExtension
  static final WireMockExtension platform =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String JOIN_PAGE =
      "<html><form><input type=\"hidden\" name=\"csrf\" value=\"tok-123\"></form></html>";

  private final ProbeFixture fixture = new ProbeFixture();

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  /** A sign-up check in two steps: a join page (token, cookie) then a form POST. */
  private Platform twoStep() {
    return fixture.platform(
        """
        id: example
        name: Example
        prior: 0.01
        kind: api
        user_agent: "Mozilla/5.0 (test)"
        steps:
          - name: join
            request: {method: GET, url: "%1$s/join"}
            extract:
              csrf: {regex: 'name="csrf" value="([^"]+)"'}
              session: {cookie: sessionid}
              api_token: {header: X-Api-Token}
        request:
          method: POST
          url: "%1$s/signup/check"
          headers: {X-CSRF-Token: "{csrf}", X-Api-Token: "{api_token}", Referer: "%1$s/join"}
          form: {email: "{email}", csrf: "{csrf}"}
        rules:
          - {status: 200, body_equals: "taken", result: FOUND}
          - {status: 200, body_equals: "available", result: NOT_FOUND}
          - {status: 429, result: RATE_LIMITED}
        """
            .formatted(platform.baseUrl()));
  }

  private static void joinPage() {
    platform.stubFor(
        get("/join")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "text/html")
                    .withHeader("Set-Cookie", "sessionid=s-1; Path=/; HttpOnly")
                    .withHeader("X-Api-Token", "api-7")
                    .withBody(JOIN_PAGE)));
  }

  @Test
  void twoSteps_tokenCookieAndHeader_reachTheFormPost() throws Exception {
    joinPage();
    platform.stubFor(post("/signup/check").willReturn(aResponse().withBody("taken\n")));

    CheckOutcome outcome = check(twoStep(), "a+b@Example.com", TIMEOUT);

    assertThat(outcome).isEqualTo(new CheckOutcome(CheckStatus.FOUND, "HTTP 200"));
    platform.verify(
        getRequestedFor(urlEqualTo("/join"))
            .withHeader("User-Agent", equalTo("Mozilla/5.0 (test)"))
            .withoutHeader("Cookie"));
    platform.verify(
        postRequestedFor(urlEqualTo("/signup/check"))
            .withHeader("X-CSRF-Token", equalTo("tok-123"))
            .withHeader("X-Api-Token", equalTo("api-7"))
            .withHeader("Cookie", equalTo("sessionid=s-1"))
            .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
            .withRequestBody(equalTo("email=a%2Bb%40example.com&csrf=tok-123")));
  }

  @Test
  void aValueTheStepCannotExtract_endsTheCheckAsAnError_neverNotFound() throws Exception {
    platform.stubFor(
        get("/join").willReturn(aResponse().withStatus(200).withBody("<html>redesigned</html>")));

    CheckOutcome outcome = check(twoStep(), "user@email.com", TIMEOUT);

    assertThat(outcome)
        .isEqualTo(
            new CheckOutcome(CheckStatus.ERROR, "step join: csrf not found (regex, HTTP 200)"));
    platform.verify(0, postRequestedFor(urlPathEqualTo("/signup/check")));
  }

  @Test
  void aStepRule_endsTheCheck_withTheStepInTheDetail() throws Exception {
    platform.stubFor(get("/join").willReturn(aResponse().withStatus(429)));
    Platform probe =
        fixture.platform(
            """
            id: example
            name: Example
            prior: 0.01
            kind: api
            steps:
              - name: join
                request: {url: "%1$s/join"}
                extract: {csrf: {regex: 'csrf=(\\w+)'}}
                rules: [{status: 429, result: RATE_LIMITED}]
            request: {url: "%1$s/check?t={csrf}"}
            rules: [{status: 200, result: FOUND}]
            """
                .formatted(platform.baseUrl()));

    assertThat(check(probe, "user@email.com", TIMEOUT))
        .isEqualTo(new CheckOutcome(CheckStatus.RATE_LIMITED, "step join: HTTP 429"));
  }

  @Test
  void jsonExtraction_andJsonBody_escapeTheValuesThemselves() throws Exception {
    platform.stubFor(
        get("/token")
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"data\":{\"id\":\"q\\\"x\"},\"n\":7}")));
    platform.stubFor(
        post(urlPathEqualTo("/lookup")).willReturn(aResponse().withBody("{\"exists\":true}")));
    Platform probe =
        fixture.platform(
            """
            id: jsonish
            name: Jsonish
            prior: 0.1
            kind: api
            steps:
              - name: token
                request: {url: "%1$s/token"}
                extract: {user_id: {json: /data/id}, n: {json: /n}}
            request:
              method: POST
              url: "%1$s/lookup"
              query: {q: '{"email":"{email_json}","id":"{user_id}"}'}
              json: {email: "{email}", id: "{user_id}", count: "{n}", fixed: [1, true]}
            rules: [{json: {pointer: /exists, equals: true}, result: FOUND}]
            """
                .formatted(platform.baseUrl()));

    assertThat(check(probe, "user@email.com", TIMEOUT))
        .isEqualTo(new CheckOutcome(CheckStatus.FOUND, "HTTP 200"));

    platform.verify(
        postRequestedFor(urlPathEqualTo("/lookup"))
            .withQueryParam("q", equalTo("{\"email\":\"user@email.com\",\"id\":\"q\"x\"}"))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(
                equalToJson(
                    "{\"email\":\"user@email.com\",\"id\":\"q\\\"x\",\"count\":\"7\","
                        + "\"fixed\":[1,true]}")));
  }

  @Test
  void aCookieBuiltFromAnExtractedValue_isSentBesideTheJarsCookies() throws Exception {
    joinPage();
    platform.stubFor(post("/signup/check").willReturn(aResponse().withBody("available")));
    Platform probe =
        fixture.platform(
            """
            id: example
            name: Example
            prior: 0.01
            kind: api
            steps:
              - name: join
                request: {url: "%1$s/join"}
                extract: {csrf: {regex: 'value="([^"]+)"'}}
            request:
              method: POST
              url: "%1$s/signup/check"
              headers: {Cookie: "xsrf={csrf}"}
              form: {email: "{email}"}
            rules: [{body_equals: available, result: NOT_FOUND}]
            """
                .formatted(platform.baseUrl()));

    assertThat(check(probe, "user@email.com", TIMEOUT).status()).isEqualTo(CheckStatus.NOT_FOUND);
    platform.verify(
        postRequestedFor(urlEqualTo("/signup/check"))
            .withHeader("Cookie", equalTo("xsrf=tok-123; sessionid=s-1")));
  }

  @Test
  void cookies_neverCrossChecks() throws Exception {
    // Each visit of the join page hands out a new session; the second check must not carry the
    // first one's cookie, neither on its join request nor on its deciding request.
    platform.stubFor(
        get("/join")
            .inScenario("sessions")
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("second")
            .willReturn(
                aResponse()
                    .withHeader("Set-Cookie", "sessionid=first; Path=/")
                    .withHeader("X-Api-Token", "a")
                    .withBody(JOIN_PAGE)));
    platform.stubFor(
        get("/join")
            .inScenario("sessions")
            .whenScenarioStateIs("second")
            .willReturn(
                aResponse()
                    .withHeader("Set-Cookie", "sessionid=second; Path=/")
                    .withHeader("X-Api-Token", "b")
                    .withBody(JOIN_PAGE)));
    platform.stubFor(post("/signup/check").willReturn(aResponse().withBody("available")));
    Platform probe = twoStep();

    check(probe, "one@email.com", TIMEOUT);
    check(probe, "two@email.com", TIMEOUT);

    platform.verify(2, getRequestedFor(urlEqualTo("/join")).withHeader("Cookie", absent()));
    platform.verify(
        1,
        postRequestedFor(urlEqualTo("/signup/check"))
            .withHeader("Cookie", equalTo("sessionid=first")));
    platform.verify(
        1,
        postRequestedFor(urlEqualTo("/signup/check"))
            .withHeader("Cookie", equalTo("sessionid=second")));
  }

  @Test
  void cookiesSetOnARedirect_areKept_andCredentialsStayWithTheirHost() throws Exception {
    String base = "http://127.0.0.1:" + platform.getPort();
    String otherHost = "http://localhost:" + platform.getPort();
    platform.stubFor(
        get("/start")
            .willReturn(
                aResponse()
                    .withStatus(302)
                    .withHeader("Set-Cookie", "seen=1; Path=/")
                    .withHeader("Location", "/landing")));
    platform.stubFor(
        get("/landing").willReturn(aResponse().withBody("<meta name=\"t\" content=\"abc\">")));
    platform.stubFor(
        get(urlPathEqualTo("/check"))
            .willReturn(aResponse().withStatus(302).withHeader("Location", otherHost + "/far")));
    platform.stubFor(get("/far").willReturn(aResponse().withBody("yes")));
    fixture.environment.put("TOKEN", "s3cret");
    Platform probe =
        fixture.platform(
            """
            id: redirects
            name: Redirects
            prior: 0.1
            kind: api
            steps:
              - name: start
                request: {url: "%1$s/start"}
                extract: {t: {regex: 'content="(\\w+)"'}}
            request:
              url: "%1$s/check?t={t}"
              headers: {Authorization: "Bearer ${env:TOKEN}"}
            rules: [{body_equals: "yes", result: FOUND}]
            """
                .formatted(base));

    assertThat(check(probe, "user@email.com", TIMEOUT).status()).isEqualTo(CheckStatus.FOUND);
    platform.verify(
        getRequestedFor(urlEqualTo("/landing")).withHeader("Cookie", equalTo("seen=1")));
    platform.verify(
        getRequestedFor(urlEqualTo("/check?t=abc"))
            .withHeader("Authorization", equalTo("Bearer s3cret"))
            .withHeader("Cookie", equalTo("seen=1")));
    platform.verify(getRequestedFor(urlEqualTo("/far")).withoutHeader("Authorization"));
  }

  @Test
  void anExtractedValueThatWouldSplitAHeader_isAnError_notAnInjection() throws Exception {
    platform.stubFor(
        get("/token")
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"t\":\"x\\r\\nX-Evil: 1\"}")));
    Platform probe =
        fixture.platform(
            """
            id: inject
            name: Inject
            prior: 0.1
            kind: api
            steps:
              - name: token
                request: {url: "%1$s/token"}
                extract: {t: {json: /t}}
            request: {url: "%1$s/check", headers: {X-Token: "{t}"}}
            rules: [{status: 200, result: FOUND}]
            """
                .formatted(platform.baseUrl()));

    assertThat(check(probe, "user@email.com", TIMEOUT))
        .isEqualTo(
            new CheckOutcome(
                CheckStatus.ERROR,
                "cannot build the request: the value of {t} cannot go into a header (control"
                    + " character)"));
    platform.verify(0, getRequestedFor(urlEqualTo("/check")));
  }

  @Test
  void aControlStep_withARandomAddress_endsTheCheckWhenTheDomainSaysYesToAnything()
      throws Exception {
    platform.stubFor(
        post("/credential")
            .withRequestBody(matchingJsonPath("$.username", matching("[0-9a-f]{16}@email\\.com")))
            .willReturn(aResponse().withBody("{\"IfExistsResult\":0}")));
    Platform probe =
        fixture.platform(
            """
            id: tenant
            name: Tenant
            prior: 0.1
            kind: lookup
            steps:
              - name: control
                request:
                  method: POST
                  url: "%1$s/credential"
                  json: {username: "{random}@{email_domain}"}
                rules:
                  - {json: {pointer: /IfExistsResult, equals: 0}, result: ERROR,
                     detail: "the domain answers yes for a random address: inconclusive"}
            request: {method: POST, url: "%1$s/credential", json: {username: "{email}"}}
            rules: [{json: {pointer: /IfExistsResult, equals: 0}, result: FOUND}]
            """
                .formatted(platform.baseUrl()));

    assertThat(check(probe, "user@email.com", TIMEOUT))
        .isEqualTo(
            new CheckOutcome(
                CheckStatus.ERROR,
                "step control: the domain answers yes for a random address: inconclusive"));
  }

  @Test
  void allStepsOfACheck_countOnceAgainstThePlatformsRateLimit() throws Exception {
    joinPage();
    platform.stubFor(post("/signup/check").willReturn(aResponse().withBody("taken")));
    Platform probe =
        fixture
            .catalog(
                """
                platforms:
                  - id: example
                    name: Example
                    prior: 0.01
                    kind: api
                    rate_limit: {requests: 1, per: 1h}
                    steps:
                      - name: join
                        request: {url: "%1$s/join"}
                        extract: {csrf: {regex: 'value="([^"]+)"'}}
                    request: {method: POST, url: "%1$s/signup/check", form: {csrf: "{csrf}"}}
                    rules: [{body_equals: taken, result: FOUND}]
                """
                    .formatted(platform.baseUrl()))
            .platforms()
            .get(0);

    CheckOutcome first = check(probe, "one@email.com", TIMEOUT);
    CheckOutcome second = check(probe, "two@email.com", TIMEOUT);

    assertThat(first.status()).as("two requests, one check").isEqualTo(CheckStatus.FOUND);
    assertThat(second.status()).isEqualTo(CheckStatus.RATE_LIMITED);
    platform.verify(1, getRequestedFor(urlEqualTo("/join")));
    platform.verify(1, postRequestedFor(urlEqualTo("/signup/check")));
  }
}
