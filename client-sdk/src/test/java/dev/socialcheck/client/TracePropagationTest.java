package dev.socialcheck.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caller's OpenTelemetry context travels with its calls, so the server's trace continues it.
 */
class TracePropagationTest {
  private static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  private final HeaderRecorder headers = new HeaderRecorder();
  private OpenTelemetrySdk sdk;
  private TestServer server;

  @BeforeEach
  void setUp() throws Exception {
    GlobalOpenTelemetry.resetForTest();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                // Without a processor the SDK makes no real spans: one that drops what it gets.
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite()))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .buildAndRegisterGlobal();
    server = TestServer.inProcess(List.of("github"), headers);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    server.close();
    sdk.close();
    GlobalOpenTelemetry.resetForTest();
  }

  @SuppressWarnings("try") // the scope only makes the span current
  private Metadata callUnder(Span span, SocialCheckSettings settings) throws Exception {
    try (SocialCheckClient client = SocialCheckClient.create(settings);
        Scope scope = span.makeCurrent()) {
      client.listPlatforms().get(10, TimeUnit.SECONDS);
    }
    return headers.next();
  }

  @Test
  void callUnderASpan_carriesItsTraceparent() throws Exception {
    Span span = sdk.getTracer("test").spanBuilder("caller").startSpan();

    Metadata sent = callUnder(span, server.settings().build());
    span.end();

    assertThat(sent.get(TRACEPARENT))
        .as("traceparent header (version, trace id, parent id, then the flags)")
        .startsWith(
            "00-"
                + span.getSpanContext().getTraceId()
                + "-"
                + span.getSpanContext().getSpanId()
                + "-");
  }

  @Test
  void propagationOff_sendsNoTraceparent() throws Exception {
    Span span = sdk.getTracer("test").spanBuilder("caller").startSpan();

    Metadata sent = callUnder(span, server.settings().setTracePropagation(false).build());
    span.end();

    assertThat(sent.get(TRACEPARENT)).as("traceparent header").isNull();
  }

  @Test
  void noCurrentSpan_sendsNoTraceparent() throws Exception {
    try (SocialCheckClient client = SocialCheckClient.create(server.settings().build())) {
      client.listPlatforms().get(10, TimeUnit.SECONDS);
    }

    assertThat(headers.next().get(TRACEPARENT)).as("traceparent header").isNull();
  }
}
