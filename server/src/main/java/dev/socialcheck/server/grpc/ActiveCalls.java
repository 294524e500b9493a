package dev.socialcheck.server.grpc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Duration;

/**
 * Counts the calls in progress on the services it intercepts, so shutdown can wait for the calls
 * that matter (checks) without waiting for long-lived streams such as health watches.
 */
final class ActiveCalls implements ServerInterceptor {
  private final Object lock = new Object();

  @GuardedBy("lock")
  private int active;

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    synchronized (lock) {
      active++;
    }
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
    synchronized (lock) {
      active--;
      if (active == 0) {
        lock.notifyAll();
      }
    }
  }

  /** Calls started and not yet completed or cancelled. */
  int count() {
    synchronized (lock) {
      return active;
    }
  }

  /** Waits up to {@code timeout} for the count to reach zero; returns whether it did. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (active > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }
}
