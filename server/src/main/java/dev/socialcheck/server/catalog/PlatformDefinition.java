package dev.socialcheck.server.catalog;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.engine.PlatformDescription;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import java.time.Duration;
import java.util.Optional;

/**
 * A platform as its catalog entry defines it, before the server's protections are put around its
 * checker: what {@link CatalogReader} yields and {@link CheckerStack} assembles.
 *
 * @param id stable id ({@code [a-z0-9][a-z0-9_-]{0,31}})
 * @param displayName name for people
 * @param prior share of addresses with an account there, in [0, 1]
 * @param timeout time after which a check reports {@code TIMEOUT}
 * @param type the checker type that built {@link #checker} ({@code http}, {@code simulated}, ...)
 * @param description kind of endpoint, source, notes (the kind is the entry's {@code kind}, else
 *     its type)
 * @param selfCheck the self-check addresses, if declared
 * @param limits the protections to put around the checker; empty: none (the demo's simulated
 *     platforms, which call nothing)
 * @param checker what the provider built, undecorated
 */
public record PlatformDefinition(
    String id,
    String displayName,
    double prior,
    Duration timeout,
    String type,
    PlatformDescription description,
    Optional<SelfCheckAddresses> selfCheck,
    Optional<PlatformLimits> limits,
    PlatformChecker checker) {

  public PlatformDefinition {
    requireNonNull(type, "type");
    requireNonNull(limits, "limits");
    // The engine's rules (id syntax, prior in [0, 1], positive timeout) are Platform's: check now.
    new Platform(id, displayName, prior, timeout, checker, selfCheck, description);
  }

  /** The checker type of platforms built by code ({@link #unprotected}) rather than a catalog. */
  public static final String CODE = "code";

  /**
   * A platform built by code (tests, benchmarks), to be assembled as it is: no limits, its checker
   * the platform's.
   */
  public static PlatformDefinition unprotected(Platform platform) {
    return new PlatformDefinition(
        platform.id(),
        platform.displayName(),
        platform.prior(),
        platform.timeout(),
        CODE,
        platform.description(),
        platform.selfCheck(),
        Optional.empty(),
        platform.checker());
  }

  /** This platform with {@code decorated} in place of its checker, for the engine. */
  public Platform toPlatform(PlatformChecker decorated) {
    return new Platform(id, displayName, prior, timeout, decorated, selfCheck, description);
  }
}
