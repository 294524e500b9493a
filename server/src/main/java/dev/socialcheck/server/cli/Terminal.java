package dev.socialcheck.server.cli;

import static java.util.Objects.requireNonNull;

import java.io.Console;
import java.lang.reflect.InvocationTargetException;

/**
 * Where a command runs: whether people watch its output on a terminal (then long work shows
 * progress), and how Ctrl-C reaches it. Injected, so that tests decide both.
 */
final class Terminal {
  /** Exit status after Ctrl-C: 128 + SIGINT, what shells report for a command stopped by it. */
  static final int EXIT_CANCELLED = 130;

  /** How Ctrl-C (or SIGTERM) reaches a running command. */
  interface Interrupts {
    /**
     * Calls {@code action} when the process is interrupted, until the returned handle is closed.
     * The process ends when {@code action} returns.
     */
    Registration onInterrupt(Runnable action);
  }

  /** An interrupt action's registration; closing it removes the action. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private final boolean interactive;
  private final Interrupts interrupts;

  Terminal(boolean interactive, Interrupts interrupts) {
    this.interactive = interactive;
    this.interrupts = requireNonNull(interrupts, "interrupts");
  }

  /**
   * The process's own: interactive when standard input and output are a terminal; Ctrl-C through a
   * shutdown hook (the JVM then exits with 130 by itself).
   */
  static Terminal system() {
    return new Terminal(consoleIsTerminal(), Terminal::shutdownHook);
  }

  /** Not a terminal, and nothing ever interrupts: output for programs (and most tests). */
  static Terminal none() {
    return new Terminal(false, action -> () -> {});
  }

  /** Whether people watch the output: show progress. */
  boolean interactive() {
    return interactive;
  }

  Registration onInterrupt(Runnable action) {
    return interrupts.onInterrupt(action);
  }

  /** Whether this process runs on a terminal, on every Java version. */
  // Null up to Java 21, isTerminal() from 22 on: both are read.
  @SuppressWarnings("SystemConsoleNull")
  static boolean consoleIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // Up to Java 21 a console exists only on a terminal; from 22 on it always exists and says.
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (IllegalAccessException | InvocationTargetException e) {
      return false;
    }
  }

  private static Registration shutdownHook(Runnable action) {
    Thread hook = new Thread(action, "socialcheck-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    return () -> {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutting down already: the hook is running or has run.
      }
    };
  }
}
