package dev.socialcheck.it;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code buf curl}, the grpcurl equivalent from npm @bufbuild/buf, driven by {@code
 * src/test/buf/check.sh} with the README's commands: lists services and methods by reflection,
 * checks health, calls ListPlatforms, HasSocialAccount (by reflection and from the .proto) and
 * CheckEach, and gets INVALID_ARGUMENT and DEADLINE_EXCEEDED as buf exit codes.
 */
class BufCurlIT {
  private static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    Path buf = ItConfig.testSources().resolve("node/node_modules/.bin/buf");
    PolyglotClients.requireTool(
        "buf (npm @bufbuild/buf, " + buf + ")",
        "BufCurlIT-probe",
        List.of(buf.toString(), "--version"),
        ItConfig.repoDir());
    server = ServerProcess.start("BufCurlIT");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void bufCurlPassesEveryCheck() throws Exception {
    Path script = ItConfig.testSources().resolve("buf/check.sh");
    PolyglotClients.runAndExpectSuccess(
        "BufCurlIT-check",
        List.of("bash", script.toString(), server.target()),
        ItConfig.repoDir(),
        "buf check: all ");
  }
}
