package dev.socialcheck.server.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * When a run starts each check: the order, and for each step how long to wait after starting it
 * before starting the next one even though it is still running (a hedge). Empty: only once nothing
 * runs any more. Hedges withdraw from {@code budget} when there is one.
 */
record Schedule(
    List<Platform> order, List<Optional<Duration>> hedgeAfter, @Nullable ExtraLoadBudget budget) {

  Schedule {
    order = List.copyOf(order);
    hedgeAfter = List.copyOf(hedgeAfter);
    if (order.size() != hedgeAfter.size()) {
      throw new IllegalArgumentException("one hedge delay per platform");
    }
  }

  /** Whether a hedge may start now (takes a budget token if there is a budget). */
  boolean allowHedge() {
    return budget == null || budget.tryWithdraw();
  }
}
