package dev.socialcheck.client;

import com.google.common.util.concurrent.AbstractFuture;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server-side checker whose checks complete only when the test says so, and which records whether
 * the server cancelled them: the test's view of what the server did.
 */
final class ControllableChecker implements PlatformChecker {
  private final BlockingQueue<Check> unclaimed = new LinkedBlockingQueue<>();
  private final List<Check> all = new ArrayList<>();

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    Check check = new Check(email.value());
    synchronized (all) {
      all.add(check);
    }
    unclaimed.add(check);
    return check.future;
  }

  /** The next check the server started, in start order; waits up to 10 s for it. */
  Check awaitCheck() throws InterruptedException {
    Check check = unclaimed.poll(10, TimeUnit.SECONDS);
    if (check == null) {
      throw new AssertionError("no check started within 10 s");
    }
    return check;
  }

  /** Every check started so far. */
  List<Check> checks() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  /** One check: the address it was for, and its controllable outcome. */
  static final class Check {
    private final String email;
    private final TrackingFuture future = new TrackingFuture();

    Check(String email) {
      this.email = email;
    }

    String email() {
      return email;
    }

    void complete(CheckOutcome outcome) {
      future.complete(outcome);
    }

    boolean isCancelled() {
      return future.isCancelled();
    }

    /** Waits up to 10 s for the server to cancel the check. */
    boolean awaitCancelled() throws InterruptedException {
      return future.cancelled.await(10, TimeUnit.SECONDS);
    }
  }

  private static final class TrackingFuture extends AbstractFuture<CheckOutcome> {
    final CountDownLatch cancelled = new CountDownLatch(1);

    void complete(CheckOutcome outcome) {
      set(outcome);
    }

    @Override
    protected void afterDone() {
      if (isCancelled()) {
        cancelled.countDown();
      }
    }
  }
}
