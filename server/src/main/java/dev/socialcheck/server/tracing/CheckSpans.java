package dev.socialcheck.server.tracing;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.RunObserver;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The engine hook of tracing: every run gets a {@link RunSpans} whose check spans are children of
 * the span current on the thread that started the run (the RPC's server span, which grpc-java's
 * OpenTelemetry module makes current in the handler). Thread-safe.
 */
public final class CheckSpans implements CheckObserver {
  private final Tracer tracer;

  /**
   * @param tracer makes the check and step spans
   */
  public CheckSpans(Tracer tracer) {
    this.tracer = requireNonNull(tracer, "tracer");
  }

  @Override
  public RunObserver runStarted(CheckRequest request) {
    return new RunSpans(tracer, Context.current(), request);
  }
}
