package dev.socialcheck.server.engine;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of a {@link CheckEngine}. Thread-safe; values are read without locking. */
public final class EngineStats {
  private final AtomicLong runsStarted = new AtomicLong();
  private final AtomicLong runsInFlight = new AtomicLong();
  private final AtomicLong checksStarted = new AtomicLong();
  private final AtomicLong checksCompleted = new AtomicLong();
  private final AtomicLong checksCancelled = new AtomicLong();
  private final AtomicLong checksInFlight = new AtomicLong();

  EngineStats() {}

  void runStarted() {
    runsStarted.incrementAndGet();
    runsInFlight.incrementAndGet();
  }

  void runEnded() {
    runsInFlight.decrementAndGet();
  }

  void checkStarted() {
    checksStarted.incrementAndGet();
    checksInFlight.incrementAndGet();
  }

  void checkCompleted() {
    checksCompleted.incrementAndGet();
    checksInFlight.decrementAndGet();
  }

  void checkCancelled() {
    checksCancelled.incrementAndGet();
    checksInFlight.decrementAndGet();
  }

  /** Runs started since the engine was created. */
  public long runsStarted() {
    return runsStarted.get();
  }

  /** Runs that have neither answered nor been cancelled. */
  public long runsInFlight() {
    return runsInFlight.get();
  }

  /** Checks started since the engine was created. */
  public long checksStarted() {
    return checksStarted.get();
  }

  /** Checks that completed on their own (any status but cancelled). */
  public long checksCompleted() {
    return checksCompleted.get();
  }

  /** Checks the engine cancelled (race lost, or the caller went away). */
  public long checksCancelled() {
    return checksCancelled.get();
  }

  /** Checks started and neither completed nor cancelled. Zero whenever the engine is idle. */
  public long checksInFlight() {
    return checksInFlight.get();
  }
}
