package dev.socialcheck.server.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Optional;

/**
 * An OpenTelemetry SDK that keeps every ended span in memory (sampling everything, W3C trace
 * context propagation), for tests of span trees. Close it after the test.
 */
public final class InMemoryTracing implements AutoCloseable {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();

  public OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** Spans ended so far, in the order they ended. */
  public List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  /** The ended span named {@code name}, if any. */
  public Optional<SpanData> span(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).findFirst();
  }

  /** The ended span named {@code name}; fails if there is none. */
  public SpanData require(String name) {
    return span(name)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no span "
                        + name
                        + " among "
                        + spans().stream().map(SpanData::getName).toList()));
  }

  /** Names of the events of {@code span}, in order. */
  public static List<String> eventNames(SpanData span) {
    return span.getEvents().stream().map(EventData::getName).toList();
  }

  /** The first event of {@code span} named {@code name}; fails if there is none. */
  public static EventData event(SpanData span, String name) {
    return span.getEvents().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(span.getName() + " has no event " + name));
  }

  /** A string attribute of {@code span}. */
  public static String attribute(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  @Override
  public void close() {
    sdk.close();
  }
}
