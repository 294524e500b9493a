package dev.socialcheck.server.engine;

import java.time.Duration;

/**
 * Hears what the engine does, for metrics and tracing. Calls come from arbitrary threads, never
 * under an engine lock; implementations must be thread-safe and fast (count, do not block).
 */
public interface CheckObserver {

  /** Observes nothing. */
  CheckObserver NONE = new CheckObserver() {};

  /** A check of {@code platformId} started: a call to the platform is (about to be) made. */
  default void checkStarted(String platformId) {}

  /**
   * A started check ended: on its own (any status but {@code CANCELLED}), or cancelled by the
   * engine ({@code CANCELLED}: the answer was known, or the caller went away).
   */
  default void checkEnded(String platformId, CheckStatus status, Duration latency) {}

  /**
   * A started check was answered from a result cache: no platform call was made. Called instead of
   * {@link #checkEnded} for such checks.
   */
  default void checkAnsweredFromCache(String platformId, CheckStatus status) {}

  /**
   * A check completed after the engine had already cancelled it: the platform call was made and its
   * answer thrown away (the checker did not stop in time).
   */
  default void checkWasted(String platformId) {}

  /** A run answered (not called for runs the caller cancelled). */
  default void runAnswered(Strategy strategy, Verdict verdict, Duration elapsed) {}

  /**
   * A run starts, on the thread that called {@link CheckEngine#run} (so a tracer can read that
   * thread's current context): returns what hears about this run's checks. Default: {@link
   * RunObserver#NONE}, which costs nothing per check.
   */
  default RunObserver runStarted(CheckRequest request) {
    return RunObserver.NONE;
  }

  /** An observer that tells {@code first}, then {@code second}, everything. */
  static CheckObserver both(CheckObserver first, CheckObserver second) {
    if (first == NONE) {
      return second;
    }
    if (second == NONE) {
      return first;
    }
    return new CheckObserver() {
      @Override
      public void checkStarted(String platformId) {
        first.checkStarted(platformId);
        second.checkStarted(platformId);
      }

      @Override
      public void checkEnded(String platformId, CheckStatus status, Duration latency) {
        first.checkEnded(platformId, status, latency);
        second.checkEnded(platformId, status, latency);
      }

      @Override
      public void checkAnsweredFromCache(String platformId, CheckStatus status) {
        first.checkAnsweredFromCache(platformId, status);
        second.checkAnsweredFromCache(platformId, status);
      }

      @Override
      public void checkWasted(String platformId) {
        first.checkWasted(platformId);
        second.checkWasted(platformId);
      }

      @Override
      public void runAnswered(Strategy strategy, Verdict verdict, Duration elapsed) {
        first.runAnswered(strategy, verdict, elapsed);
        second.runAnswered(strategy, verdict, elapsed);
      }

      @Override
      public RunObserver runStarted(CheckRequest request) {
        return RunObservers.both(first.runStarted(request), second.runStarted(request));
      }
    };
  }
}
