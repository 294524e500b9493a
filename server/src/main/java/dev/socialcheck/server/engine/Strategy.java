package dev.socialcheck.server.engine;

/**
 * How a run schedules its checks. All three share one mechanism (see {@link CheckEngine}): checks
 * start in descending prior order, the next one starts when none is running, and {@link #HEDGED}
 * additionally starts the next one each time its hedge delay passes without a {@code FOUND}.
 */
public enum Strategy {
  /** Start every check at once; the first {@code FOUND} wins. Lowest latency, most calls. */
  RACE,
  /** One check at a time, most likely platform first. Fewest calls, highest latency. */
  SEQUENTIAL,
  /** Start the likeliest; add the next after each hedge delay without a {@code FOUND}. */
  HEDGED
}
