package dev.socialcheck.server.testing;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures what the named loggers write during each test, instead of printing it, so that a test
 * that provokes an error on purpose can assert it and the build log stays clean. Anything captured
 * at WARN or above that the test did not {@link #take} is printed after the test as usual: an
 * unexpected error still shows.
 *
 * <pre>{@code
 * @RegisterExtension final CapturedLogs logs = CapturedLogs.of(CheckEachStream.class);
 * ...
 * assertThat(logs.take(Level.ERROR, "CheckEach failed unexpectedly")).hasSize(1);
 * }</pre>
 *
 * <p>gRPC's own loggers (java.util.logging) are captured too: {@link JulThroughSlf4j} routes them.
 */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {
  /**
   * gRPC's logger of a server stream: it warns, with a stack trace, about a request it refuses
   * before it reaches the service (e.g. "Exception processing message" for one over the size
   * limit).
   */
  public static final String GRPC_SERVER_STREAM =
      "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream";

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<Logger> loggers;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final List<ILoggingEvent> taken = new ArrayList<>();
  private final List<Boolean> additivity = new ArrayList<>();

  private CapturedLogs(List<Logger> loggers) {
    this.loggers = loggers;
  }

  /** Captures the loggers of these classes. */
  public static CapturedLogs of(Class<?>... classes) {
    List<String> names = new ArrayList<>();
    for (Class<?> type : classes) {
      names.add(type.getName());
    }
    return of(names.toArray(String[]::new));
  }

  /** Captures these loggers (and their children). */
  public static CapturedLogs of(String... names) {
    JulThroughSlf4j.install();
    List<Logger> loggers = new ArrayList<>();
    for (String name : names) {
      loggers.add((Logger) LoggerFactory.getLogger(name));
    }
    return new CapturedLogs(loggers);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    appender.list.clear();
    taken.clear();
    appender.start();
    additivity.clear();
    for (Logger logger : loggers) {
      additivity.add(logger.isAdditive());
      logger.addAppender(appender);
      logger.setAdditive(false);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (int i = 0; i < loggers.size(); i++) {
      loggers.get(i).detachAppender(appender);
      loggers.get(i).setAdditive(additivity.get(i));
    }
    appender.stop();
    for (ILoggingEvent event : events()) {
      if (!taken.contains(event) && event.getLevel().isGreaterOrEqual(Level.WARN)) {
        // Not expected by the test: print it where it would have gone.
        ((Logger) LoggerFactory.getLogger(event.getLoggerName())).callAppenders(event);
      }
    }
  }

  /**
   * Waits (up to 10 s: some are logged on other threads) for events at {@code level} whose message
   * contains {@code text}, and takes every such event: they are expected, and not printed.
   */
  public List<ILoggingEvent> take(Level level, String text) {
    await().atMost(WAIT).until(() -> events().stream().anyMatch(e -> matches(e, level, text)));
    List<ILoggingEvent> matching = events().stream().filter(e -> matches(e, level, text)).toList();
    synchronized (taken) {
      taken.addAll(matching);
    }
    return matching;
  }

  /** Every event captured so far in this test. */
  public List<ILoggingEvent> events() {
    synchronized (appender) { // AppenderBase appends under the appender's lock
      return List.copyOf(appender.list);
    }
  }

  private static boolean matches(ILoggingEvent event, Level level, String text) {
    return event.getLevel().equals(level) && event.getFormattedMessage().contains(text);
  }
}
