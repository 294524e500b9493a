package dev.socialcheck.server.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** The log output: text lines for people, or one JSON object per line for log pipelines. */
enum LogFormat {
  TEXT,
  JSON;

  /** Reconfigures logback for this format (logback.xml picks the appender by name). */
  void apply() {
    String current = System.getProperty("socialcheck.log.format", "TEXT");
    if (current.equals(name())) {
      return;
    }
    System.setProperty("socialcheck.log.format", name());
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.reset();
      try {
        new ContextInitializer(context).autoConfig();
      } catch (JoranException e) {
        throw new IllegalStateException(
            "cannot configure " + name().toLowerCase(Locale.ROOT) + " logs", e);
      }
    }
  }
}
