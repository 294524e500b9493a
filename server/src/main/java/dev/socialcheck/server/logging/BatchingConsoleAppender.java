package dev.socialcheck.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.DefaultClass;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * A console appender that formats and writes on a thread of its own, and writes whatever has queued
 * up in one go: the threads that log (gRPC's, one access-log line per call) only hand the event
 * over, and the console gets one write per batch of lines instead of one per line.
 *
 * <p>Why not logback's {@code AsyncAppender} in front of a {@code ConsoleAppender}: that moves the
 * work off the calling thread but still writes and flushes the console once per line, a system call
 * per call served; under load the lines of a batch are written together here.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li><b>Nothing is dropped.</b> The queue is bounded ({@link #setQueueSize}, default 8,192
 *       events); when it is full, the logging thread waits for room (the console is the bottleneck
 *       then, and memory stays bounded).
 *   <li><b>Order</b>: events are written in the order they were queued, so each thread's lines keep
 *       their order. Every write holds whole lines.
 *   <li><b>Latency</b>: once an event arrives, the writer lingers {@link #setLingerMicros} (default
 *       1 ms) for the lines that follow it, then writes them together: a line reaches the console
 *       within about a millisecond. Without the pause, a writer that keeps up is woken for every
 *       line (a futex wake-up and a context switch, more CPU than the line's formatting) and writes
 *       each on its own. A batch is at most {@link #setBatchBytes} bytes (default 64 KiB).
 *   <li><b>Stop</b> (logback's context stop, e.g. {@code LoggerContext.stop()} at exit): events
 *       queued before are written, for at most {@link #setMaxFlushMillis} (default 1 s), then the
 *       thread ends. A process killed outright loses what was still queued.
 *   <li>Writes to the current {@code System.err} (or {@code System.out}, {@link #setTarget}) as
 *       {@code ConsoleAppender} does, so a test or a runner that replaces the stream sees the
 *       lines.
 *   <li>As with {@code AsyncAppender}, the event is fixed on the logging thread (thread name,
 *       message, key/value pairs, MDC) but caller data ({@code %line}, {@code %caller}) is not
 *       taken: the patterns here do not use it.
 * </ul>
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private @Nullable Encoder<ILoggingEvent> encoder;
  private boolean toSystemOut;
  private @Nullable PrintStream stream;
  private int queueSize = 8192;
  private int batchBytes = 64 * 1024;
  private long maxFlushMillis = 1000;
  private long lingerNanos = TimeUnit.MILLISECONDS.toNanos(1);
  private @Nullable BlockingQueue<ILoggingEvent> queue;
  private @Nullable Thread writer;

  /** Guards the batch buffer: the writer thread and {@link #stop()}'s final drain use it. */
  private final Object writeLock = new Object();

  @GuardedBy("writeLock")
  private final Batch batch = new Batch(8192);

  /** Events queued so far. */
  private final AtomicLong queued = new AtomicLong();

  /** Events written so far (of those queued); {@code writeLock} is notified as it grows. */
  @GuardedBy("writeLock")
  private long written;

  /** Formats each event (a {@code PatternLayoutEncoder} unless the configuration names one). */
  @DefaultClass(PatternLayoutEncoder.class)
  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  /** {@code System.err} (default) or {@code System.out}. */
  public void setTarget(String target) {
    switch (target) {
      case "System.err" -> toSystemOut = false;
      case "System.out" -> toSystemOut = true;
      default -> addError("target must be System.err or System.out, not " + target);
    }
  }

  /** Writes to {@code stream} instead of the console (tests, benchmarks). */
  public void setStream(PrintStream stream) {
    this.stream = stream;
  }

  /** Most events waiting to be written; beyond, loggers wait (default 8192). */
  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  /** Most bytes written at once (default 64 KiB); a longer line is written on its own. */
  public void setBatchBytes(int batchBytes) {
    this.batchBytes = batchBytes;
  }

  /** How long the writer waits for more lines after the first of a batch (default 1000 µs). */
  public void setLingerMicros(long lingerMicros) {
    this.lingerNanos = TimeUnit.MICROSECONDS.toNanos(lingerMicros);
  }

  /** How long {@link #stop()} writes what is still queued (default 1000 ms). */
  public void setMaxFlushMillis(long maxFlushMillis) {
    this.maxFlushMillis = maxFlushMillis;
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    if (encoder == null) {
      addError("no encoder for the appender named " + name);
      return;
    }
    if (queueSize < 1 || batchBytes < 1) {
      addError("queueSize and batchBytes must be positive");
      return;
    }
    BlockingQueue<ILoggingEvent> events = new ArrayBlockingQueue<>(queueSize);
    queue = events;
    Thread thread = new Thread(() -> writeUntilStopped(events), "socialcheck-log-" + getName());
    thread.setDaemon(true); // never keeps the JVM alive; stop() drains the queue
    writer = thread;
    super.start();
    thread.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    BlockingQueue<ILoggingEvent> events = queue;
    if (events == null) {
      return;
    }
    // Thread name, formatted message, arguments: fixed now, as the event is read later.
    event.prepareForDeferredProcessing();
    try {
      // Waits while the queue is full; gives up only if the appender stops meanwhile.
      while (!events.offer(event, 100, TimeUnit.MILLISECONDS)) {
        if (!isStarted()) {
          writeNow(event);
          return;
        }
      }
      queued.incrementAndGet();
    } catch (InterruptedException e) {
      // The logging thread is being interrupted: write the line itself rather than lose it.
      Thread.currentThread().interrupt();
      writeNow(event);
    }
  }

  private void writeNow(ILoggingEvent event) {
    synchronized (writeLock) {
      encodeIntoBatch(event);
      flushBatch();
    }
  }

  private void writeUntilStopped(BlockingQueue<ILoggingEvent> events) {
    List<ILoggingEvent> pending = new ArrayList<>();
    while (isStarted()) {
      try {
        ILoggingEvent first = events.take();
        if (lingerNanos > 0 && events.size() < queueSize / 2) {
          LockSupport.parkNanos(this, lingerNanos); // an interrupt (stop) ends it early
        }
        pending.add(first);
        events.drainTo(pending);
      } catch (InterruptedException e) {
        break; // stop(): what is left is written there
      }
      synchronized (writeLock) {
        for (ILoggingEvent event : pending) {
          if (batch.size() >= batchBytes) {
            flushBatch();
          }
          encodeIntoBatch(event);
        }
        flushBatch();
        written += pending.size();
        writeLock.notifyAll();
      }
      pending.clear();
    }
  }

  @GuardedBy("writeLock")
  private void encodeIntoBatch(ILoggingEvent event) {
    Encoder<ILoggingEvent> e = encoder;
    if (e == null) {
      return;
    }
    try {
      batch.writeBytes(e.encode(event));
    } catch (RuntimeException failure) {
      addError("cannot format a log event", failure);
    }
  }

  @GuardedBy("writeLock")
  private void flushBatch() {
    if (batch.size() == 0) {
      return;
    }
    PrintStream fixed = stream;
    PrintStream target = fixed != null ? fixed : toSystemOut ? System.out : System.err;
    // One write of whole lines. PrintStream never throws: it notes errors, as for ConsoleAppender.
    batch.writeTo(target);
    target.flush();
    batch.reset();
  }

  /**
   * Waits until every event queued before this call has been written, at most {@code timeout} (e.g.
   * before the JVM exits, which does not wait for this appender's thread). Returns whether they
   * were.
   */
  public boolean awaitWritten(Duration timeout) throws InterruptedException {
    long target = queued.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (writeLock) {
      while (written < target && isStarted()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(writeLock, left);
      }
      return written >= target;
    }
  }

  /**
   * {@link #awaitWritten} for every such appender of logback's context, each for at most {@code
   * timeout}: for the last lines before an exit.
   */
  public static void awaitAllWritten(Duration timeout) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    for (Logger logger : context.getLoggerList()) {
      for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
        if (it.next() instanceof BatchingConsoleAppender appender) {
          try {
            appender.awaitWritten(timeout);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop(); // no new events from here on
    Thread thread = writer;
    BlockingQueue<ILoggingEvent> events = queue;
    if (thread == null || events == null) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(maxFlushMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxFlushMillis);
    synchronized (writeLock) {
      ILoggingEvent event;
      while (System.nanoTime() < deadline && (event = events.poll()) != null) {
        if (batch.size() >= batchBytes) {
          flushBatch();
        }
        encodeIntoBatch(event);
      }
      flushBatch();
    }
    if (!events.isEmpty()) {
      addWarn(events.size() + " log events not written within " + maxFlushMillis + " ms of stop");
    }
  }

  /** The lines of a write, handed to the stream as they are (not a copy, as toByteArray makes). */
  private static final class Batch extends ByteArrayOutputStream {
    Batch(int size) {
      super(size);
    }

    void writeTo(PrintStream target) {
      target.write(buf, 0, count);
    }
  }
}
