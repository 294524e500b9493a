package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Futures;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's openssl recipe for local certificates, run as written: its files serve mutual TLS to
 * a client that trusts its CA and shows its client certificate.
 */
class TlsRecipeTest {
  private static final String MARKER = "<!-- tls-recipe: TlsRecipeTest runs the next block -->";

  @TempDir Path dir;

  /** The fenced block after the marker in the README. */
  static String recipe() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int marker = readme.indexOf(MARKER);
    assertThat(marker).as("the README marks its TLS recipe").isNotNegative();
    int start = readme.indexOf("```\n", marker) + 4;
    int end = readme.indexOf("```", start);
    return readme.substring(start, end);
  }

  @Test
  void readmeRecipe_givesFilesThatServeMutualTls() throws Exception {
    assumeThat(TlsFilesTest.openssl()).as("openssl is installed (the recipe runs it)").isTrue();
    Process run =
        new ProcessBuilder("bash", "-euo", "pipefail", "-c", recipe())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as("the recipe's exit status; output:%n%s", output).isZero();

    TlsFiles files =
        new TlsFiles(
            dir.resolve("server.pem"),
            dir.resolve("server.key"),
            Optional.of(dir.resolve("ca.pem")));
    files.validate();
    ScheduledExecutorService scheduler = CheckEngine.newScheduler();
    Catalog catalog =
        new Catalog(
            "test",
            List.of(
                platform(
                    "a",
                    0.5,
                    (email, ctx) -> Futures.immediateFuture(CheckOutcome.notFound("no")))));
    SocialCheckServer server =
        SocialCheckServer.builder(new CheckEngine(scheduler, Ticker.systemTicker()), catalog)
            .port(0)
            .tls(files)
            .start();
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1",
                server.port(),
                TlsChannelCredentials.newBuilder()
                    .trustManager(dir.resolve("ca.pem").toFile())
                    .keyManager(
                        dir.resolve("client.pem").toFile(), dir.resolve("client.key").toFile())
                    .build())
            .build();
    try {
      int platforms =
          SocialAccountServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listPlatforms(ListPlatformsRequest.getDefaultInstance())
              .getPlatformsCount();

      assertThat(platforms).as("a call over mutual TLS with the recipe's files").isEqualTo(1);
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdown();
      scheduler.shutdownNow();
    }
  }
}
