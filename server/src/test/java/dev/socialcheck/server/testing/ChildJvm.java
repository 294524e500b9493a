package dev.socialcheck.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a class's {@code main} in a child JVM (this JVM's java, this test's class path), for what a
 * test cannot set in its own JVM (processor count, common-pool size), and returns what it printed.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code main} with {@code jvmFlags} and {@code args}; fails the test if it does not end
   * within {@code timeout} (the child is then killed).
   *
   * @return its standard output and error, trimmed
   */
  public static String run(
      Class<?> main, List<String> jvmFlags, List<String> args, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    // To a file, not a pipe: waiting with a timeout must not depend on the child closing it.
    Path output = Files.createTempFile("child-jvm", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        process.destroyForcibly().waitFor();
      }
      String printed = Files.readString(output, StandardCharsets.UTF_8).trim();
      assertThat(ended)
          .as("child JVM %s ended within %s; it printed: %s", main, timeout, printed)
          .isTrue();
      return printed;
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
