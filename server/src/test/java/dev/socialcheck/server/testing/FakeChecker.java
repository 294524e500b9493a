package dev.socialcheck.server.testing;

import com.google.common.util.concurrent.AbstractFuture;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A checker whose checks complete only when the test says so. Every call is recorded with a future
 * the test completes, fails, or observes being cancelled.
 */
public final class FakeChecker implements PlatformChecker {
  private final List<Call> calls = new ArrayList<>();
  private final CountDownLatch firstCall = new CountDownLatch(1);

  @Override
  public synchronized ListenableFuture<CheckOutcome> check(
      EmailAddress email, CheckContext context) {
    Call call = new Call(email, context);
    calls.add(call);
    firstCall.countDown();
    return call.future;
  }

  /** Number of checks started. */
  public synchronized int callCount() {
    return calls.size();
  }

  /** Whether a check was started. */
  public boolean wasCalled() {
    return callCount() > 0;
  }

  /** The only or latest call; fails if there was none. */
  public synchronized Call lastCall() {
    if (calls.isEmpty()) {
      throw new AssertionError("checker was never called");
    }
    return calls.get(calls.size() - 1);
  }

  /** The call of the given index, in the order checks were started; fails if there is none. */
  public synchronized Call call(int index) {
    if (index >= calls.size()) {
      throw new AssertionError("checker was called " + calls.size() + " times, not " + (index + 1));
    }
    return calls.get(index);
  }

  /** Waits for the first call (for tests where a server thread makes it). */
  public Call awaitCall() throws InterruptedException {
    if (!firstCall.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("checker was not called within 10 s");
    }
    return lastCall();
  }

  /** One check: its input and its controllable future. */
  public static final class Call {
    private final EmailAddress email;
    private final CheckContext context;
    private final TrackingFuture future = new TrackingFuture();

    Call(EmailAddress email, CheckContext context) {
      this.email = email;
      this.context = context;
    }

    public EmailAddress email() {
      return email;
    }

    public CheckContext context() {
      return context;
    }

    public void complete(CheckOutcome outcome) {
      future.set(outcome);
    }

    public void fail(Throwable t) {
      future.setException(t);
    }

    public boolean isCancelled() {
      return future.isCancelled();
    }

    /** Whether the check completed, failed or was cancelled. */
    public boolean isDone() {
      return future.isDone();
    }

    /** Whether the engine cancelled with {@code cancel(true)}. */
    public boolean wasCancelledWithInterrupt() {
      return future.isCancelled() && future.interrupted();
    }

    /** Waits until the check is cancelled (for tests where a server thread cancels it). */
    public void awaitCancelled() throws InterruptedException {
      if (!future.cancelled.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("check was not cancelled within 10 s");
      }
    }
  }

  private static final class TrackingFuture extends AbstractFuture<CheckOutcome> {
    final CountDownLatch cancelled = new CountDownLatch(1);

    @Override
    protected boolean set(CheckOutcome value) {
      return super.set(value);
    }

    @Override
    protected boolean setException(Throwable throwable) {
      return super.setException(throwable);
    }

    boolean interrupted() {
      return wasInterrupted();
    }

    @Override
    protected void afterDone() {
      if (isCancelled()) {
        cancelled.countDown();
      }
    }
  }
}
