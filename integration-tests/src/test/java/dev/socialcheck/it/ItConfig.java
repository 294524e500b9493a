package dev.socialcheck.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things are, from the system properties that maven-failsafe-plugin sets (see this module's
 * pom.xml). Run from an IDE, the defaults assume the working directory is {@code
 * integration-tests/}.
 */
final class ItConfig {
  private ItConfig() {}

  /** The repository's root folder. */
  static Path repoDir() {
    return Path.of(System.getProperty("socialcheck.it.repoDir", "..")).toAbsolutePath().normalize();
  }

  /** The shaded server jar that {@code ./mvnw package} builds in server/. */
  static Path serverJar() {
    String jar = System.getProperty("socialcheck.it.serverJar");
    return jar != null
        ? Path.of(jar).toAbsolutePath().normalize()
        : repoDir().resolve("server/target/socialcheck-server-all.jar");
  }

  /** The jar of the example checker type that {@code ./mvnw package} builds in checker-example/. */
  static Path checkerExampleJar() {
    String jar = System.getProperty("socialcheck.it.checkerExampleJar");
    return jar != null
        ? Path.of(jar).toAbsolutePath().normalize()
        : repoDir()
            .resolve("checker-example/target/socialcheck-checker-example-0.1.0-SNAPSHOT.jar");
  }

  /** Where the server and client outputs are kept, one file per process. */
  static Path logDir() {
    String dir = System.getProperty("socialcheck.it.logDir");
    return dir != null ? Path.of(dir) : repoDir().resolve("integration-tests/target/it-logs");
  }

  /** The server's {@code --demo-time-scale}. */
  static String timeScale() {
    return System.getProperty("socialcheck.it.timeScale", "0.2");
  }

  /** Debian's python3, the only one that sees python3-grpcio and python3-grpc-tools. */
  static String python() {
    return System.getProperty("socialcheck.it.python", "/usr/bin/python3");
  }

  /** The node executable (a name looked up on PATH, or a path). */
  static String node() {
    return System.getProperty("socialcheck.it.node", "node");
  }

  /** {@code integration-tests/src/test/}: the client programs live under it. */
  static Path testSources() {
    return repoDir().resolve("integration-tests/src/test");
  }

  /** The java launcher of the JVM running the tests. */
  static Path java() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return Files.isExecutable(java) ? java : Path.of("java");
  }

  /** The command that installs the polyglot tools, for failure messages. */
  static final String SETUP_HINT =
      "run integration-tests/setup-polyglot.sh once (it installs python3-grpcio and"
          + " python3-grpc-tools with apt-get, and @grpc/grpc-js, @grpc/proto-loader and"
          + " @bufbuild/buf with npm ci); .ci/run does it before ./mvnw -B verify";
}
