package dev.socialcheck.bench;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A simulated platform with a capacity: {@code workers} requests served at once, each for the
 * service time; the others wait in its FIFO queue. A request cancelled while queued leaves the
 * queue; one cancelled while served keeps its worker to the end (the platform does not know). So
 * doubling the service time halves the capacity, and work queued beyond it only waits. Timers only:
 * no thread per request.
 */
final class SaturablePlatform implements PlatformChecker {
  private static final CheckOutcome ANSWER = CheckOutcome.notFound("saturable: no account");

  private final int workers;
  private final ScheduledExecutorService scheduler;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Queue<SettableFuture<CheckOutcome>> queue = new ArrayDeque<>();

  @GuardedBy("lock")
  private int busy;

  private volatile long serviceNanos;

  SaturablePlatform(int workers, long serviceMillis, ScheduledExecutorService scheduler) {
    this.workers = workers;
    this.serviceNanos = TimeUnit.MILLISECONDS.toNanos(serviceMillis);
    this.scheduler = scheduler;
  }

  /** Multiplies the service time (2: capacity halves). */
  void slowDown(double factor) {
    serviceNanos = Math.round(serviceNanos * factor);
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    SettableFuture<CheckOutcome> answer = SettableFuture.create();
    boolean serveNow;
    synchronized (lock) {
      serveNow = busy < workers;
      if (serveNow) {
        busy++;
      } else {
        queue.add(answer);
      }
    }
    if (serveNow) {
      serve(answer);
    }
    return answer;
  }

  private void serve(SettableFuture<CheckOutcome> answer) {
    // Runs on the scheduler until it is shut down; set() and next() do not throw.
    ScheduledFuture<?> unused =
        scheduler.schedule(
            () -> {
              answer.set(ANSWER); // no-op if cancelled meanwhile: the worker was busy all the same
              next();
            },
            serviceNanos,
            TimeUnit.NANOSECONDS);
  }

  /** A worker is free: serve the oldest request still wanted. */
  private void next() {
    SettableFuture<CheckOutcome> waiting;
    synchronized (lock) {
      do {
        waiting = queue.poll();
      } while (waiting != null && waiting.isCancelled());
      if (waiting == null) {
        busy--;
        return;
      }
    }
    serve(waiting);
  }
}
