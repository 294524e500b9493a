package dev.socialcheck.server.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * When a run starts each check.
 *
 * @param order the order of the platforms
 * @param hedgeAfter for each step, how long to wait after starting it before starting the next one
 *     even though it is still running (a hedge); empty: only once nothing runs any more
 * @param foundRates for each step, the chance that the platform answers FOUND (for early starts and
 *     the budget's cost)
 * @param earlyStartWaste start the next check at once when the chance that a running check answers
 *     FOUND (so that the new one was not needed) is at most this; negative: never
 * @param budget hedges withdraw their expected waste from it; {@code null}: unlimited
 */
record Schedule(
    List<Platform> order,
    List<Optional<Duration>> hedgeAfter,
    List<Double> foundRates,
    double earlyStartWaste,
    @Nullable ExtraLoadBudget budget) {

  Schedule {
    order = List.copyOf(order);
    hedgeAfter = List.copyOf(hedgeAfter);
    foundRates = List.copyOf(foundRates);
    if (order.size() != hedgeAfter.size() || order.size() != foundRates.size()) {
      throw new IllegalArgumentException("one hedge delay and found rate per platform");
    }
  }

  /** A fixed schedule: no early starts, no budget. */
  static Schedule fixed(List<Platform> order, Optional<Duration> hedgeAfter) {
    return new Schedule(
        order,
        Collections.nCopies(order.size(), hedgeAfter),
        Collections.nCopies(order.size(), 1.0),
        -1,
        null);
  }

  /**
   * Whether a hedge may start now; with a budget, it takes the hedge's expected waste (the chance
   * its call is not needed) from it.
   */
  boolean allowHedge(double waste) {
    return budget == null || budget.tryWithdraw(waste);
  }

  /**
   * A check started with the given expected waste (0 when nothing else runs): its needed share
   * earns budget.
   */
  void started(double waste) {
    if (budget != null) {
      budget.earn(1 - waste);
    }
  }
}
