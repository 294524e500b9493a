package dev.socialcheck.it;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Node client ({@code src/test/node/client.js}: @grpc/grpc-js with @grpc/proto-loader reading
 * the project's .proto) passes every scenario check against the real server: health, ListPlatforms,
 * the RACE seed scenario, NOT_FOUND, CheckEach order, INVALID_ARGUMENT, DEADLINE_EXCEEDED and
 * cancelling a stream.
 */
class NodeClientIT {
  private static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    Path nodeDir = ItConfig.testSources().resolve("node");
    PolyglotClients.requireTool(
        "Node gRPC (@grpc/grpc-js and @grpc/proto-loader in " + nodeDir + "/node_modules)",
        "NodeClientIT-probe",
        List.of(
            ItConfig.node(),
            "-e",
            "require('@grpc/grpc-js'); require('@grpc/proto-loader');"
                + " console.log('node ' + process.version)"),
        nodeDir);
    server = ServerProcess.start("NodeClientIT");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void nodeClientPassesEveryCheck() throws Exception {
    Path nodeDir = ItConfig.testSources().resolve("node");
    PolyglotClients.runAndExpectSuccess(
        "NodeClientIT-client",
        List.of(ItConfig.node(), nodeDir.resolve("client.js").toString(), server.target()),
        ItConfig.repoDir(),
        "node client: all ");
  }
}
