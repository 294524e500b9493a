package dev.socialcheck.server.engine;

/**
 * How a run schedules its checks. All share one mechanism (see {@link CheckEngine}): checks start
 * in a planned order, the next one starts when none is running, and each step may also start the
 * next one after a delay without a {@code FOUND} (zero for {@link #RACE}, never for {@link
 * #SEQUENTIAL}, the request's hedge delay for {@link #HEDGED}, learned for {@link #ADAPTIVE}).
 */
public enum Strategy {
  /** Start every check at once; the first {@code FOUND} wins. Lowest latency, most calls. */
  RACE,
  /** One check at a time, most likely platform first. Fewest calls, highest latency. */
  SEQUENTIAL,
  /** Start the likeliest; add the next after each hedge delay without a {@code FOUND}. */
  HEDGED,
  /** HEDGED with learned order and delays and a cap on extra load; see {@link AdaptiveSettings}. */
  ADAPTIVE;

  /**
   * Whether a run of this strategy uses the request's hedge delay: {@link #HEDGED} at every step,
   * {@link #ADAPTIVE} for the platforms it has too few observations of. {@link #RACE} and {@link
   * #SEQUENTIAL} have no delay; callers refuse a hedge delay for them rather than ignore it.
   */
  public boolean usesHedgeDelay() {
    return this == HEDGED || this == ADAPTIVE;
  }
}
