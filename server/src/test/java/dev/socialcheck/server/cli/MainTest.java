package dev.socialcheck.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line, run in-process with the demo catalog at a fifth of real time: github answers at
 * 200 ms, twitter at 600 ms, facebook at 1 s, margins wide enough for a loaded machine.
 */
class MainTest {
  private static final String SCALE = "0.2";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void version_printsTheName() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("socialcheck ");
  }

  @Test
  void help_listsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("serve", "check");
  }

  @Test
  void check_race_printsATable_andExitsZeroWhenFound() {
    int exit = run("check", "user@email.com", "--demo-time-scale", SCALE);

    assertThat(exit).as("exit status for FOUND").isZero();
    assertThat(out.toString())
        .contains("PLATFORM", "STATUS", "LATENCY")
        .containsPattern("github\\s+FOUND")
        .containsPattern("facebook\\s+CANCELLED")
        .containsPattern("twitter\\s+CANCELLED")
        .contains("verdict: FOUND on github")
        .contains("race: 3 started, 2 cancelled, 0 skipped")
        .doesNotContain("user@email.com");
  }

  @Test
  void check_sequential_makesOneCall() {
    assertThat(
            run("check", "user@email.com", "--strategy", "sequential", "--demo-time-scale", SCALE))
        .isZero();
    assertThat(out.toString())
        .contains("verdict: FOUND on facebook")
        .contains("sequential: 1 started, 0 cancelled, 2 skipped");
  }

  @Test
  void check_notFound_exitsOne() {
    assertThat(run("check", "user+nobody@email.com", "--demo-time-scale", SCALE)).isEqualTo(1);
    assertThat(out.toString()).contains("verdict: NOT_FOUND");
  }

  @Test
  void check_each_printsRowsInCompletionOrder_andExitsThreeWhenUnknown() {
    int exit = run("check", "user+flaky@email.com", "--each", "--demo-time-scale", SCALE);

    assertThat(exit).as("exit status for UNKNOWN").isEqualTo(3);
    String text = out.toString();
    assertThat(text.indexOf("github")).isLessThan(text.indexOf("twitter"));
    assertThat(text.indexOf("twitter")).isLessThan(text.indexOf("facebook"));
    assertThat(text).containsPattern("twitter\\s+ERROR").contains("verdict: UNKNOWN");
  }

  @Test
  void check_badEmail_isAUsageError() {
    assertThat(run("check", "not-an-address")).isEqualTo(2);
    assertThat(err.toString()).contains("email has no '@'");
  }

  @Test
  void check_unknownPlatform_isAUsageError() {
    assertThat(run("check", "user@email.com", "--platforms", "github,myspace")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown platform 'myspace'");
  }

  @Test
  void check_badDuration_isAUsageError() {
    assertThat(run("check", "user@email.com", "--hedge-delay", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");
  }

  @Test
  void missingCatalogFile_isAUsageError() {
    assertThat(run("check", "user@email.com", "--catalog", "no-such-dir/platforms.yaml"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("no-such-dir/platforms.yaml: cannot read the catalog file (NoSuchFileException)");
  }

  @Test
  void extendedCatalog_withoutAllowKind_isAUsageError_thatSaysHowToAllowIt() {
    int exit = run("check", "user@email.com", "--catalog", "extended");

    assertThat(exit).as("exit status").isEqualTo(2);
    assertThat(err.toString())
        .contains("--catalog extended holds sign-up form checks (kind signup-check)")
        .contains("may breach the platforms' terms")
        .contains("--allow-kind signup-check");
  }

  @Test
  void extendedCatalog_withAllowKind_replaysTheBundledFixtures_offline() {
    int exit =
        run(
            "selfcheck",
            "--catalog",
            "extended",
            "--allow-kind",
            "signup-check",
            "--replay",
            "src/test/fixtures");

    assertThat(exit).as("exit status; output:%n%s", out).isZero();
    assertThat(out.toString())
        .containsPattern("microsoft365\\s+exists\\s+FOUND\\s+FOUND\\s+PASS")
        .containsPattern("instagram\\s+missing\\s+NOT_FOUND\\s+NOT_FOUND\\s+PASS")
        .doesNotContain("FAIL");
  }

  @Test
  void serve_onAPortInUse_failsWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int exit = run("serve", "--port", String.valueOf(taken.getLocalPort()));

      assertThat(exit).isEqualTo(1);
      assertThat(err.toString()).contains("cannot start on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void serve_withAMalformedRedisUri_isAUsageError() throws Exception {
    int exit =
        run(
            "serve",
            "--port",
            "0",
            "--redis",
            "http://not-redis",
            "--cache-key-secret-file",
            secretFile("0123456789abcdef0123456789abcdef\n").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--redis: not a Redis URI");
  }

  @Test
  void serve_withRedisAndAResultCache_withoutACacheKeySecret_isAUsageError() {
    // Port 1: nothing is ever connected to, the check comes first.
    int exit =
        run("serve", "--port", "0", "--catalog", "builtin", "--redis", "redis://127.0.0.1:1");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--redis needs --cache-key-secret-file FILE")
        .contains("replicas share cache entries only if they share it");
  }

  @Test
  void serve_withACacheKeySecretShorterThan16Bytes_isAUsageError() throws Exception {
    Path file = secretFile("tiny-secret\n");

    int exit = run("serve", "--port", "0", "--cache-key-secret-file", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--cache-key-secret-file "
                + file
                + ": the secret is 11 bytes long; at least 16 are needed")
        .doesNotContain("tiny-secret");
  }

  @Test
  void serve_withAnUnreadableCacheKeySecretFile_isAUsageError() {
    Path missing = dir.resolve("no-such-secret");

    int exit = run("serve", "--port", "0", "--cache-key-secret-file", missing.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("cannot read --cache-key-secret-file " + missing + " (NoSuchFileException)");
  }

  @Test
  void check_withAShortCacheKeySecret_isAUsageErrorToo() throws Exception {
    int exit =
        run(
            "check",
            "user@email.com",
            "--cache-key-secret-file",
            secretFile("tiny-secret").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("the secret is 11 bytes long");
  }

  private Path secretFile(String content) throws IOException {
    Path file = dir.resolve("cache-key-secret");
    Files.writeString(file, content);
    return file;
  }
}
