package dev.socialcheck.server.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * Hears what happens in one run, in order, for tracing and per-run metrics: obtained from {@link
 * CheckObserver#runStarted} when the run starts.
 *
 * <p>Calls come from arbitrary threads, never under an engine lock, and may overlap for different
 * checks of the run. For one check, {@link #checkCancelled} may arrive before {@link #checkStarted}
 * returned (the answer was decided by another thread while this check's checker was being called):
 * implementations cope. Must be fast and must not throw.
 */
public interface RunObserver {

  /** Observes nothing. */
  RunObserver NONE = new RunObserver() {};

  /**
   * The check of {@code platformId} is about to call its checker.
   *
   * @return where the checker reports its steps ({@link CheckContext#trace()})
   */
  default CheckTrace checkStarted(String platformId, StartReason reason) {
    return CheckTrace.NONE;
  }

  /**
   * A started check ended on its own with {@code status} (any but {@code CANCELLED}); {@code
   * cached} if a result cache answered it without a platform call.
   */
  default void checkEnded(
      String platformId, CheckStatus status, Duration latency, boolean cached) {}

  /** The engine cancelled a started check; {@code reason} says why (no personal data). */
  default void checkCancelled(String platformId, String reason, Duration latency) {}

  /** The run's answer is fixed; {@code foundOn} is the platform whose FOUND came first, if any. */
  default void answerDecided(Verdict verdict, Optional<String> foundOn, Duration elapsed) {}

  /** The caller cancelled the run before its answer (after {@link #checkCancelled} calls). */
  default void runCancelled() {}
}
