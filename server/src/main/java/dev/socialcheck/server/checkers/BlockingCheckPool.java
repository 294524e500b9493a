package dev.socialcheck.server.checkers;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.FluentFuture;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ListenableFutureTask;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.spi.BlockingCheck;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bounded pool that runs {@link BlockingCheck}s, the code of checker providers that can only
 * block: {@link #checker} turns one into an asynchronous {@link PlatformChecker}.
 *
 * <ul>
 *   <li><b>Bounded.</b> At most {@code threads} checks run at once and {@code queueCapacity} wait;
 *       beyond, a check answers {@code RATE_LIMITED} ("blocking checker pool full") at once, like
 *       every other limit of the server: a queue that grows only adds latency in front of a
 *       platform that is already slow.
 *   <li><b>Interrupted.</b> Cancelling a check's future ({@code cancel(true)}, as the engine does
 *       when the answer is known or the caller left) interrupts the thread running it; a check
 *       still waiting in the queue leaves it and never runs.
 *   <li><b>Timed.</b> The check's timeout counts from the call, queueing included: when it passes,
 *       the thread is interrupted and the check answers {@code TIMEOUT}.
 *   <li><b>Failures are outcomes.</b> A thrown exception is {@code ERROR} with its type only.
 * </ul>
 *
 * <p>Threads are created when needed and end after a minute idle (daemon threads: they never keep
 * the process alive). Thread-safe; {@link #close()} interrupts what runs.
 */
public final class BlockingCheckPool implements AutoCloseable {
  /** The detail of a check refused because every thread is busy and the queue is full. */
  public static final String FULL = "blocking checker pool full";

  private final ThreadPoolExecutor executor;
  private final ScheduledExecutorService timers;
  private final int threads;
  private final int queueCapacity;

  /**
   * @param threads checks run at once, at least 1
   * @param queueCapacity checks that may wait for a thread, 0 or more
   * @param timers runs the checks' timeouts (borrowed, not shut down)
   */
  public BlockingCheckPool(int threads, int queueCapacity, ScheduledExecutorService timers) {
    checkArgument(threads >= 1, "threads must be at least 1: %s", threads);
    checkArgument(queueCapacity >= 0, "queueCapacity must not be negative: %s", queueCapacity);
    this.threads = threads;
    this.queueCapacity = queueCapacity;
    this.timers = requireNonNull(timers, "timers");
    BlockingQueue<Runnable> queue =
        queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            1,
            TimeUnit.MINUTES,
            queue,
            new ThreadFactoryBuilder()
                .setNameFormat("socialcheck-blocking-%d")
                .setDaemon(true)
                .build(),
            new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
  }

  /** A checker that runs {@code check} on this pool. */
  public PlatformChecker checker(BlockingCheck check) {
    requireNonNull(check, "check");
    return (email, context) -> run(check, email, context);
  }

  /** Checks waiting for a thread (for tests and metrics). */
  public int queued() {
    return executor.getQueue().size();
  }

  private ListenableFuture<CheckOutcome> run(
      BlockingCheck check, EmailAddress email, CheckContext context) {
    ListenableFutureTask<CheckOutcome> task =
        ListenableFutureTask.create(() -> outcome(check, email, context));
    // A check cancelled while queued leaves the queue at once: it must not hold a place there.
    task.addListener(
        () -> {
          if (task.isCancelled()) {
            executor.remove(task);
          }
        },
        directExecutor());
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      return Futures.immediateFuture(
          new CheckOutcome(
              CheckStatus.RATE_LIMITED,
              FULL + " (" + threads + " running, " + queueCapacity + " waiting)"));
    }
    // On timeout, withTimeout cancels the task with an interrupt; cancelling the returned future
    // does the same (both propagate cancel(true) to the task).
    return FluentFuture.from(
            Futures.withTimeout(task, context.timeout().toNanos(), TimeUnit.NANOSECONDS, timers))
        .catching(
            TimeoutException.class,
            e ->
                new CheckOutcome(
                    CheckStatus.TIMEOUT,
                    "no answer within " + DurationText.format(context.timeout())),
            directExecutor());
  }

  private static CheckOutcome outcome(
      BlockingCheck check, EmailAddress email, CheckContext context) {
    CheckOutcome outcome;
    try {
      outcome = check.check(email, context);
    } catch (InterruptedException e) {
      // Cancelled or out of time: the future is done already, this value is dropped.
      Thread.currentThread().interrupt();
      return CheckOutcome.error("interrupted");
    } catch (Exception e) {
      // The exception's message may carry personal data: report its type only.
      return CheckOutcome.error("checker failed: " + e.getClass().getSimpleName());
    }
    return outcome != null ? outcome : CheckOutcome.error("checker returned no outcome");
  }

  /** Interrupts the checks that run and drops those that wait. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
