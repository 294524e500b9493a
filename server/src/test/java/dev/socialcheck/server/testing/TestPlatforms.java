package dev.socialcheck.server.testing;

import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import java.time.Duration;

/** Small factories for test platforms. */
public final class TestPlatforms {
  /** Timeout of platforms made here. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** An address used across tests. */
  public static final EmailAddress EMAIL = EmailAddress.parse("user@email.com");

  private TestPlatforms() {}

  public static Platform platform(String id, double prior, PlatformChecker checker) {
    return new Platform(id, id.toUpperCase(java.util.Locale.ROOT), prior, TIMEOUT, checker);
  }
}
