package dev.socialcheck.server.checkers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.socialcheck.server.testing.ProbeFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.ProbeFixture;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in challenge fingerprints ({@code challenges.yaml}): each vendor's challenge page is
 * BLOCKED, even where the platform's own rules would have read it as an answer, and on a step as
 * well as on the deciding request; a vendor's mere presence on a normal answer is not.
 */
class ChallengePagesTest {
  @RegisterExtension
  static final WireMockExtension platform =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final ProbeFixture fixture = new ProbeFixture();

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  /**
   * A probe whose own rules would call any 2xx-4xx answer FOUND or NOT_FOUND: only the challenge
   * rules stand between a wall and a wrong answer.
   */
  private Platform gullible(String extra) {
    return fixture.platform(
        """
        id: gullible
        name: Gullible
        prior: 0.5
        kind: api
        %2$s
        request: {url: "%1$s/check"}
        rules:
          - {status: [200, 202], result: FOUND}
          - {status: 4xx, result: NOT_FOUND}
          - {status: 5xx, result: NOT_FOUND}
        """
            .formatted(platform.baseUrl(), extra));
  }

  static Stream<Arguments> challengePages() {
    return Stream.of(
        Arguments.of(
            "cloudflare managed challenge header",
            aResponse().withStatus(403).withHeader("cf-mitigated", "challenge"),
            "cloudflare challenge"),
        Arguments.of(
            "cloudflare interstitial",
            aResponse()
                .withStatus(503)
                .withHeader("Content-Type", "text/html")
                .withBody("<!DOCTYPE html><html><head><title>Just a moment...</title></head>"),
            "cloudflare challenge"),
        Arguments.of(
            "cloudflare challenge platform script",
            aResponse()
                .withStatus(403)
                .withBody("<script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/jsch\">"),
            "cloudflare challenge"),
        Arguments.of(
            "cloudflare block page",
            aResponse()
                .withStatus(403)
                .withBody("<title>Attention Required! | Cloudflare</title> Sorry, you have been"),
            "cloudflare block page"),
        Arguments.of(
            "aws waf challenge",
            aResponse().withStatus(202).withHeader("x-amzn-waf-action", "challenge"),
            "aws waf challenge"),
        Arguments.of(
            "aws waf captcha",
            aResponse().withStatus(405).withHeader("x-amzn-waf-action", "captcha"),
            "aws waf captcha"),
        Arguments.of(
            "datadome refusal",
            aResponse().withStatus(403).withHeader("x-datadome", "protected"),
            "datadome"),
        Arguments.of(
            "datadome captcha for an XHR",
            aResponse()
                .withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"url\":\"https://geo.captcha-delivery.com/captcha/?initialCid=x\"}"),
            "datadome captcha"),
        Arguments.of(
            "perimeterx block page",
            aResponse()
                .withStatus(403)
                .withBody("<div id=\"px-captcha\"></div><script>window._pxAppId"),
            "perimeterx (human) challenge"),
        Arguments.of(
            "akamai denial",
            aResponse()
                .withStatus(403)
                .withHeader("Server", "AkamaiGHost")
                .withBody(
                    "<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY>You don't have"
                        + " permission. Reference&#32;#18.5ad5c017.1700000000.1a2b3c"),
            "akamai denial"),
        Arguments.of(
            "kasada",
            aResponse().withStatus(429).withHeader("x-kpsdk-ct", "0abc"),
            "kasada challenge"),
        Arguments.of(
            "imperva",
            aResponse()
                .withStatus(200)
                .withBody("<iframe src=\"/_Incapsula_Resource?SWUDNSAI=31\"></iframe>"),
            "imperva incapsula"),
        Arguments.of(
            "sucuri",
            aResponse().withStatus(403).withHeader("x-sucuri-block", "BOT01"),
            "sucuri firewall"),
        Arguments.of(
            "captcha wall",
            aResponse()
                .withStatus(429)
                .withBody("<div class=\"g-recaptcha\" data-sitekey=\"x\"></div>"),
            "captcha wall"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("challengePages")
  void challengePage_isBlocked_beforeThePlatformsRules(
      String vendor, ResponseDefinitionBuilder page, String detail) throws Exception {
    platform.stubFor(get("/check").willReturn(page));

    CheckOutcome outcome = check(gullible(""), "user@email.com", TIMEOUT);

    assertThat(outcome).as(vendor).isEqualTo(new CheckOutcome(CheckStatus.BLOCKED, detail));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("challengePages")
  void challengePage_onAStep_isBlocked_withTheStepNamed(
      String vendor, ResponseDefinitionBuilder page, String detail) throws Exception {
    platform.stubFor(get("/token").willReturn(page));
    Platform probe =
        fixture.platform(
            """
            id: stepped
            name: Stepped
            prior: 0.5
            kind: api
            steps:
              - name: token
                request: {url: "%1$s/token"}
                extract: {t: {regex: '(.)'}}
            request: {url: "%1$s/check?t={t}"}
            rules: [{status: 200, result: FOUND}]
            """
                .formatted(platform.baseUrl()));

    CheckOutcome outcome = check(probe, "user@email.com", TIMEOUT);

    assertThat(outcome)
        .as(vendor)
        .isEqualTo(new CheckOutcome(CheckStatus.BLOCKED, "step token: " + detail));
  }

  @Test
  void aVendorsPresenceOnANormalAnswer_isNotAWall() throws Exception {
    platform.stubFor(
        get("/check")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("x-datadome", "protected")
                    .withHeader("Server", "cloudflare")
                    .withHeader("Set-Cookie", "__cf_bm=abc; Path=/")
                    .withHeader("Content-Type", "text/html")
                    .withBody(
                        "<script src=\"https://www.google.com/recaptcha/api.js\"></script>")));

    assertThat(check(gullible(""), "user@email.com", TIMEOUT).status())
        .isEqualTo(CheckStatus.FOUND);
  }

  @Test
  void aCatalogsOwnBlockedWhen_addsToTheBuiltInOnes_andCanTurnThemOff() throws Exception {
    platform.stubFor(
        get("/check")
            .willReturn(aResponse().withStatus(200).withBody("Please verify you are human")));

    Platform own =
        gullible(
            "blocked_when: [{body_contains: \"verify you are human\", detail: \"home-made wall\"}]");
    assertThat(check(own, "user@email.com", TIMEOUT))
        .isEqualTo(new CheckOutcome(CheckStatus.BLOCKED, "home-made wall"));

    platform.stubFor(
        get("/check")
            .willReturn(aResponse().withStatus(403).withHeader("cf-mitigated", "challenge")));
    Platform withoutBuiltIns =
        fixture
            .catalog(
                """
                defaults: {builtin_blocked_when: false}
                platforms:
                  - id: raw
                    name: Raw
                    prior: 0.5
                    kind: api
                    request: {url: "%s/check"}
                    rules: [{status: 403, result: NOT_FOUND, detail: "as the catalog says"}]
                """
                    .formatted(platform.baseUrl()))
            .platforms()
            .get(0);
    assertThat(check(withoutBuiltIns, "user@email.com", TIMEOUT))
        .isEqualTo(new CheckOutcome(CheckStatus.NOT_FOUND, "as the catalog says"));
  }

  @Test
  void aJsonRule_neverMatchesAnHtmlBody() throws Exception {
    platform.stubFor(
        get("/check")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "text/html; charset=utf-8")
                    .withBody("{\"exists\": true}")));
    Platform probe =
        fixture.platform(
            """
            id: api
            name: Api
            prior: 0.5
            kind: api
            request: {url: "%s/check"}
            rules: [{json: {pointer: /exists, equals: true}, result: FOUND}]
            """
                .formatted(platform.baseUrl()));

    assertThat(check(probe, "user@email.com", TIMEOUT))
        .isEqualTo(CheckOutcome.error("unexpected answer: HTTP 200"));
  }
}
