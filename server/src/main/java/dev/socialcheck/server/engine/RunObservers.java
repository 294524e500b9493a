package dev.socialcheck.server.engine;

import java.time.Duration;
import java.util.Optional;

/** Combines run observers. */
final class RunObservers {
  private RunObservers() {}

  /**
   * Tells {@code first}, then {@code second}, everything; the check's trace is {@code first}'s
   * unless that one is {@link CheckTrace#NONE}.
   */
  static RunObserver both(RunObserver first, RunObserver second) {
    if (first == RunObserver.NONE) {
      return second;
    }
    if (second == RunObserver.NONE) {
      return first;
    }
    return new RunObserver() {
      @Override
      public CheckTrace checkStarted(String platformId, StartReason reason) {
        CheckTrace a = first.checkStarted(platformId, reason);
        CheckTrace b = second.checkStarted(platformId, reason);
        return a != CheckTrace.NONE ? a : b;
      }

      @Override
      public void checkEnded(
          String platformId, CheckStatus status, Duration latency, boolean cached) {
        first.checkEnded(platformId, status, latency, cached);
        second.checkEnded(platformId, status, latency, cached);
      }

      @Override
      public void checkCancelled(String platformId, String reason, Duration latency) {
        first.checkCancelled(platformId, reason, latency);
        second.checkCancelled(platformId, reason, latency);
      }

      @Override
      public void answerDecided(Verdict verdict, Optional<String> foundOn, Duration elapsed) {
        first.answerDecided(verdict, foundOn, elapsed);
        second.answerDecided(verdict, foundOn, elapsed);
      }

      @Override
      public void runCancelled() {
        first.runCancelled();
        second.runCancelled();
      }
    };
  }
}
