package dev.socialcheck.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code serve}'s canary and kind options refuse what makes no sense, before anything starts. */
class ServeCanaryOptionsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--canary-auto-disable 3 | --canary-auto-disable needs --canary-interval",
        "--canary-interval 0s | --canary-interval must be positive",
        "--canary-interval 1m --canary-auto-disable -1 | --canary-auto-disable must not be negative",
        "--allow-kind scraping | --allow-kind scraping: not a kind (kinds: api, lookup, signup-check)",
        "--catalog extended | --catalog extended holds sign-up form checks (kind signup-check)",
        "--catalog builtin --probe-client okhttp | --probe-client: unknown probe client 'okhttp'"
            + " (jdk, netty)",
      })
  void badOptions_areUsageErrors(String options, String message) {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    String[] args = ("serve --port 0 " + options).trim().split(" +");

    // A hang guard: an option wrongly accepted would start a server that never returns.
    int exit = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> commandLine.execute(args));

    assertThat(exit).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }
}
