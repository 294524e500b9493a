package dev.socialcheck.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.base.Splitter;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Operations of a real server process: {@code --log-format json} writes one JSON object per line,
 * with an access-log line per call (with {@code --access-log-sample 1}) that carries the address's
 * hash and never the address; the metrics endpoint serves the call counters.
 */
class OperationsIT {
  private static final String EMAIL = "secret.person@email.com";

  @Test
  void jsonLogs_oneObjectPerLine_accessLogged_andNoAddressAnywhere() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    String scrape;
    try (ServerProcess server =
        ServerProcess.start(
            "OperationsIT",
            "--log-format",
            "json",
            "--metrics-port",
            "0",
            "--access-log-sample",
            "1")) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub =
            SocialAccountServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, SECONDS);
        stub.hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail(EMAIL).build());
        assertThatExceptionOfType(StatusRuntimeException.class)
            .isThrownBy(
                () ->
                    stub.hasSocialAccount(
                        HasSocialAccountRequest.newBuilder().setEmail("secret.person@").build()));
      } finally {
        channel.shutdownNow().awaitTermination(10, SECONDS);
      }
      scrape = ServerMetrics.of(server).scrape();
    }

    ObjectMapper json = new ObjectMapper();
    String output =
        new String(
            java.nio.file.Files.readAllBytes(logOf("OperationsIT")),
            java.nio.charset.StandardCharsets.UTF_8);
    for (String line : Splitter.on('\n').split(output)) {
      if (!line.isBlank()) {
        lines.add(json.readTree(line)); // fails the test if a line is not JSON
      }
    }
    assertThat(output).doesNotContain("secret.person");
    assertThat(lines)
        .filteredOn(l -> l.path("logger").asText().equals("socialcheck.access"))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l.path("email").asText()).startsWith("hmac:"));
    assertThat(lines)
        .as("flat lines with an ISO-8601 @timestamp, a level, a thread and a message")
        .allSatisfy(
            l -> {
              assertThat(java.time.OffsetDateTime.parse(l.path("@timestamp").asText())).isNotNull();
              assertThat(l.path("level").asText()).isNotEmpty();
              assertThat(l.path("thread").asText()).isNotEmpty();
              assertThat(l.has("message")).isTrue();
            });
    assertThat(lines).anySatisfy(l -> assertThat(l.path("message").asText()).startsWith("stopped"));
    assertThat(scrape)
        .contains(
            "socialcheck_rpc_requests_total{code=\"OK\",method=\"HasSocialAccount\",strategy=\"race\"} 1.0")
        .doesNotContain("secret.person");
  }

  private static java.nio.file.Path logOf(String name) {
    return ItConfig.logDir().resolve(name + "-server.log");
  }
}
