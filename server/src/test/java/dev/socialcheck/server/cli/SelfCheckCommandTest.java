package dev.socialcheck.server.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
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

/** {@code socialcheck selfcheck} against a catalog file whose platforms are WireMock stubs. */
class SelfCheckCommandTest {
  @RegisterExtension
  static final WireMockExtension platforms =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static String path(String platform, String email) {
    return "/" + platform + "/" + EmailAddress.parse(email).sha256Hex();
  }

  private int selfcheck(String catalog) throws Exception {
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(file, catalog.replace("BASE", platforms.baseUrl()));
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute("selfcheck", "--catalog", file.toString());
  }

  private static String platform(String id) {
    return """
          - id: %1$s
            name: %1$s
            prior: 0.5
            kind: api
            request: {url: "BASE/%1$s/{email_sha256}"}
            rules: [{status: 200, result: FOUND}, {status: 404, result: NOT_FOUND}]
            self_check: {exists: known@example.com, missing: unknown@example.com}
        """
        .formatted(id);
  }

  @Test
  void platformsAnsweringAsDeclared_areOk() throws Exception {
    platforms.stubFor(
        get(path("good", "known@example.com")).willReturn(aResponse().withStatus(200)));
    platforms.stubFor(
        get(path("good", "unknown@example.com")).willReturn(aResponse().withStatus(404)));

    int exit = selfcheck("platforms:\n" + platform("good"));

    assertThat(exit).as(out + "\n" + err).isZero();
    assertThat(out.toString()).containsPattern("good\\s+FOUND\\s+NOT_FOUND\\s+OK");
  }

  @Test
  void changedOrFailingPlatforms_areReported_andTheExitStatusSaysSo() throws Exception {
    platforms.stubFor(
        get(path("good", "known@example.com")).willReturn(aResponse().withStatus(200)));
    platforms.stubFor(
        get(path("good", "unknown@example.com")).willReturn(aResponse().withStatus(404)));
    // "changed" now says FOUND for everybody.
    platforms.stubFor(
        get(path("changed", "known@example.com")).willReturn(aResponse().withStatus(200)));
    platforms.stubFor(
        get(path("changed", "unknown@example.com")).willReturn(aResponse().withStatus(200)));
    platforms.stubFor(
        get(path("down", "known@example.com")).willReturn(aResponse().withStatus(503)));
    platforms.stubFor(
        get(path("down", "unknown@example.com")).willReturn(aResponse().withStatus(503)));

    int exit =
        selfcheck("platforms:\n" + platform("good") + platform("changed") + platform("down"));

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .containsPattern("good\\s+FOUND\\s+NOT_FOUND\\s+OK")
        .containsPattern("changed\\s+FOUND\\s+FOUND\\s+CHANGED")
        .containsPattern(
            "down\\s+ERROR\\s+ERROR\\s+NO ANSWER: ERROR \\(unexpected answer: HTTP 503\\)");
  }

  @Test
  void demoCatalog_selfChecksOffline() throws Exception {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));

    int exit = commandLine.execute("selfcheck", "--demo-time-scale", "0.01");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .containsPattern("github\\s+FOUND\\s+NOT_FOUND\\s+OK")
        .contains("twitter", "no self-check addresses declared");
  }
}
