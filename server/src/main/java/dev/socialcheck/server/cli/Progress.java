package dev.socialcheck.server.cli;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.CheckStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A one-line status of long CLI work on a terminal: which platforms are being checked and for how
 * long, e.g. {@code check: running facebook, twitter (2.4s)}, redrawn in place ({@code \r}) a few
 * times a second and erased when the work is done. Lines printed meanwhile go {@link #above} it.
 *
 * <p>It hears the engine as its {@link CheckObserver}. When the output is not a terminal it prints
 * nothing and starts no thread: programs reading the output get only the results.
 *
 * <p>Thread-safe: the engine reports from its threads, the redraw runs on its own.
 */
final class Progress implements CheckObserver, AutoCloseable {
  private static final int MAX_WIDTH = 78;
  private static final long REDRAW_MILLIS = 250;

  private final @Nullable PrintWriter err;
  private final String task;
  private final Ticker ticker;
  private final long startNanos;
  private final @Nullable ScheduledExecutorService redraw;

  @GuardedBy("this")
  private final Set<String> running = new LinkedHashSet<>();

  @GuardedBy("this")
  private String step = "";

  @GuardedBy("this")
  private int shownWidth;

  @GuardedBy("this")
  private boolean closed;

  private Progress(@Nullable PrintWriter err, String task, Ticker ticker) {
    this.err = err;
    this.task = task;
    this.ticker = ticker;
    this.startNanos = ticker.read();
    this.redraw =
        err == null
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                new ThreadFactoryBuilder()
                    .setNameFormat("socialcheck-progress")
                    .setDaemon(true)
                    .build());
  }

  /**
   * Starts showing {@code task}'s progress on {@code err} if {@code terminal} is interactive; a
   * silent instance otherwise.
   */
  static Progress start(Terminal terminal, PrintWriter err, String task) {
    Progress progress =
        new Progress(terminal.interactive() ? err : null, task, Ticker.systemTicker());
    if (progress.redraw != null) {
      // Cancelled by shutting the executor down; draw() catches its own failures.
      ScheduledFuture<?> unused =
          progress.redraw.scheduleWithFixedDelay(
              progress::draw, 0, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
    }
    return progress;
  }

  /** Names the current step, e.g. {@code 2/5}; shown after the task's name. */
  synchronized void step(String text) {
    step = text;
    draw();
  }

  /** Prints with {@code print} (rows of results) above the status line, which is then redrawn. */
  synchronized void above(Runnable print) {
    erase();
    print.run();
    draw();
  }

  @Override
  public synchronized void checkStarted(String platformId) {
    running.add(platformId);
    draw();
  }

  @Override
  public synchronized void checkEnded(String platformId, CheckStatus status, Duration latency) {
    running.remove(platformId);
    draw();
  }

  @Override
  public synchronized void checkAnsweredFromCache(String platformId, CheckStatus status) {
    running.remove(platformId);
    draw();
  }

  /** Erases the status line for good (before the results' last lines). Idempotent. */
  void finish() {
    synchronized (this) {
      erase();
      closed = true;
    }
    if (redraw != null) {
      redraw.shutdownNow();
    }
  }

  /** Same as {@link #finish()}. */
  @Override
  public void close() {
    finish();
  }

  private synchronized void draw() {
    if (err == null || closed) {
      return;
    }
    double seconds = (ticker.read() - startNanos) / 1e9;
    String doing = running.isEmpty() ? "" : ": running " + String.join(", ", running);
    String line =
        String.format(
            Locale.ROOT, "%s%s%s (%.1fs)", task, step.isEmpty() ? "" : " " + step, doing, seconds);
    if (line.length() > MAX_WIDTH) {
      line = line.substring(0, MAX_WIDTH - 3) + "...";
    }
    // Spaces wipe what a longer previous line left behind.
    err.print("\r" + line + " ".repeat(Math.max(0, shownWidth - line.length())));
    err.flush();
    shownWidth = line.length();
  }

  @GuardedBy("this")
  private void erase() {
    if (err == null || shownWidth == 0) {
      return;
    }
    // Two more: the terminal echoes a Ctrl-C as "^C" after the line.
    err.print("\r" + " ".repeat(shownWidth + 2) + "\r");
    err.flush();
    shownWidth = 0;
  }
}
