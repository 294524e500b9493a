package dev.socialcheck.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A server stream's observer driven by hand: the test says when it is ready ({@link #ready}, and
 * for how many messages, {@link #readyFor}), runs the handlers the code under test set ({@link
 * #onReady}, {@link #onCancel}), and reads what was sent. Sending while not ready fails the test.
 *
 * @param <T> the response type; a subclass says what of each message it keeps ({@link #deliver})
 */
public abstract class FakeServerStream<T> extends ServerCallStreamObserver<T> {
  /** What the subclass kept of each message sent, in order. */
  public final List<String> sent = new ArrayList<>();

  public boolean ready = true;

  /** Ready for this many delivered messages at most. */
  public int readyFor = Integer.MAX_VALUE;

  public boolean completed;
  public @Nullable Throwable error;

  /** Messages requested from the client through {@link #request}. */
  public int requested;

  public Runnable onReady = () -> {};
  public Runnable onCancel = () -> {};

  /** Keeps what the test reads of a message sent. */
  protected abstract void deliver(T value);

  /** Messages delivered so far, what {@link #readyFor} counts (default: those in {@link #sent}). */
  protected int delivered() {
    return sent.size();
  }

  @Override
  public boolean isReady() {
    return ready && delivered() < readyFor;
  }

  @Override
  public void setOnReadyHandler(Runnable onReadyHandler) {
    this.onReady = onReadyHandler;
  }

  @Override
  public void setOnCancelHandler(Runnable onCancelHandler) {
    this.onCancel = onCancelHandler;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setCompression(String compression) {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void request(int count) {
    requested += count;
  }

  @Override
  public void setMessageCompression(boolean enable) {}

  @Override
  public void onNext(T value) {
    assertThat(isReady()).as("onNext only while ready").isTrue();
    deliver(value);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }
}
