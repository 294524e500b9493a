package dev.socialcheck.server.engine;

import java.util.Collection;

/** The overall answer of a run. */
public enum Verdict {
  /** At least one platform said {@link CheckStatus#FOUND}. */
  FOUND,
  /** Every platform said {@link CheckStatus#NOT_FOUND}. */
  NOT_FOUND,
  /** No platform said {@code FOUND}, and at least one could not answer. */
  UNKNOWN;

  /**
   * Derives the verdict: any {@code FOUND} wins; all {@code NOT_FOUND} (and at least one result)
   * gives {@code NOT_FOUND}; anything else is {@code UNKNOWN}.
   */
  public static Verdict of(Collection<PlatformResult> results) {
    boolean allNotFound = !results.isEmpty();
    for (PlatformResult result : results) {
      if (result.status() == CheckStatus.FOUND) {
        return FOUND;
      }
      allNotFound &= result.status() == CheckStatus.NOT_FOUND;
    }
    return allNotFound ? NOT_FOUND : UNKNOWN;
  }
}
