package dev.socialcheck.server.testing;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.AbstractFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} on a fake clock, in the spirit of grpc-java's {@code
 * FakeClock}: nothing runs until the test calls {@link #advance}, which moves time forward and runs
 * the tasks that became due, in due order, on the calling thread. {@link #execute} runs at once.
 */
public final class FakeScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final Object lock = new Object();

  /**
   * Starts far below zero, like {@code System.nanoTime()} may: code must compare ticker
   * differences, never raw values.
   */
  @GuardedBy("lock")
  private long nowNanos = -(1L << 60);

  @GuardedBy("lock")
  private long sequence;

  @GuardedBy("lock")
  private final PriorityQueue<Task<?>> queue =
      new PriorityQueue<>(
          Comparator.<Task<?>>comparingLong(t -> t.dueNanos).thenComparingLong(t -> t.sequence));

  @GuardedBy("lock")
  private boolean shutdown;

  private final Ticker ticker =
      new Ticker() {
        @Override
        public long read() {
          synchronized (lock) {
            return nowNanos;
          }
        }
      };

  /** The fake clock, for code that measures time. */
  public Ticker ticker() {
    return ticker;
  }

  /** Moves the clock forward by {@code duration}, running every task that becomes due. */
  public void advance(Duration duration) {
    long target;
    synchronized (lock) {
      target = nowNanos + duration.toNanos();
    }
    while (true) {
      Task<?> task;
      synchronized (lock) {
        task = queue.peek();
        if (task == null || task.dueNanos > target) {
          nowNanos = target;
          return;
        }
        queue.poll();
        nowNanos = task.dueNanos;
      }
      task.run();
    }
  }

  /** Tasks scheduled so far, whatever became of them. */
  public long scheduledTotal() {
    synchronized (lock) {
      return sequence;
    }
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public int pendingTasks() {
    synchronized (lock) {
      return queue.size();
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return schedule(Executors.callable(command), delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    synchronized (lock) {
      if (shutdown) {
        throw new java.util.concurrent.RejectedExecutionException("shut down");
      }
      Task<V> task = new Task<>(callable, nowNanos + Math.max(0, unit.toNanos(delay)), sequence++);
      queue.add(task);
      return task;
    }
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public void shutdown() {
    synchronized (lock) {
      shutdown = true;
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    List<Task<?>> tasks;
    synchronized (lock) {
      shutdown = true;
      tasks = new ArrayList<>(queue);
    }
    tasks.forEach(t -> t.cancel(false));
    return List.copyOf(tasks);
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  @Override
  public boolean isTerminated() {
    return isShutdown();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isShutdown();
  }

  private final class Task<V> extends AbstractFuture<V> implements ScheduledFuture<V>, Runnable {
    private final Callable<V> callable;
    private final long dueNanos;
    private final long sequence;

    Task(Callable<V> callable, long dueNanos, long sequence) {
      this.callable = callable;
      this.dueNanos = dueNanos;
      this.sequence = sequence;
    }

    @Override
    public void run() {
      if (isDone()) {
        return;
      }
      try {
        set(callable.call());
      } catch (Exception e) {
        setException(e);
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - ticker.read(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    protected void afterDone() {
      if (isCancelled()) {
        synchronized (lock) {
          queue.remove(this);
        }
      }
    }
  }
}
