package dev.socialcheck.server.engine;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A platform the engine can check.
 *
 * @param id stable lower-case id used in requests and results ({@code [a-z0-9][a-z0-9_-]{0,31}})
 * @param displayName name for people
 * @param prior estimated share of addresses with an account there, in [0, 1]; orders the sequential
 *     and hedged strategies
 * @param timeout time after which a check reports {@link CheckStatus#TIMEOUT}
 * @param checker the implementation
 * @param selfCheck addresses for {@code socialcheck selfcheck}, if the catalog declares them
 * @param description what kind of endpoint is asked, where it is documented, what an answer means
 */
public record Platform(
    String id,
    String displayName,
    double prior,
    Duration timeout,
    PlatformChecker checker,
    Optional<SelfCheckAddresses> selfCheck,
    PlatformDescription description) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  public Platform {
    requireNonNull(id, "id");
    requireNonNull(displayName, "displayName");
    requireNonNull(timeout, "timeout");
    requireNonNull(checker, "checker");
    requireNonNull(selfCheck, "selfCheck");
    requireNonNull(description, "description");
    checkArgument(ID.matcher(id).matches(), "platform id must match %s: %s", ID, id);
    checkArgument(prior >= 0 && prior <= 1, "prior of %s must be in [0, 1]: %s", id, prior);
    checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout of %s must be positive", id);
  }

  /** A platform without a description. */
  public Platform(
      String id,
      String displayName,
      double prior,
      Duration timeout,
      PlatformChecker checker,
      Optional<SelfCheckAddresses> selfCheck) {
    this(id, displayName, prior, timeout, checker, selfCheck, PlatformDescription.NONE);
  }

  /** The same platform with another checker (a decorator around this one's). */
  public Platform withChecker(PlatformChecker other) {
    return new Platform(id, displayName, prior, timeout, other, selfCheck, description);
  }

  /** A platform without self-check addresses. */
  public Platform(
      String id, String displayName, double prior, Duration timeout, PlatformChecker checker) {
    this(id, displayName, prior, timeout, checker, Optional.empty());
  }
}
