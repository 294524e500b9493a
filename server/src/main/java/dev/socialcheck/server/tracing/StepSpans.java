package dev.socialcheck.server.tracing;

import dev.socialcheck.server.engine.CheckTrace;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/** A check's {@link CheckTrace}: each step is a child span of the check's span. */
final class StepSpans implements CheckTrace {
  private final Tracer tracer;
  private final Context check;

  StepSpans(Tracer tracer, Context check) {
    this.tracer = tracer;
    this.check = check;
  }

  @Override
  public Step startStep(String name) {
    Span span = tracer.spanBuilder(name).setParent(check).startSpan();
    return new Step() {
      @Override
      public void setAttribute(String key, String value) {
        span.setAttribute(key, value);
      }

      @Override
      public void setAttribute(String key, long value) {
        span.setAttribute(key, value);
      }

      @Override
      public void fail(String reason) {
        span.setStatus(StatusCode.ERROR, reason);
      }

      @Override
      public void end() {
        span.end();
      }
    };
  }
}
