package dev.socialcheck.server.cli;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Ctrl-C for a command that waits on checks: cancels the check it waits for (which cancels every
 * platform call in flight), makes {@link #await} throw {@link CancellationException}, and holds the
 * process until the command has said so and {@link #close closed} this, at most a few seconds.
 */
final class CancelOnInterrupt implements AutoCloseable {
  private static final long GRACE_SECONDS = 5;

  private final Terminal.Registration registration;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Object lock = new Object();
  private volatile boolean interrupted;

  @GuardedBy("lock")
  private @Nullable ListenableFuture<?> waitingFor;

  CancelOnInterrupt(Terminal terminal) {
    registration = terminal.onInterrupt(this::interrupt);
  }

  /**
   * Waits for {@code future}.
   *
   * @throws CancellationException if interrupted before or while waiting
   */
  <T> T await(ListenableFuture<T> future) throws InterruptedException, ExecutionException {
    synchronized (lock) {
      waitingFor = future;
    }
    if (interrupted) {
      future.cancel(true);
    }
    try {
      return future.get();
    } finally {
      synchronized (lock) {
        waitingFor = null;
      }
    }
  }

  private void interrupt() {
    interrupted = true;
    ListenableFuture<?> future;
    synchronized (lock) {
      future = waitingFor;
    }
    if (future != null) {
      future.cancel(true);
    }
    try {
      closed.await(GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    registration.close();
  }
}
