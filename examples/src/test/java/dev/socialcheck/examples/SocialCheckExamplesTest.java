package dev.socialcheck.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import dev.socialcheck.server.catalog.DemoCatalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.grpc.SocialCheckServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The examples run end to end against the demo server on 127.0.0.1, ten times faster. */
class SocialCheckExamplesTest {
  private final ScheduledExecutorService scheduler = CheckEngine.newScheduler();
  private SocialCheckServer server;

  @BeforeEach
  void startServer() throws Exception {
    server =
        SocialCheckServer.builder(
                new CheckEngine(scheduler, Ticker.systemTicker()),
                DemoCatalog.create(scheduler, 0.1))
            .port(0)
            .start();
  }

  @AfterEach
  void stopServer() {
    server.shutdown();
    scheduler.shutdownNow();
  }

  @Test
  void run_againstTheDemoServer_printsEverySection() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      SocialCheckExamples.run("127.0.0.1:" + server.port(), "user@email.com", out);
    }

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .as("output of the examples")
        .contains("platform facebook (Facebook)")
        .contains("found on github")
        .contains("error INVALID_ARGUMENT: email has no '@' (retryable: false)")
        .contains("result github PLATFORM_STATUS_FOUND", "stream completed")
        .contains("first found on github")
        .contains("winner user@email.com on github")
        .contains("gave up after 300 ms: the call was cancelled");
  }
}
