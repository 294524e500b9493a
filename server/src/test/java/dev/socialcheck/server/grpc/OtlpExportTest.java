package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.OtlpReceiver;
import dev.socialcheck.server.tracing.Tracing;
import dev.socialcheck.v1.HasSocialAccountRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real export path: tracing set up by the SDK's autoconfigure from OTLP settings, spans of a
 * call sent to a collector on loopback over the protocol {@code OTEL_EXPORTER_OTLP_PROTOCOL} names.
 */
class OtlpExportTest {

  @ParameterizedTest(name = "OTEL_EXPORTER_OTLP_PROTOCOL={0}")
  @ValueSource(strings = {"grpc", "http/protobuf"})
  void callSpans_reachTheCollector(String protocol) throws Exception {
    FakeChecker github = new FakeChecker();
    try (OtlpReceiver collector =
        protocol.equals("grpc") ? OtlpReceiver.grpc() : OtlpReceiver.httpProtobuf()) {
      Tracing tracing =
          Tracing.autoconfigure(
              Map.of(
                  "otel.traces.exporter",
                  "otlp",
                  "otel.exporter.otlp.endpoint",
                  collector.endpoint(),
                  "otel.exporter.otlp.protocol",
                  protocol));
      try (TestServer server =
          new TestServer(
              new Catalog("test", List.of(platform("github", 0.5, github))),
              tracing.observer(),
              builder -> builder.tracing(tracing))) {
        var answer =
            server
                .future()
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .hasSocialAccount(
                    HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build());
        github.awaitCall().complete(CheckOutcome.found("yes"));
        answer.get(10, TimeUnit.SECONDS);
      } finally {
        tracing.close(); // flushes the batch: the export happens here at the latest
      }

      List<String> names = collector.spans().stream().map(Span::getName).toList();
      assertThat(names)
          .as("spans received over %s", protocol)
          .contains("Recv.socialcheck.v1.SocialAccountService.HasSocialAccount", "check github");
      Span check =
          collector.spans().stream()
              .filter(s -> s.getName().equals("check github"))
              .findFirst()
              .orElseThrow();
      Span rpc =
          collector.spans().stream()
              .filter(s -> s.getName().startsWith("Recv."))
              .findFirst()
              .orElseThrow();
      assertThat(check.getParentSpanId()).as("check under the RPC").isEqualTo(rpc.getSpanId());
      assertThat(collector.resourceAttribute("service.name")).containsOnly("socialcheck");
    }
  }
}
