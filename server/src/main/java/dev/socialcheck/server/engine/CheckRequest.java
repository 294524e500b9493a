package dev.socialcheck.server.engine;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One run's input. Build with {@link #builder}.
 *
 * @param email the address to check
 * @param platforms the platforms to check (non-empty, distinct ids); the run orders them by
 *     descending prior
 * @param strategy how checks are scheduled
 * @param hedgeDelay for strategies that {@link Strategy#usesHedgeDelay use it}: the wait before
 *     starting the next platform
 * @param checkTimeout optional cap on every check's timeout
 * @param budget optional time left for the whole run (the caller's deadline); no check runs past it
 * @param stopAtFirstFound whether the first {@code FOUND} ends the run ({@code false}: every
 *     platform is checked, as for streaming)
 */
public record CheckRequest(
    EmailAddress email,
    List<Platform> platforms,
    Strategy strategy,
    Duration hedgeDelay,
    Optional<Duration> checkTimeout,
    Optional<Duration> budget,
    boolean stopAtFirstFound) {

  /** Hedge delay used when none is given. */
  public static final Duration DEFAULT_HEDGE_DELAY = Duration.ofSeconds(1);

  /** The {@link #mode()} of runs that check every platform ({@code stopAtFirstFound} false). */
  public static final String EACH_MODE = "each";

  /** Largest hedge delay a caller may ask for (API and command line alike). */
  public static final Duration MAX_HEDGE_DELAY = Duration.ofSeconds(60);

  /**
   * What is wrong with {@code hedgeDelay} as a caller's choice, e.g. {@code "must not be
   * negative"}; {@code null} if it is fine (0 to {@link #MAX_HEDGE_DELAY}).
   */
  public static @Nullable String hedgeDelayProblem(Duration hedgeDelay) {
    if (hedgeDelay.isNegative()) {
      return "must not be negative";
    }
    if (hedgeDelay.compareTo(MAX_HEDGE_DELAY) > 0) {
      return "must be at most " + MAX_HEDGE_DELAY.toSeconds() + "s";
    }
    return null;
  }

  public CheckRequest {
    requireNonNull(email, "email");
    platforms = List.copyOf(platforms);
    requireNonNull(strategy, "strategy");
    requireNonNull(hedgeDelay, "hedgeDelay");
    requireNonNull(checkTimeout, "checkTimeout");
    requireNonNull(budget, "budget");
    checkArgument(!platforms.isEmpty(), "at least one platform is required");
    checkDistinct(platforms);
    checkArgument(!hedgeDelay.isNegative(), "hedgeDelay must not be negative");
    // Not toNanos(): it overflows past 292 years, and a caller may send any valid proto duration.
    checkTimeout.ifPresent(
        t -> checkArgument(!t.isNegative() && !t.isZero(), "checkTimeout must be positive"));
  }

  /**
   * Refuses a platform listed twice. Every request is checked: a short list (a catalog has a few
   * dozen platforms at most) is compared pairwise, without allocating; a long one through a set.
   */
  private static void checkDistinct(List<Platform> platforms) {
    int n = platforms.size();
    if (n > 32) {
      Set<String> ids = new HashSet<>();
      for (Platform platform : platforms) {
        checkArgument(ids.add(platform.id()), "platform %s listed twice", platform.id());
      }
      return;
    }
    for (int i = 1; i < n; i++) {
      String id = platforms.get(i).id();
      for (int j = 0; j < i; j++) {
        checkArgument(!platforms.get(j).id().equals(id), "platform %s listed twice", id);
      }
    }
  }

  /**
   * How the run goes, in one word for metrics and summaries: the strategy in lower case ({@code
   * race}, {@code hedged}, ...), or {@link #EACH_MODE} for a run that checks every platform, which
   * has no strategy of its own.
   */
  public String mode() {
    return stopAtFirstFound ? strategy.name().toLowerCase(Locale.ROOT) : EACH_MODE;
  }

  /** Starts a request for {@code email} over {@code platforms}: RACE, stop at first FOUND. */
  public static Builder builder(EmailAddress email, List<Platform> platforms) {
    return new Builder(email, platforms);
  }

  /** Builder of {@link CheckRequest}; not thread-safe. */
  public static final class Builder {
    private final EmailAddress email;
    private final List<Platform> platforms;
    private Strategy strategy = Strategy.RACE;
    private Duration hedgeDelay = DEFAULT_HEDGE_DELAY;
    private Optional<Duration> checkTimeout = Optional.empty();
    private Optional<Duration> budget = Optional.empty();
    private boolean stopAtFirstFound = true;

    private Builder(EmailAddress email, List<Platform> platforms) {
      this.email = email;
      this.platforms = platforms;
    }

    public Builder strategy(Strategy strategy) {
      this.strategy = strategy;
      return this;
    }

    public Builder hedgeDelay(Duration hedgeDelay) {
      this.hedgeDelay = hedgeDelay;
      return this;
    }

    public Builder checkTimeout(Duration checkTimeout) {
      this.checkTimeout = Optional.of(checkTimeout);
      return this;
    }

    public Builder budget(Duration budget) {
      this.budget = Optional.of(budget);
      return this;
    }

    public Builder stopAtFirstFound(boolean stopAtFirstFound) {
      this.stopAtFirstFound = stopAtFirstFound;
      return this;
    }

    public CheckRequest build() {
      return new CheckRequest(
          email, platforms, strategy, hedgeDelay, checkTimeout, budget, stopAtFirstFound);
    }
  }
}
