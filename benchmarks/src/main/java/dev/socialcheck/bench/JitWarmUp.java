package dev.socialcheck.bench;

import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.ToLongFunction;

/**
 * Loads a server JVM until its JIT compilers go quiet, so that measured windows count calls and
 * probes, not compilations. C2 can take a third of a young server's CPU (async-profiler, targets 1
 * and 6): a fixed few seconds of warm-up left it compiling through the first windows, and the JVM
 * with more code to compile (socialcheck against the echo or the raw prober) paid it inside them.
 */
final class JitWarmUp {

  /** JIT time per pass under which a JVM counts as warm. */
  static final long QUIET_JIT_MILLIS = 50;

  /**
   * How many more times {@link #quietest} measures a window whose JIT time was over its threshold
   * (none with {@code --quick}, whose JVMs are never warm).
   */
  static final int RETRIES = 2;

  /** {@link #RETRIES}, or none for a quick run. */
  static int retries(BenchRun run) {
    return run.quick ? 0 : RETRIES;
  }

  /** One pass of load on the server (a couple of seconds). */
  @FunctionalInterface
  interface Pass {
    void run() throws Exception;
  }

  /** One measured window (a few seconds of load), and what it measured. */
  @FunctionalInterface
  interface Measurement<T> {
    T run() throws Exception;
  }

  private JitWarmUp() {}

  /**
   * Measures a window, and measures it again (at most {@code retries} more times) while the JIT
   * compilers ran in it for more than {@code thresholdMillis}: compiling is not a per-call cost,
   * and a JVM warmed until quiet still recompiles now and then (a path the warm-up did not take, a
   * deoptimisation). Every attempt is printed by {@code measure} itself; this prints each retry.
   *
   * @param jitMillis the JIT time of a window (ms; negative when unknown: never retried)
   * @param onRetry told about each retry (for the report's count)
   * @return the window with the least JIT time
   */
  static <T> T quietest(
      String label,
      int retries,
      long thresholdMillis,
      ToLongFunction<T> jitMillis,
      Runnable onRetry,
      Measurement<T> measure)
      throws Exception {
    T last = measure.run();
    T best = last;
    for (int retry = 1;
        retry <= retries && jitMillis.applyAsLong(best) > thresholdMillis;
        retry++) {
      System.out.printf(
          Locale.ROOT,
          "%s: JIT %d ms in the window: measured again%n",
          label,
          jitMillis.applyAsLong(last));
      onRetry.run();
      last = measure.run();
      if (jitMillis.applyAsLong(last) < jitMillis.applyAsLong(best)) {
        best = last;
      }
    }
    return best;
  }

  /**
   * Runs {@code pass} (at least twice, at most {@code maxPasses} times) until one costs {@code
   * server}'s JIT compilers less than {@link #QUIET_JIT_MILLIS}; prints what it did under {@code
   * label}.
   *
   * @return the JIT time of the last pass in ms (-1 when the JVM does not report it)
   */
  static long untilQuiet(String label, ServerProcess server, int maxPasses, Pass pass)
      throws Exception {
    long jit = -1;
    StringJoiner perPass = new StringJoiner(" ");
    for (int n = 1; n <= maxPasses; n++) {
      Map<String, Long> before = BenchRun.statsOrEmpty(server);
      pass.run();
      jit = jitDelta(before, BenchRun.statsOrEmpty(server));
      perPass.add(Long.toString(jit));
      if (n >= 2 && jit >= 0 && jit < QUIET_JIT_MILLIS) {
        System.out.printf(
            Locale.ROOT,
            "%s: JIT quiet after %d passes (JIT ms per pass: %s)%n",
            label,
            n,
            perPass);
        return jit;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %d passes, JIT still busy (JIT ms per pass: %s)%n",
        label,
        maxPasses,
        perPass);
    return jit;
  }

  /** How long {@link #settle} waits at most. */
  static final long SETTLE_MAX_MILLIS = 10_000;

  /**
   * Waits until {@code server}'s JIT compilers have been idle (under 10 ms) for a second, at most
   * {@link #SETTLE_MAX_MILLIS}; prints how long it took when it had to wait. Called after the full
   * GC that reads a window's live heap: a forced GC clears the JDK's weakly held loggers, and
   * compiled code that finds one cleared traps and is compiled again — {@code CookieManager.put},
   * which looks its logger up on every call, took 1.5–2 s of C2 after each such GC in target 6,
   * which landed in the window (LogCompilation: a {@code null_check} trap in {@code
   * PlatformLogger.getLogger}). Waiting here keeps it out of the windows of this JVM and of the
   * JVMs measured next on the same processors. (Target 6 now reads the live heap in a pass of its
   * own after every window, so no forced GC precedes a window there at all.)
   *
   * @return the milliseconds waited
   */
  static long settle(ServerProcess server) throws InterruptedException {
    long start = System.nanoTime();
    long quietSince = start;
    long last = jitOf(BenchRun.statsOrEmpty(server));
    while (last >= 0) {
      Thread.sleep(250);
      long now = System.nanoTime();
      long jit = jitOf(BenchRun.statsOrEmpty(server));
      if (jit < 0 || jit - last >= 10) {
        quietSince = now;
      }
      last = jit;
      if (now - quietSince >= 1_000_000_000L || now - start >= SETTLE_MAX_MILLIS * 1_000_000L) {
        break;
      }
    }
    long waited = (System.nanoTime() - start) / 1_000_000;
    if (waited > 1_500) {
      System.out.printf(
          Locale.ROOT, "%s: waited %d ms for the JIT to go quiet%n", server.name(), waited);
    }
    return waited;
  }

  private static long jitOf(Map<String, Long> stats) {
    Long jit = stats.get("jitMillis");
    return jit == null ? -1 : jit;
  }

  /**
   * The JIT compilers' time between two {@link ServerProcess#stats} of one JVM (ms; -1 when either
   * lacks it or the JVM does not measure it).
   */
  static long jitDelta(Map<String, Long> before, Map<String, Long> after) {
    Long from = before.get("jitMillis");
    Long to = after.get("jitMillis");
    return from == null || to == null || from < 0 || to < 0 ? -1 : to - from;
  }
}
