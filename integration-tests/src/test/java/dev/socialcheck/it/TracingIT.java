package dev.socialcheck.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.io.BaseEncoding;
import dev.socialcheck.client.SocialCheckClient;
import dev.socialcheck.client.SocialCheckSettings;
import dev.socialcheck.server.testing.OtlpReceiver;
import dev.socialcheck.v1.HasSocialAccountResponse;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing end to end, the way an operator turns it on: the server jar started with the standard
 * {@code OTEL_*} variables exports its spans over OTLP/gRPC to a collector on 127.0.0.1, and a call
 * made by the Java SDK under a client span continues that span's trace on the server.
 */
class TracingIT {
  private OpenTelemetrySdk clientSdk;

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
    if (clientSdk != null) {
      clientSdk.close();
    }
  }

  private static String hex(com.google.protobuf.ByteString id) {
    return BaseEncoding.base16().lowerCase().encode(id.toByteArray());
  }

  @Test
  @SuppressWarnings("try") // the scope only makes the client span current
  void serverConfiguredByOtelVariables_exportsTheCallsTrace_continuingTheCallersSpan()
      throws Exception {
    clientSdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite()))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .buildAndRegisterGlobal();
    try (OtlpReceiver collector = OtlpReceiver.grpc();
        ServerProcess server =
            ServerProcess.start(
                "TracingIT",
                Map.of(
                    "OTEL_TRACES_EXPORTER", "otlp",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(),
                    "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
                    "OTEL_BSP_SCHEDULE_DELAY", "100"))) {
      Span caller = clientSdk.getTracer("it").spanBuilder("caller").startSpan();
      HasSocialAccountResponse answer;
      try (SocialCheckClient client =
              SocialCheckClient.create(
                  SocialCheckSettings.newBuilder()
                      .setTarget(server.target())
                      .setPlaintext(true)
                      .build());
          Scope scope = caller.makeCurrent()) {
        answer = client.hasSocialAccount("user@email.com").get(30, TimeUnit.SECONDS);
      } finally {
        caller.end();
      }
      assertThat(answer.getFoundOn()).isEqualTo("github");

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(collector.spans().stream().map(s -> s.getName()).toList())
                      .as("spans the collector received")
                      .contains(
                          "Recv.socialcheck.v1.SocialAccountService.HasSocialAccount",
                          "check facebook",
                          "check twitter",
                          "check github"));
      List<io.opentelemetry.proto.trace.v1.Span> spans = collector.spans();
      io.opentelemetry.proto.trace.v1.Span rpc =
          spans.stream().filter(s -> s.getName().startsWith("Recv.")).findFirst().orElseThrow();
      assertThat(hex(rpc.getTraceId()))
          .as("the server's trace is the caller's")
          .isEqualTo(caller.getSpanContext().getTraceId());
      assertThat(hex(rpc.getParentSpanId()))
          .as("the server span's parent is the caller's span")
          .isEqualTo(caller.getSpanContext().getSpanId());
      assertThat(collector.resourceAttribute("service.name")).contains("socialcheck");
      assertThat(server.output()).contains("tracing on");
    }
  }
}
