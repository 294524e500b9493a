package dev.socialcheck.server.engine;

import java.time.Duration;
import java.util.Arrays;
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
 * @param reportOrder the order of the results in the report: the planned order, which {@link
 *     #cachedFirst} does not change
 */
record Schedule(
    List<Platform> order,
    List<Optional<Duration>> hedgeAfter,
    List<Double> foundRates,
    double earlyStartWaste,
    @Nullable ExtraLoadBudget budget,
    List<Platform> reportOrder) {

  Schedule {
    // Every run builds a schedule: compare the two orders only when they are not the same list.
    boolean reportInOrder = reportOrder == order;
    order = List.copyOf(order);
    hedgeAfter = List.copyOf(hedgeAfter);
    foundRates = List.copyOf(foundRates);
    reportOrder = reportInOrder ? order : List.copyOf(reportOrder);
    if (order.size() != hedgeAfter.size() || order.size() != foundRates.size()) {
      throw new IllegalArgumentException("one hedge delay and found rate per platform");
    }
    if (!reportInOrder
        && !new java.util.HashSet<>(order).equals(new java.util.HashSet<>(reportOrder))) {
      throw new IllegalArgumentException("the report lists the platforms of the order");
    }
  }

  /** A schedule whose report lists the platforms in the order they are started. */
  Schedule(
      List<Platform> order,
      List<Optional<Duration>> hedgeAfter,
      List<Double> foundRates,
      double earlyStartWaste,
      @Nullable ExtraLoadBudget budget) {
    this(order, hedgeAfter, foundRates, earlyStartWaste, budget, order);
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
   * This schedule with the platforms that can answer {@code email} from a cache moved to the front,
   * cached FOUND answers first, then cached NOT_FOUND, each group and the rest in their order. A
   * cached FOUND then decides the run as it is launched, before any platform is called (the engine
   * never calls a checker once the run is decided), and a cached NOT_FOUND is settled at once.
   */
  Schedule cachedFirst(EmailAddress email) {
    int n = order.size();
    int[] rank = null; // made at the first cached answer: most runs have none
    for (int i = 0; i < n; i++) {
      Optional<CheckStatus> cached = order.get(i).checker().cachedAnswer(email);
      if (cached.isEmpty()) {
        if (rank != null) {
          rank[i] = 2;
        }
        continue;
      }
      if (rank == null) {
        rank = new int[n];
        Arrays.fill(rank, 0, i, 2); // the ones before: not cached
      }
      rank[i] = cached.get() == CheckStatus.FOUND ? 0 : 1;
    }
    if (rank == null) {
      return this;
    }
    List<Integer> moved = new java.util.ArrayList<>(n);
    for (int group = 0; group <= 2; group++) {
      for (int i = 0; i < n; i++) {
        if (rank[i] == group) {
          moved.add(i);
        }
      }
    }
    return new Schedule(
        moved.stream().map(order::get).toList(),
        moved.stream().map(hedgeAfter::get).toList(),
        moved.stream().map(foundRates::get).toList(),
        earlyStartWaste,
        budget,
        reportOrder);
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
