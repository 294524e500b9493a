package dev.socialcheck.server.checkers;

import org.jspecify.annotations.Nullable;

/**
 * Sees every exchange of the probes it is given to ({@code selfcheck --record} writes them into
 * fixtures). Called on the thread that received the answer, one call at a time per check.
 */
@FunctionalInterface
public interface ProbeRecorder {

  /**
   * One request and its answer.
   *
   * @param platformId the platform probed
   * @param step the step's name, or {@code null} for the deciding request
   * @param values the check's values (address, random token, what was extracted so far)
   * @param cookies the check's cookie jar
   */
  void exchange(
      String platformId,
      @Nullable String step,
      OutgoingRequest request,
      ProbeResponse response,
      ProbeValues values,
      CookieJar cookies);
}
