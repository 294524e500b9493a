package dev.socialcheck.server.grpc;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls in progress on the services it intercepts, sheds load beyond a limit, and lets
 * shutdown wait for the calls that matter (checks) without waiting for long-lived streams such as
 * health watches.
 *
 * <p>Load shedding: a call that would exceed the limit fails at once with {@code
 * RESOURCE_EXHAUSTED} and a retry hint, instead of queueing without bound. Work queued behind a
 * full server only gets slower for everyone; failing fast lets clients back off or go to another
 * replica.
 */
final class InFlightCalls implements ServerInterceptor {
  /** Retry hint for shed calls. */
  static final Duration SHED_RETRY_HINT = Duration.ofMillis(100);

  private final int limit;

  /** Calls in progress: an atomic count, so that calls on different threads never queue here. */
  private final AtomicInteger active = new AtomicInteger();

  /** Notified when the count reaches zero, for {@link #awaitIdle}. */
  private final Object idle = new Object();

  /**
   * @param limit most calls in progress at once; beyond, calls are shed
   */
  InFlightCalls(int limit) {
    this.limit = limit;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    int now;
    do {
      now = active.get();
      if (now >= limit) {
        Metadata trailers = new Metadata();
        CallerRateLimit.addRetryHint(trailers, SHED_RETRY_HINT);
        call.close(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "server busy: " + limit + " calls in progress; retry shortly"),
            trailers);
        return new ServerCall.Listener<>() {};
      }
    } while (!active.compareAndSet(now, now + 1));
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      ended();
      throw e;
    }
    return new SimpleForwardingServerCallListener<ReqT>(listener) {
      @Override
      public void onComplete() {
        ended();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        ended();
        super.onCancel();
      }
    };
  }

  private void ended() {
    if (active.decrementAndGet() == 0) {
      // A waiter checks the count and waits under this lock: it cannot miss the notification.
      synchronized (idle) {
        idle.notifyAll();
      }
    }
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
