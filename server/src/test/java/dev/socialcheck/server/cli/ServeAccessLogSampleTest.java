package dev.socialcheck.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.grpc.SocialCheckServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code serve --access-log-sample}: the flag's default is the server's, and 1 writes every call.
 */
class ServeAccessLogSampleTest {

  private static ServeCommand parse(String... args) {
    CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);
    return (ServeCommand) parsed.subcommand().commandSpec().userObject();
  }

  @Test
  void default_isTheServersDefault() {
    assertThat(parse("serve").accessLogSample)
        .isEqualTo(SocialCheckServer.DEFAULT_ACCESS_LOG_SAMPLE)
        .isEqualTo(0.01);
  }

  @Test
  void one_writesEveryCall() {
    assertThat(parse("serve", "--access-log-sample", "1").accessLogSample).isEqualTo(1.0);
  }
}
