package dev.socialcheck.server.engine;

import static java.util.Objects.requireNonNull;

/**
 * Two addresses that tell whether a platform still behaves as its catalog entry says: one known to
 * have an account there, one known not to.
 */
public record SelfCheckAddresses(EmailAddress exists, EmailAddress missing) {

  public SelfCheckAddresses {
    requireNonNull(exists, "exists");
    requireNonNull(missing, "missing");
  }
}
