package dev.socialcheck.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Usage errors as people see them: the message, at most a suggestion, one line that says where the
 * help is, exit status 2 — never the whole help, never a Java exception's name.
 */
class UsageErrorsTest {
  /** A Java exception's simple name, e.g. NoSuchFileException, IllegalArgumentException. */
  private static final Pattern EXCEPTION_NAME = Pattern.compile("[A-Z][A-Za-z]*(Exception|Error)");

  @TempDir Path dir;

  private static void assertUsageError(CliRun run, String command, String message) {
    assertThat(run.exit()).as("exit status of a usage error; stderr:%n%s", run.err()).isEqualTo(2);
    assertThat(run.errLines())
        .as("message, maybe a suggestion, and the hint: not the help")
        .hasSizeBetween(2, 3);
    assertThat(run.errLines().get(0)).startsWith("socialcheck: ").contains(message);
    assertThat(run.errLines()).last().isEqualTo("see `socialcheck " + command + " --help`");
    assertThat(run.err()).as("no Java exception names").doesNotContainPattern(EXCEPTION_NAME);
    assertThat(run.out()).as("no help on stdout").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("every kind of usage error prints the message and one hint line, exit 2")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "serve --catalog /missing.yaml | serve | /missing.yaml: cannot read the catalog file: no"
            + " such file",
        "serve --port 99999 | serve | '99999' is not a port (a number from 0 to 65535",
        "serve --port abc | serve | 'abc' is not a port",
        "serve --metrics-port -1 | serve | Invalid value for option '--metrics-port': '-1' is not"
            + " a port",
        "serve --hedge-delay -1s | serve | '-1s' must not be negative",
        "serve --hedge-delay 2m | serve | --hedge-delay must be at most 60s",
        "serve --shutdown-grace soon | serve | 'soon' is not a duration (examples: 250ms",
        "serve --max-in-flight 0 | serve | --max-in-flight must be positive",
        "serve --max-calls-per-connection 0 | serve | --max-calls-per-connection must be positive",
        "serve --max-connection-age 0s | serve | --max-connection-age must be positive",
        "serve --caller-rate-limit -1 | serve | --caller-rate-limit must be a number of calls",
        "serve --adaptive-percentile 101 | serve | --adaptive-percentile must be above 0 and below"
            + " 100",
        "serve --adaptive-window 0s | serve | --adaptive-window must be at least 1s",
        "serve --adaptive-max-extra-load 1 | serve | --adaptive-max-extra-load must be at least 0"
            + " and below 1",
        "serve --adaptive-min-hedge-delay 0s | serve | --adaptive-min-hedge-delay must be"
            + " positive and at most 60s",
        "serve --prot 1 | serve | Unknown options: '--prot'",
        "serve --tls-cert /missing.pem | serve | --tls-cert and --tls-key go together",
        "check user@email.com --hedge-delay -1s --strategy hedged | check | '-1s' must not be"
            + " negative",
        "check not-an-address | check | email has no '@'",
        "check | check | Missing required parameter: 'EMAIL'",
        "check user@email.com --strategy fastest | check | Invalid value for option"
            + " '--strategy'",
        "check user@email.com --catalog /missing.yaml | check | cannot read the catalog file: no"
            + " such file",
        "selfcheck --platforms myspace | selfcheck | unknown platform 'myspace'",
        "selfcheck --demo-time-scale 0 | selfcheck | --demo-time-scale must be a positive number",
      })
  void usageError_printsTheMessageAndOneHint_exitTwo(String args, String command, String message) {
    assertUsageError(CliRun.of(args.strip().split(" ")), command.strip(), message.strip());
  }

  @Test
  void unreadableAuthTokensFile_saysWhy_inWords() {
    CliRun run =
        CliRun.of("serve", "--port", "0", "--auth-tokens-file", dir.resolve("none").toString());

    assertUsageError(run, "serve", "cannot read --auth-tokens-file");
    assertThat(run.err()).contains(dir.resolve("none") + ": no such file");
  }

  @Test
  void aFolderGivenAsCatalog_saysItIsAFolder() {
    CliRun run = CliRun.of("check", "user@email.com", "--catalog", dir.toString());

    assertUsageError(run, "check", "cannot read the catalog file: is a directory");
  }

  @Test
  void check_each_withAStrategy_isRefused() {
    assertUsageError(
        CliRun.of("check", "user@email.com", "--each", "--strategy", "sequential"),
        "check",
        "--each checks every platform at once, without a strategy: leave out --strategy");
  }

  @ParameterizedTest
  @CsvSource({"race", "sequential"})
  void check_hedgeDelay_withAStrategyThatHasNoDelay_isRefused(String strategy) {
    assertUsageError(
        CliRun.of("check", "user@email.com", "--strategy", strategy, "--hedge-delay", "200ms"),
        "check",
        "--hedge-delay is only used by --strategy hedged and --strategy adaptive");
  }

  @Test
  void check_hedgeDelay_withEach_isRefused() {
    assertUsageError(
        CliRun.of("check", "user@email.com", "--each", "--hedge-delay", "200ms"),
        "check",
        "--hedge-delay is only used by --strategy hedged and --strategy adaptive");
  }

  @Test
  void check_hedgeDelay_withAdaptive_isUsed() {
    CliRun run =
        CliRun.of(
            "check",
            "user@email.com",
            "--strategy",
            "adaptive",
            "--hedge-delay",
            "100ms",
            "--demo-time-scale",
            "0.2");

    // facebook (prior 0.6) first; twitter starts after 100 ms, github after 200 ms and answers
    // FOUND at 400 ms, before facebook (1 s): without the delay, facebook would answer first.
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("verdict: FOUND on github", "adaptive: 3 started");
  }

  @ParameterizedTest
  @CsvSource({"--metrics-port, --port", "--port, --metrics-port"})
  void serve_aPortInUse_namesItsFlag_theMetricsPortApartFromTheGrpcPort(
      String busyFlag, String other) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int busy = taken.getLocalPort();

      CliRun run = CliRun.of("serve", busyFlag, String.valueOf(busy), other, "0");

      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.errLines())
          .containsExactly(
              "socialcheck: "
                  + busyFlag
                  + " "
                  + busy
                  + ": cannot listen on 127.0.0.1:"
                  + busy
                  + ": Address already in use");
    }
  }

  @Test
  void serve_unknownHost_saysSo() {
    CliRun run = CliRun.of("serve", "--port", "0", "--host", "no-such-host.invalid");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("--port 0: cannot listen on no-such-host.invalid:0: unknown host")
        .doesNotContainPattern(EXCEPTION_NAME);
  }

  @Test
  void serve_swappedTlsFiles_nameTheFlagAndTheFile() throws Exception {
    TestCertificates.Issued server = TestCertificates.newAuthority(dir, "ca").server("server");

    CliRun run =
        CliRun.of(
            "serve",
            "--port",
            "0",
            "--tls-cert",
            server.keyFile().toString(),
            "--tls-key",
            server.certificateFile().toString());

    assertUsageError(
        run,
        "serve",
        "--tls-cert "
            + server.keyFile()
            + ": found a private key, not a certificate (certificate and key swapped?)");
  }

  @Test
  void badConfigFile_isReportedWithoutExceptionNames() throws IOException {
    Path config = dir.resolve("bad.properties");
    Files.writeString(config, "port=\\uZZZZ\n");

    IllegalArgumentException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            IllegalArgumentException.class,
            () ->
                ConfigDefaults.from(
                    new String[] {"serve", "--config", config.toString()}, n -> null));

    assertThat(e.getMessage())
        .startsWith("config file " + config + ": not a properties file")
        .doesNotContainPattern(EXCEPTION_NAME);
  }
}
