package dev.socialcheck.server.engine;

import com.google.errorprone.annotations.concurrent.GuardedBy;

/**
 * Caps the extra platform calls hedging makes compared with a sequential run, like Finagle's {@code
 * maxExtraLoad}: every run deposits {@code maxExtraLoad} of a token, every hedge (a check started
 * while another is still running) withdraws a whole one. Over time at most {@code maxExtraLoad}
 * extra checks per run are started; a small reserve lets a quiet server hedge its first calls.
 * Thread-safe.
 */
public final class ExtraLoadBudget {
  private final double maxExtraLoad;
  private final double capacity;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private double balance;

  /**
   * @param maxExtraLoad extra checks allowed per run on average (0.25: at most 25 % more calls than
   *     sequential)
   * @param reserve tokens available at start and the most that can be saved up
   */
  public ExtraLoadBudget(double maxExtraLoad, double reserve) {
    if (maxExtraLoad < 0 || reserve < 0) {
      throw new IllegalArgumentException("maxExtraLoad and reserve must not be negative");
    }
    this.maxExtraLoad = maxExtraLoad;
    this.capacity = Math.max(1, reserve);
    this.balance = reserve;
  }

  /** The configured extra load per run. */
  public double maxExtraLoad() {
    return maxExtraLoad;
  }

  /** A run started. */
  void deposit() {
    synchronized (lock) {
      balance = Math.min(capacity, balance + maxExtraLoad);
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
