package dev.socialcheck.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client program (Python, Node, a buf script) to completion with a timeout, its output
 * (stdout and stderr merged) kept in {@code target/it-logs/NAME.log}. On timeout the program and
 * everything it started are killed and the run fails with what it printed so far.
 */
final class ExternalProgram {
  private ExternalProgram() {}

  /** What a finished program did. */
  record Result(List<String> command, int exitCode, String output, Duration took) {
    /** A report for assertion messages and the build log. */
    String describe() {
      return String.format(
          "$ %s%n%s%n(exit status %d after %d ms)",
          String.join(" ", command), output.stripTrailing(), exitCode, took.toMillis());
    }
  }

  /**
   * Runs {@code command} in {@code workDir}, with no standard input and {@code extraEnv} added to
   * the environment; waits at most {@code timeout}.
   *
   * @throws IOException if the program cannot be started (e.g. not installed)
   * @throws AssertionError if it does not finish within {@code timeout}
   */
  static Result run(
      String name,
      List<String> command,
      Path workDir,
      Map<String, String> extraEnv,
      Duration timeout)
      throws IOException, InterruptedException {
    Path log = Files.createDirectories(ItConfig.logDir()).resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(extraEnv);
    long start = System.nanoTime();
    Process process = builder.start();
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      if (process.isAlive()) {
        // Timed out or interrupted: kill the program and whatever it started (buf under bash).
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    if (!finished) {
      throw new AssertionError(
          String.format(
              "%s did not finish within %d s and was killed.%n$ %s%n%s",
              name, timeout.toSeconds(), String.join(" ", command), read(log)));
    }
    return new Result(command, process.exitValue(), read(log), took);
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
