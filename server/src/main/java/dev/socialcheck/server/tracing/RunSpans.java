package dev.socialcheck.server.tracing;

import static dev.socialcheck.server.tracing.TraceAttributes.ANSWER_DECIDED;
import static dev.socialcheck.server.tracing.TraceAttributes.CACHED;
import static dev.socialcheck.server.tracing.TraceAttributes.CANCELLED;
import static dev.socialcheck.server.tracing.TraceAttributes.CANCEL_REASON;
import static dev.socialcheck.server.tracing.TraceAttributes.ELAPSED_MS;
import static dev.socialcheck.server.tracing.TraceAttributes.EMAIL_FINGERPRINT;
import static dev.socialcheck.server.tracing.TraceAttributes.FOUND_ON;
import static dev.socialcheck.server.tracing.TraceAttributes.HEDGE;
import static dev.socialcheck.server.tracing.TraceAttributes.HEDGE_STARTED;
import static dev.socialcheck.server.tracing.TraceAttributes.PLATFORM;
import static dev.socialcheck.server.tracing.TraceAttributes.PLATFORMS;
import static dev.socialcheck.server.tracing.TraceAttributes.START;
import static dev.socialcheck.server.tracing.TraceAttributes.STATUS;
import static dev.socialcheck.server.tracing.TraceAttributes.STRATEGY;
import static dev.socialcheck.server.tracing.TraceAttributes.VERDICT;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.CheckTrace;
import dev.socialcheck.server.engine.RunObserver;
import dev.socialcheck.server.engine.StartReason;
import dev.socialcheck.server.engine.Verdict;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The spans of one run: a span {@code check <platform>} per started check, child of the context the
 * run started in, ended when the check ends or is cancelled; the answer and a caller's cancellation
 * become events on the parent (the RPC's server span). Thread-safe.
 */
final class RunSpans implements RunObserver {
  private final Tracer tracer;
  private final Context parent;
  private final String strategy;
  private final boolean stopAtFirstFound;

  @GuardedBy("this")
  private final Map<String, Span> running = new HashMap<>();

  /** Cancellations that arrived before their check's start returned (see {@link RunObserver}). */
  @GuardedBy("this")
  private final Map<String, String> cancelledBeforeStart = new HashMap<>();

  @GuardedBy("this")
  private boolean foundSeen;

  RunSpans(Tracer tracer, Context parent, CheckRequest request) {
    this.tracer = tracer;
    this.parent = parent;
    // CheckEach runs (every platform checked) are labelled "each", as in the access log.
    this.strategy =
        request.stopAtFirstFound() ? request.strategy().name().toLowerCase(Locale.ROOT) : "each";
    this.stopAtFirstFound = request.stopAtFirstFound();
    Span rpc = Span.fromContext(parent);
    if (rpc.isRecording()) {
      rpc.setAttribute(STRATEGY, strategy);
      rpc.setAttribute(EMAIL_FINGERPRINT, request.email().fingerprint());
      rpc.setAttribute(PLATFORMS, (long) request.platforms().size());
    }
  }

  @Override
  public CheckTrace checkStarted(String platformId, StartReason reason) {
    Span span =
        tracer
            .spanBuilder("check " + platformId)
            .setParent(parent)
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(PLATFORM, platformId)
            .setAttribute(STRATEGY, strategy)
            .setAttribute(START, reason.name().toLowerCase(Locale.ROOT))
            .setAttribute(HEDGE, reason.isHedge())
            .startSpan();
    if (reason.isHedge()) {
      span.addEvent(HEDGE_STARTED, Attributes.of(START, reason.name().toLowerCase(Locale.ROOT)));
    }
    String cancelled;
    synchronized (this) {
      cancelled = cancelledBeforeStart.remove(platformId);
      if (cancelled == null) {
        running.put(platformId, span);
      }
    }
    if (cancelled != null) {
      endCancelled(span, cancelled);
    }
    return new StepSpans(tracer, Context.root().with(span));
  }

  @Override
  public void checkEnded(String platformId, CheckStatus status, Duration latency, boolean cached) {
    Span span;
    boolean decides;
    synchronized (this) {
      span = running.remove(platformId);
      decides = stopAtFirstFound && status == CheckStatus.FOUND && !foundSeen;
      foundSeen |= status == CheckStatus.FOUND;
    }
    if (span == null) {
      return;
    }
    span.setAttribute(STATUS, status.name().toLowerCase(Locale.ROOT));
    span.setAttribute(CACHED, cached);
    if (status == CheckStatus.ERROR || status == CheckStatus.TIMEOUT) {
      span.setStatus(StatusCode.ERROR, status.name().toLowerCase(Locale.ROOT));
    }
    if (decides) {
      span.addEvent(ANSWER_DECIDED, Attributes.of(FOUND_ON, platformId));
    }
    span.end();
  }

  @Override
  public void checkCancelled(String platformId, String reason, Duration latency) {
    Span span;
    synchronized (this) {
      span = running.remove(platformId);
      if (span == null) {
        cancelledBeforeStart.put(platformId, reason);
      }
    }
    if (span != null) {
      endCancelled(span, reason);
    }
  }

  private static void endCancelled(Span span, String reason) {
    span.setAttribute(STATUS, "cancelled");
    span.addEvent(CANCELLED, Attributes.of(CANCEL_REASON, reason));
    span.end();
  }

  @Override
  public void answerDecided(Verdict verdict, Optional<String> foundOn, Duration elapsed) {
    Span rpc = Span.fromContext(parent);
    if (!rpc.isRecording()) {
      return;
    }
    String verdictName = verdict.name().toLowerCase(Locale.ROOT);
    rpc.setAttribute(VERDICT, verdictName);
    rpc.addEvent(
        ANSWER_DECIDED,
        foundOn
            .map(
                platform ->
                    Attributes.of(
                        VERDICT, verdictName, FOUND_ON, platform, ELAPSED_MS, elapsed.toMillis()))
            .orElseGet(() -> Attributes.of(VERDICT, verdictName, ELAPSED_MS, elapsed.toMillis())));
  }

  @Override
  public void runCancelled() {
    Span rpc = Span.fromContext(parent);
    if (rpc.isRecording()) {
      rpc.addEvent(CANCELLED, Attributes.of(CANCEL_REASON, "the call was cancelled"));
    }
  }
}
