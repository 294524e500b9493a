package dev.socialcheck.server.checkers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.socialcheck.server.testing.ProbeFixture.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.ProbeFixture;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Answers written to hurt the prober: a huge body is read only up to the platform's limit, binary
 * bytes are just an unexpected answer, and a body built to make a backtracking regex engine run for
 * ages passes through the catalog's expressions in linear time (RE2). The preemptive timeouts are
 * hang guards, far above what these checks take, not timing claims.
 */
class HostileAnswersTest {
  @RegisterExtension
  static final WireMockExtension platform =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);
  private final ProbeFixture fixture = new ProbeFixture();

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private Platform probe(String stepRegex, String bodyRegex) {
    return fixture.platform(
        """
        id: victim
        name: Victim
        prior: 0.5
        kind: api
        max_body_bytes: 65536
        steps:
          - name: page
            request: {url: "%1$s/page"}
            extract: {t: {regex: '%2$s'}}
        request: {url: "%1$s/check?t={t}"}
        rules:
          - {body_matches: '%3$s', result: FOUND}
          - {status: 200, body_equals: "no", result: NOT_FOUND}
        """
            .formatted(platform.baseUrl(), stepRegex, bodyRegex));
  }

  @Test
  void aHugePage_isReadOnlyUpToTheLimit_andItsRegexRunsOnThatPrefix() {
    // 8 MiB of the start of a token, never closed: only 64 KiB are read and searched.
    platform.stubFor(
        get("/page").willReturn(aResponse().withBody("token=\"" + "a".repeat(8 << 20))));
    Platform victim = probe("token=\"(a+)\"", "x");

    CheckOutcome outcome =
        assertTimeoutPreemptively(HANG_GUARD, () -> check(victim, "user@email.com", TIMEOUT));

    assertThat(outcome).isEqualTo(CheckOutcome.error("step page: t not found (regex, HTTP 200)"));
  }

  @Test
  void aRegexBomb_runsInLinearTime() {
    // (a|aa)+$ against many a's and a final '!' takes exponential time in a backtracking engine.
    platform.stubFor(
        get("/page").willReturn(aResponse().withBody("t=1 " + "a".repeat(60_000) + "!")));
    platform.stubFor(get("/check?t=1").willReturn(aResponse().withBody("a".repeat(60_000) + "!")));
    Platform victim = probe("t=(\\d)", "^(a|aa)+$");

    CheckOutcome outcome =
        assertTimeoutPreemptively(HANG_GUARD, () -> check(victim, "user@email.com", TIMEOUT));

    assertThat(outcome).isEqualTo(CheckOutcome.error("unexpected answer: HTTP 200"));
  }

  @Test
  void binaryBytes_areAnUnexpectedAnswer_notACrash() throws Exception {
    byte[] noise = new byte[32 * 1024];
    new Random(42).nextBytes(noise);
    platform.stubFor(get("/page").willReturn(aResponse().withBody("t=1")));
    platform.stubFor(
        get("/check?t=1")
            .willReturn(
                aResponse().withHeader("Content-Type", "application/json").withBody(noise)));
    Platform victim = probe("t=(\\d)", "^found$");

    CheckOutcome outcome = check(victim, "user@email.com", TIMEOUT);

    assertThat(outcome.status()).isEqualTo(CheckStatus.ERROR);
    assertThat(outcome.detail()).isEqualTo("unexpected answer: HTTP 200");
  }
}
