package dev.socialcheck.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Shared steps of the polyglot tests: check that a tool is installed (failing, never skipping, with
 * the command that installs it), and run a client program against a server and assert that every
 * one of its checks passed.
 */
final class PolyglotClients {
  /** Bound on one client run; each takes a few seconds at time scale 0.2. */
  static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(2);

  /** Bound on a tool probe such as {@code python3 -c 'import grpc'}. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

  /** Plain output from every tool, whatever the terminal. */
  static final Map<String, String> ENV =
      Map.of("NO_COLOR", "1", "PYTHONDONTWRITEBYTECODE", "1", "BUF_LOG_FORMAT", "text");

  private PolyglotClients() {}

  /**
   * Fails (the test class does not run, it does not skip) unless {@code probe} runs and exits 0.
   *
   * @param what the tool, for the message, e.g. "Python gRPC (python3-grpcio)"
   */
  static void requireTool(String what, String name, List<String> probe, Path workDir)
      throws InterruptedException {
    ExternalProgram.Result result;
    try {
      result = ExternalProgram.run(name, probe, workDir, ENV, PROBE_TIMEOUT);
    } catch (IOException e) {
      throw new AssertionError(
          what + " is not installed (" + e.getMessage() + "): " + ItConfig.SETUP_HINT, e);
    }
    if (result.exitCode() != 0) {
      throw new AssertionError(
          what + " is not installed or broken: " + ItConfig.SETUP_HINT + "\n" + result.describe());
    }
  }

  /**
   * Runs a client program (which takes the server's {@code HOST:PORT} as its last argument), prints
   * its report to the build log, and asserts that it exited 0 after saying {@code passedLine}.
   */
  static void runAndExpectSuccess(
      String name, List<String> command, Path workDir, String passedLine)
      throws IOException, InterruptedException {
    ExternalProgram.Result result =
        ExternalProgram.run(name, command, workDir, ENV, CLIENT_TIMEOUT);
    System.out.println(result.describe());
    assertThat(result.exitCode())
        .as("exit status of %s; its report:%n%s", name, result.describe())
        .isZero();
    // Guards against a client that exits 0 without having checked anything.
    assertThat(result.output())
        .as("report of %s", name)
        .containsPattern("(?m)^" + java.util.regex.Pattern.quote(passedLine));
  }
}
