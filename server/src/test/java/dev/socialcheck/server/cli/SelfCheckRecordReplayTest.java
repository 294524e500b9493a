package dev.socialcheck.server.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.socialcheck.server.engine.EmailAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code selfcheck --record} then {@code --replay}: a live self-check of loopback platforms writes
 * fixtures without the address or the secrets, and the replay, with the platforms gone, reads the
 * same statuses from them, and fails when the catalog no longer reads them right.
 */
class SelfCheckRecordReplayTest {
  @RegisterExtension
  static final WireMockExtension platforms =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static final String EXISTS = "Known.Person@example.com";
  private static final String MISSING = "nobody-here@example.com";

  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int selfcheck(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private Path catalog(String foundWhen) throws Exception {
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(
        file,
        """
        platforms:
          - id: hashed
            name: Hashed
            prior: 0.5
            kind: api
            request: {url: "BASE/profiles/{email_sha256}", headers: {Authorization: "Bearer ${env:PATH}"}}
            rules: [{status: 200, result: FOUND}, {status: 404, result: NOT_FOUND}]
            self_check: {exists: "EXISTS", missing: "MISSING"}
          - id: twostep
            name: Two steps
            prior: 0.4
            kind: api
            steps:
              - name: join
                request: {url: "BASE/join"}
                extract:
                  csrf: {regex: 'name="csrf" value="([^"]+)"'}
                  session: {cookie: sid}
            request:
              method: POST
              url: "BASE/check"
              headers: {X-CSRF-Token: "{csrf}"}
              form: {email: "{email}", csrf: "{csrf}"}
            rules:
              - {body_equals: "FOUNDWHEN", result: FOUND}
              - {status: 200, result: NOT_FOUND}
            self_check: {exists: "EXISTS", missing: "MISSING"}
        """
            .replace("BASE", platforms.baseUrl())
            .replace("EXISTS", EXISTS)
            .replace("MISSING", MISSING)
            .replace("FOUNDWHEN", foundWhen));
    return file;
  }

  private static void livePlatforms() {
    platforms.stubFor(
        get("/profiles/" + EmailAddress.parse(EXISTS).sha256Hex())
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"id\":\"" + EmailAddress.parse(EXISTS).sha256Hex() + "\"}")));
    platforms.stubFor(
        get("/profiles/" + EmailAddress.parse(MISSING).sha256Hex())
            .willReturn(aResponse().withStatus(404)));
    platforms.stubFor(
        get("/join")
            .willReturn(
                aResponse()
                    .withHeader("Set-Cookie", "sid=session-secret-42; Path=/")
                    .withBody("<input name=\"csrf\" value=\"csrf-secret-17\">")));
    platforms.stubFor(
        post(urlPathEqualTo("/check"))
            .withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.containing("Known.Person"))
            .willReturn(aResponse().withBody("taken")));
    platforms.stubFor(
        post(urlPathEqualTo("/check"))
            .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("nobody"))
            .willReturn(aResponse().withBody("free")));
  }

  @Test
  void recordedFixtures_replayOffline_andHoldNeitherTheAddressNorTheSecrets() throws Exception {
    livePlatforms();
    Path catalog = catalog("taken");
    Path fixtures = dir.resolve("fixtures");

    int recorded =
        selfcheck("selfcheck", "--catalog", catalog.toString(), "--record", fixtures.toString());

    assertThat(recorded).as(out + "\n" + err).isZero();
    assertThat(out.toString())
        .containsPattern("hashed\\s+FOUND\\s+NOT_FOUND\\s+OK")
        .containsPattern("twostep\\s+FOUND\\s+NOT_FOUND\\s+OK")
        .contains("fixtures: twostep/exists.yaml, twostep/missing.yaml");
    String twostep = Files.readString(fixtures.resolve("twostep/exists.yaml"));
    String hashed = Files.readString(fixtures.resolve("hashed/exists.yaml"));
    for (String text : new String[] {twostep, hashed}) {
      assertThat(text)
          .doesNotContainIgnoringCase("known.person")
          .doesNotContain(EmailAddress.parse(EXISTS).sha256Hex())
          .doesNotContain("session-secret-42", "csrf-secret-17", System.getenv("PATH"))
          .contains("recorded: ");
    }
    assertThat(hashed).contains("/profiles/{{email_sha256}}", "expect: FOUND", "<redacted>");
    assertThat(twostep)
        .contains("step: join", "redacted-csrf", "redacted-session", "email={{email_urlencoded}}");

    platforms.resetAll(); // the platforms are gone: only the fixtures can answer now
    int replayed =
        selfcheck("selfcheck", "--catalog", catalog.toString(), "--replay", fixtures.toString());

    assertThat(replayed).as(out + "\n" + err).isZero();
    assertThat(out.toString())
        .containsPattern("hashed\\s+exists\\s+FOUND\\s+FOUND\\s+PASS\\s+recorded 20")
        .containsPattern("hashed\\s+missing\\s+NOT_FOUND\\s+NOT_FOUND\\s+PASS")
        .containsPattern("twostep\\s+exists\\s+FOUND\\s+FOUND\\s+PASS")
        .containsPattern("twostep\\s+missing\\s+NOT_FOUND\\s+NOT_FOUND\\s+PASS");
    assertThat(platforms.getAllServeEvents()).as("nothing reached the platforms").isEmpty();
  }

  @Test
  void aCatalogThatNoLongerReadsItsFixturesRight_failsTheReplay() throws Exception {
    livePlatforms();
    Path fixtures = dir.resolve("fixtures");
    assertThat(
            selfcheck(
                "selfcheck",
                "--catalog",
                catalog("taken").toString(),
                "--record",
                fixtures.toString()))
        .isZero();

    // The platform now says "in use" for taken addresses: the catalog's rule was updated wrongly.
    int replayed =
        selfcheck(
            "selfcheck",
            "--catalog",
            catalog("in use").toString(),
            "--replay",
            fixtures.toString());

    assertThat(replayed).isEqualTo(1);
    assertThat(out.toString())
        .containsPattern(
            "twostep\\s+exists\\s+FOUND\\s+NOT_FOUND\\s+FAIL\\s+expected FOUND, read NOT_FOUND")
        .containsPattern("hashed\\s+exists\\s+FOUND\\s+FOUND\\s+PASS");
  }

  @Test
  void aProbeThatSendsAnotherRequest_failsTheReplay_namingTheDifference() throws Exception {
    livePlatforms();
    Path fixtures = dir.resolve("fixtures");
    Path catalog = catalog("taken");
    assertThat(
            selfcheck(
                "selfcheck", "--catalog", catalog.toString(), "--record", fixtures.toString()))
        .isZero();
    Files.writeString(
        catalog,
        Files.readString(catalog)
            .replace("/profiles/{email_sha256}", "/v2/profiles/{email_sha256}"));

    int replayed =
        selfcheck(
            "selfcheck",
            "--catalog",
            catalog.toString(),
            "--platforms",
            "hashed",
            "--replay",
            fixtures.toString());

    assertThat(replayed).isEqualTo(1);
    assertThat(out.toString())
        .contains("FAIL", "request #1 was GET http://localhost:")
        .contains("/v2/profiles/");
  }

  @Test
  void aPlatformWithoutFixtures_failsTheReplay() throws Exception {
    int replayed =
        selfcheck(
            "selfcheck",
            "--catalog",
            catalog("taken").toString(),
            "--replay",
            dir.resolve("empty").toString());

    assertThat(replayed).isEqualTo(1);
    assertThat(out.toString()).containsPattern("hashed\\s+-\\s+-\\s+-\\s+FAIL\\s+no fixtures in");
  }

  @Test
  void recordAndReplay_refuseTheDemoCatalog_andEachOther() {
    assertThat(selfcheck("selfcheck", "--replay", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--record and --replay need a catalog of HTTP probes");
    assertThat(selfcheck("selfcheck", "--catalog", "builtin", "--replay", "a", "--record", "b"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--record and --replay exclude each other");
  }
}
