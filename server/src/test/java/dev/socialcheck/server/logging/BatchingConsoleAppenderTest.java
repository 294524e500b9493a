package dev.socialcheck.server.logging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The console appender hands lines to its own thread, and loses none of them. */
class BatchingConsoleAppenderTest {
  private final LoggerContext context = new LoggerContext();
  private final ch.qos.logback.classic.Logger logger = context.getLogger("test");
  private final BatchingConsoleAppender appender = new BatchingConsoleAppender();

  @AfterEach
  void stop() {
    appender.stop();
    context.stop();
  }

  private void start(PrintStream target, int queueSize) {
    context.setMDCAdapter(new LogbackMDCAdapter()); // as the context slf4j makes has
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%thread %msg%n");
    encoder.start();
    appender.setContext(context);
    appender.setName("under-test");
    appender.setEncoder(encoder);
    appender.setStream(target);
    appender.setQueueSize(queueSize);
    appender.start();
  }

  private ILoggingEvent event(String message) {
    return new LoggingEvent("test", logger, Level.INFO, message, null, null);
  }

  /** Output whose writes wait until {@link #open} is counted down. */
  private static final class GatedOutput extends OutputStream {
    final CountDownLatch open = new CountDownLatch(1);
    final CountDownLatch writing = new CountDownLatch(1);
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writing.countDown();
      try {
        open.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      bytes.write(b, off, len);
    }

    synchronized String text() {
      return bytes.toString(UTF_8);
    }
  }

  @Test
  void manyThreads_everyLineWritten_wholeAndInOrderPerThread() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    start(new PrintStream(bytes, true, UTF_8), 64);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 500; i++) {
                  appender.doAppend(event("line " + i));
                }
              },
              "t" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(appender.awaitWritten(Duration.ofSeconds(10))).as("all written in time").isTrue();
    String[] lines = bytes.toString(UTF_8).split("\n");
    assertThat(lines).as("lines written").hasSize(2000);
    Map<String, Integer> next = new HashMap<>();
    for (String line : lines) {
      assertThat(line).as("a whole line").matches("t[0-3] line \\d+");
      String thread = line.substring(0, 2);
      int number = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
      assertThat(number).as("next line of %s", thread).isEqualTo(next.getOrDefault(thread, 0));
      next.put(thread, number + 1);
    }
  }

  @Test
  void fullQueue_makesTheLoggerWait_insteadOfDroppingTheLine() throws Exception {
    GatedOutput output = new GatedOutput();
    start(new PrintStream(output, true, UTF_8), 1);
    appender.doAppend(event("first")); // taken by the writer, which then waits in write
    assertThat(output.writing.await(10, TimeUnit.SECONDS)).as("writer busy").isTrue();
    appender.doAppend(event("second")); // fills the queue
    Thread third = new Thread(() -> appender.doAppend(event("third")), "third");
    third.start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> third.getState() == Thread.State.TIMED_WAITING);
    assertThat(third.isAlive()).as("the third logger waits for room").isTrue();
    output.open.countDown();
    third.join(10_000);

    assertThat(appender.awaitWritten(Duration.ofSeconds(10))).as("all written in time").isTrue();
    assertThat(output.text()).as("every line").contains("first", "second", "third");
  }

  @Test
  void stop_writesWhatIsStillQueued_andEndsTheWriterThread() throws Exception {
    GatedOutput output = new GatedOutput();
    start(new PrintStream(output, true, UTF_8), 16);
    appender.doAppend(event("first"));
    assertThat(output.writing.await(10, TimeUnit.SECONDS)).as("writer busy").isTrue();
    appender.doAppend(event("second"));
    appender.doAppend(event("third"));
    output.open.countDown();

    appender.stop();

    assertThat(output.text()).as("written by stop").contains("first", "second", "third");
    assertThat(Thread.getAllStackTraces().keySet())
        .as("threads left")
        .noneMatch(t -> t.getName().equals("socialcheck-log-under-test") && t.isAlive());
  }
}
