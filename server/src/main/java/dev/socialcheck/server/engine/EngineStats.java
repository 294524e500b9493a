package dev.socialcheck.server.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of a {@link CheckEngine}. Thread-safe; values are read without locking. Every call
 * bumps several of them from whichever thread it runs on: {@link LongAdder}s, so that the threads
 * do not fight over one cache line. A value read while checks run is a moment's sum, not a snapshot
 * taken at one instant (an in-flight count may be off by the checks starting or ending at the time,
 * and is never shown below zero); once quiet, every value is exact.
 */
public final class EngineStats {
  private final LongAdder runsStarted = new LongAdder();
  private final LongAdder runsInFlight = new LongAdder();
  private final LongAdder checksStarted = new LongAdder();
  private final LongAdder checksCompleted = new LongAdder();
  private final LongAdder checksCancelled = new LongAdder();
  private final LongAdder checksInFlight = new LongAdder();

  EngineStats() {}

  void runStarted() {
    runsStarted.increment();
    runsInFlight.increment();
  }

  void runEnded() {
    runsInFlight.decrement();
  }

  void checkStarted() {
    checksStarted.increment();
    checksInFlight.increment();
  }

  void checkCompleted() {
    checksCompleted.increment();
    checksInFlight.decrement();
  }

  void checkCancelled() {
    checksCancelled.increment();
    checksInFlight.decrement();
  }

  /** Runs started since the engine was created. */
  public long runsStarted() {
    return runsStarted.sum();
  }

  /** Runs that have neither answered nor been cancelled. */
  public long runsInFlight() {
    return Math.max(0, runsInFlight.sum());
  }

  /** Checks started since the engine was created. */
  public long checksStarted() {
    return checksStarted.sum();
  }

  /** Checks that completed on their own (any status but cancelled). */
  public long checksCompleted() {
    return checksCompleted.sum();
  }

  /** Checks the engine cancelled (race lost, or the caller went away). */
  public long checksCancelled() {
    return checksCancelled.sum();
  }

  /** Checks started and neither completed nor cancelled. Zero whenever the engine is idle. */
  public long checksInFlight() {
    return Math.max(0, checksInFlight.sum());
  }
}
