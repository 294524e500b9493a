package dev.socialcheck.server.engine;

/** Why a run started a check when it did. */
public enum StartReason {
  /** The run's first check. */
  FIRST,
  /** No other check of the run was running (SEQUENTIAL's every step, and any run's next step). */
  NEXT,
  /** Started together with the previous one: a zero hedge delay, as in RACE. */
  PARALLEL,
  /** The hedge delay passed without a FOUND while other checks were still running. */
  HEDGE,
  /**
   * ADAPTIVE's early start: the checks running were unlikely enough to answer FOUND that this one's
   * call was at least as likely needed as not.
   */
  EARLY;

  /**
   * Whether the check was a hedge: started speculatively, while earlier checks of the run were
   * still running and before the plan's order would have reached it ({@link #HEDGE} and {@link
   * #EARLY}). RACE's {@link #PARALLEL} starts are the plan itself, not hedges.
   */
  public boolean isHedge() {
    return this == HEDGE || this == EARLY;
  }
}
