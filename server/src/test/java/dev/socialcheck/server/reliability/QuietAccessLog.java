package dev.socialcheck.server.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Turns the access log (one line per call) down to warnings for a test class that makes thousands
 * of calls, and back afterwards: the lines cost time and bury the test output, and the access log
 * has tests of its own. Use with {@code @ExtendWith(QuietAccessLog.class)}.
 */
final class QuietAccessLog implements BeforeAllCallback, AfterAllCallback {
  private static final Logger ACCESS = (Logger) LoggerFactory.getLogger("socialcheck.access");
  private Level previous;

  @Override
  public void beforeAll(ExtensionContext context) {
    previous = ACCESS.getLevel();
    ACCESS.setLevel(Level.WARN);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    ACCESS.setLevel(previous);
  }
}
