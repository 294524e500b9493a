package dev.socialcheck.server.engine;

import com.google.errorprone.annotations.concurrent.GuardedBy;

/**
 * Caps the extra platform calls hedging makes compared with sequential runs, like Finagle's {@code
 * maxExtraLoad}. Every check started earns {@code maxExtraLoad} of a token for each call a
 * sequential run would also have made: a whole call for a check started when nothing else runs,
 * {@code 1 - waste} for a hedge (a check started while others run, which is not needed with the
 * chance {@code waste} that one of them answers FOUND). Every hedge pays its {@code waste}. So in
 * expectation the calls not needed stay within {@code maxExtraLoad} of the needed ones: 0.25 means
 * at most 25 % more calls than SEQUENTIAL. As in Finagle, {@code maxExtraLoad} is below 1: at 1,
 * every call could bring a wasted one. A small reserve lets a quiet server hedge its first calls.
 * Thread-safe.
 */
public final class ExtraLoadBudget {
  private final double maxExtraLoad;
  private final double capacity;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private double balance;

  /**
   * @param maxExtraLoad extra calls allowed per call a sequential run would make, in [0, 1) (0.25:
   *     at most 25 % more calls than sequential)
   * @param reserve tokens available at start and the most that can be saved up
   */
  public ExtraLoadBudget(double maxExtraLoad, double reserve) {
    if (!(maxExtraLoad >= 0 && maxExtraLoad < 1)) {
      throw new IllegalArgumentException("maxExtraLoad must be in [0, 1), was " + maxExtraLoad);
    }
    if (!(reserve >= 0)) {
      throw new IllegalArgumentException("reserve must not be negative, was " + reserve);
    }
    this.maxExtraLoad = maxExtraLoad;
    this.capacity = Math.max(1, reserve);
    this.balance = reserve;
  }

  /** The configured extra load per run. */
  public double maxExtraLoad() {
    return maxExtraLoad;
  }

  /**
   * A check started; {@code neededCalls} (0..1) is the chance a sequential run would also have made
   * its call.
   */
  void earn(double neededCalls) {
    synchronized (lock) {
      balance = Math.min(capacity, balance + maxExtraLoad * neededCalls);
    }
  }

  /** Takes {@code cost} (0..1) for a hedge; false if the budget cannot pay it. */
  boolean tryWithdraw(double cost) {
    synchronized (lock) {
      if (balance >= cost) {
        balance -= cost;
        return true;
      }
      return false;
    }
  }
}
