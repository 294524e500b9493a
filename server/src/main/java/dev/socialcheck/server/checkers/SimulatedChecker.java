package dev.socialcheck.server.checkers;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ListeningScheduledExecutorService;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.SettableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A platform that calls nothing: it answers after a fixed latency, the same answer for every
 * address unless a plus-address tag says otherwise ({@code user+nobody@email.com} has the tag
 * {@code nobody}). The demo catalog's platforms, and the checker type {@code simulated}. Each
 * answer is a timer on the given scheduler, so a check in flight holds no thread and cancelling it
 * removes the timer. Thread-safe.
 */
public final class SimulatedChecker implements PlatformChecker {
  private final Duration latency;
  private final Answer answer;
  private final ImmutableMap<String, Answer> whenTagged;
  private final ListeningScheduledExecutorService timers;

  /**
   * What a simulated platform answers: a status, or {@link #NONE} (it never answers; the engine's
   * timeout ends the check).
   *
   * @param status the status; {@code null} for {@link #NONE}
   */
  public record Answer(@Nullable CheckStatus status) {
    /** Never answers. */
    public static final Answer NONE = new Answer(null);

    /** Answers {@code status}. */
    public static Answer of(CheckStatus status) {
      return new Answer(requireNonNull(status, "status"));
    }

    CheckOutcome outcome() {
      CheckStatus s = requireNonNull(status, "a NONE answer has no outcome");
      return switch (s) {
        case FOUND -> CheckOutcome.found("simulated: account exists");
        case NOT_FOUND -> CheckOutcome.notFound("simulated: no account");
        case ERROR -> CheckOutcome.error("simulated platform error (HTTP 503)");
        default -> new CheckOutcome(s, "simulated: " + s);
      };
    }
  }

  /**
   * @param latency how long every answer takes
   * @param answer what an address without a listed tag gets
   * @param whenTagged answers by tag; an address with several listed tags gets the first in this
   *     map's order
   * @param scheduler runs the answers' timers; not owned
   */
  public SimulatedChecker(
      Duration latency,
      Answer answer,
      Map<String, Answer> whenTagged,
      ScheduledExecutorService scheduler) {
    checkArgument(!latency.isNegative(), "latency must not be negative");
    this.latency = latency;
    this.answer = requireNonNull(answer, "answer");
    this.whenTagged = ImmutableMap.copyOf(whenTagged);
    this.timers = MoreExecutors.listeningDecorator(scheduler);
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    Answer chosen = answerFor(tagsOf(email));
    if (chosen.status() == null) {
      // Never answers; the engine's timeout cancels it, which completes nothing but this future.
      return SettableFuture.create();
    }
    CheckOutcome outcome = chosen.outcome();
    return timers.schedule(() -> outcome, latency.toNanos(), TimeUnit.NANOSECONDS);
  }

  private Answer answerFor(Set<String> tags) {
    Optional<Answer> tagged =
        whenTagged.entrySet().stream()
            .filter(e -> tags.contains(e.getKey()))
            .map(Map.Entry::getValue)
            .findFirst();
    return tagged.orElse(answer);
  }

  private static Set<String> tagsOf(EmailAddress email) {
    String[] parts = email.localPart().split("\\+");
    return Arrays.stream(parts).skip(1).collect(Collectors.toUnmodifiableSet());
  }
}
