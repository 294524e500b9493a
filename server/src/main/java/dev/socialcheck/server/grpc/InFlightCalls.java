package dev.socialcheck.server.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Counts the calls in progress on the services it intercepts, sheds load beyond a {@link
 * ConcurrencyLimit} (fixed, or adaptive), and lets shutdown wait for the calls that matter (checks)
 * without waiting for long-lived streams such as health watches.
 *
 * <p>Load shedding: a call that would exceed the limit fails at once with {@code
 * RESOURCE_EXHAUSTED} and a retry hint, instead of queueing without bound. Work queued behind a
 * full server only gets slower for everyone; failing fast lets clients back off or go to another
 * replica.
 *
 * <p>What an adaptive limit learns from: the duration of every {@code HasSocialAccount} and {@code
 * CheckEach} call that the server completed (any status but a refusal before the work started:
 * {@code INVALID_ARGUMENT}, {@code RESOURCE_EXHAUSTED}, {@code UNAUTHENTICATED}); a call whose
 * deadline passed counts as dropped (overload); a call the client cancelled, and {@code
 * ListPlatforms}, teach it nothing.
 */
final class InFlightCalls implements ServerInterceptor {
  /** Retry hint for shed calls. */
  static final Duration SHED_RETRY_HINT = Duration.ofMillis(100);

  private static ConcurrencyLimit.Outcome ignore() {
    return ConcurrencyLimit.Outcome.IGNORE;
  }

  private final ConcurrencyLimit.Admission admission;
  private final Runnable onShed;

  /** Calls in progress: an atomic count, so that calls on different threads never queue here. */
  private final AtomicInteger active = new AtomicInteger();

  /** Notified when the count reaches zero, for {@link #awaitIdle}. */
  private final Object idle = new Object();

  /**
   * @param limit how many calls may be in progress at once; beyond, calls are shed
   * @param onShed told about every shed call (metrics); fast, never throws
   */
  InFlightCalls(ConcurrencyLimit limit, Runnable onShed) {
    this.admission = limit.newAdmission();
    this.onShed = onShed;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    ConcurrencyLimit.Permit permit = admission.tryAcquire();
    if (permit == null) {
      onShed.run();
      Metadata trailers = new Metadata();
      CallerRateLimit.addRetryHint(trailers, SHED_RETRY_HINT);
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "server busy: " + admission.limit() + " calls in progress; retry shortly"),
          trailers);
      return new ServerCall.Listener<>() {};
    }
    active.incrementAndGet();
    ServerCall<ReqT, RespT> started = call;
    Supplier<ConcurrencyLimit.Outcome> completed = InFlightCalls::ignore;
    Supplier<ConcurrencyLimit.Outcome> cancelled = InFlightCalls::ignore;
    // A fixed limit learns nothing: then no per-call watcher, as cheap as a bare counter.
    if (admission.learns()
        && !MethodNames.bare(call.getMethodDescriptor()).equals("ListPlatforms")) {
      AtomicReference<Status.@Nullable Code> closedWith = new AtomicReference<>();
      started =
          new SimpleForwardingServerCall<ReqT, RespT>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
              closedWith.compareAndSet(null, status.getCode());
              super.close(status, trailers);
            }
          };
      completed = () -> completed(closedWith.get());
      Deadline deadline = Context.current().getDeadline();
      cancelled =
          () ->
              deadline != null && deadline.isExpired()
                  ? ConcurrencyLimit.Outcome.DROPPED
                  : ConcurrencyLimit.Outcome.IGNORE;
    }
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(started, headers);
    } catch (RuntimeException e) {
      ended(permit, ConcurrencyLimit.Outcome.IGNORE);
      throw e;
    }
    Supplier<ConcurrencyLimit.Outcome> onComplete = completed;
    Supplier<ConcurrencyLimit.Outcome> onCancel = cancelled;
    return new SimpleForwardingServerCallListener<ReqT>(listener) {
      @Override
      public void onComplete() {
        ended(permit, onComplete.get());
        super.onComplete();
      }

      @Override
      public void onCancel() {
        ended(permit, onCancel.get());
        super.onCancel();
      }
    };
  }

  /** Refusals before any work say nothing about load; anything else the server finished does. */
  private static ConcurrencyLimit.Outcome completed(Status.@Nullable Code code) {
    if (code == null
        || code == Status.Code.INVALID_ARGUMENT
        || code == Status.Code.RESOURCE_EXHAUSTED
        || code == Status.Code.UNAUTHENTICATED) {
      return ConcurrencyLimit.Outcome.IGNORE;
    }
    return ConcurrencyLimit.Outcome.SAMPLE;
  }

  private void ended(ConcurrencyLimit.Permit permit, ConcurrencyLimit.Outcome outcome) {
    permit.release(outcome);
    if (active.decrementAndGet() == 0) {
      // A waiter checks the count and waits under this lock: it cannot miss the notification.
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** The current limit (fixed, or what the adaptive limit learned). */
  int limit() {
    return admission.limit();
  }

  /** Calls started and not yet completed or cancelled. */
  int count() {
    return active.get();
  }

  /** Waits up to {@code timeout} for the count to reach zero; returns whether it did. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (active.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
      return true;
    }
  }
}
