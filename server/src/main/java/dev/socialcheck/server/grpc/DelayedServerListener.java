package dev.socialcheck.server.grpc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.grpc.ServerCall;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A call listener whose delegate is known only later (an interceptor waiting for an asynchronous
 * decision): events that arrive before then are queued, and replayed in order, before any later
 * event, once {@link #setDelegate} is called. After that, events pass straight through. The same
 * pattern as grpc-java's {@code DelayedClientCall}.
 *
 * <p>Thread-safe: events come from the transport (serialized), {@link #setDelegate} from any one
 * thread, once.
 */
final class DelayedServerListener<ReqT> extends ServerCall.Listener<ReqT> {
  @GuardedBy("this")
  private List<Runnable> pending = new ArrayList<>();

  @GuardedBy("this")
  private boolean passThrough;

  private volatile ServerCall.@Nullable Listener<ReqT> delegate;
  private volatile boolean cancelled;

  /** Whether the call was cancelled (the client left) while waiting. */
  boolean isCancelled() {
    return cancelled;
  }

  /** Sets the real listener and replays what arrived so far. Call once. */
  void setDelegate(ServerCall.Listener<ReqT> listener) {
    delegate = listener;
    List<Runnable> toRun = new ArrayList<>();
    while (true) {
      synchronized (this) {
        if (pending.isEmpty()) {
          passThrough = true;
          return;
        }
        List<Runnable> swap = pending;
        pending = toRun;
        toRun = swap;
      }
      for (Runnable event : toRun) {
        event.run();
      }
      toRun.clear();
    }
  }

  private void deliver(Runnable event) {
    synchronized (this) {
      if (!passThrough) {
        pending.add(event);
        return;
      }
    }
    event.run();
  }

  private ServerCall.Listener<ReqT> delegate() {
    ServerCall.Listener<ReqT> listener = delegate;
    if (listener == null) {
      throw new IllegalStateException("no delegate yet");
    }
    return listener;
  }

  @Override
  public void onMessage(ReqT message) {
    deliver(() -> delegate().onMessage(message));
  }

  @Override
  public void onHalfClose() {
    deliver(() -> delegate().onHalfClose());
  }

  @Override
  public void onCancel() {
    cancelled = true;
    deliver(() -> delegate().onCancel());
  }

  @Override
  public void onComplete() {
    deliver(() -> delegate().onComplete());
  }

  @Override
  public void onReady() {
    deliver(() -> delegate().onReady());
  }
}
