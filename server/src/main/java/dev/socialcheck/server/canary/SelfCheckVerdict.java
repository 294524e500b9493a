package dev.socialcheck.server.canary;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import java.util.Set;

/**
 * What a platform's two self-check answers say about its catalog entry: the address known to have
 * an account must be {@code FOUND}, the one known not to must be {@code NOT_FOUND}.
 *
 * @param exists the outcome for the address with an account
 * @param missing the outcome for the address without one
 */
public record SelfCheckVerdict(CheckOutcome exists, CheckOutcome missing) {
  /** Outcomes that say nothing about the platform: our own limits refused the check. */
  private static final Set<CheckStatus> INCONCLUSIVE =
      Set.of(CheckStatus.RATE_LIMITED, CheckStatus.SKIPPED, CheckStatus.CANCELLED);

  public SelfCheckVerdict {
    requireNonNull(exists, "exists");
    requireNonNull(missing, "missing");
  }

  /** How the platform did. */
  public enum State {
    /** Both answers as declared. */
    OK,
    /** The platform answered, but not as declared: its rules no longer read it right. */
    CHANGED,
    /** At least one check got no answer (error, timeout, challenge page, ...). */
    NO_ANSWER,
    /** A check was refused by our own limits, or cancelled: nothing learned. */
    INCONCLUSIVE
  }

  /** The state these answers show. */
  public State state() {
    if (exists.status() == CheckStatus.FOUND && missing.status() == CheckStatus.NOT_FOUND) {
      return State.OK;
    }
    if (exists.status().isAnswer() && missing.status().isAnswer()) {
      return State.CHANGED;
    }
    if (INCONCLUSIVE.contains(exists.status()) || INCONCLUSIVE.contains(missing.status())) {
      return State.INCONCLUSIVE;
    }
    return State.NO_ANSWER;
  }

  /** The state in words, with the status that explains it ({@code NO ANSWER: TIMEOUT (...)}). */
  public String describe() {
    return switch (state()) {
      case OK -> "OK";
      case CHANGED -> "CHANGED: answers no longer match the catalog's rules";
      case NO_ANSWER, INCONCLUSIVE -> {
        CheckOutcome unanswered = exists.status().isAnswer() ? missing : exists;
        yield (state() == State.NO_ANSWER ? "NO ANSWER: " : "INCONCLUSIVE: ")
            + unanswered.status()
            + " ("
            + unanswered.detail()
            + ")";
      }
    };
  }
}
