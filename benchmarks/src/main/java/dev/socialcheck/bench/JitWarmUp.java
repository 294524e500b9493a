package dev.socialcheck.bench;

import java.util.Locale;
import java.util.StringJoiner;

/**
 * Loads a server JVM until its JIT compilers go quiet, so that measured windows count calls and
 * probes, not compilations. C2 can take a third of a young server's CPU (async-profiler, targets 1
 * and 6): a fixed few seconds of warm-up left it compiling through the first windows, and the JVM
 * with more code to compile (socialcheck against the echo or the raw prober) paid it inside them.
 */
final class JitWarmUp {

  /** JIT time per pass under which a JVM counts as warm. */
  static final long QUIET_JIT_MILLIS = 50;

  /** One pass of load on the server (a couple of seconds). */
  @FunctionalInterface
  interface Pass {
    void run() throws Exception;
  }

  private JitWarmUp() {}

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
      long before = jitMillis(server);
      pass.run();
      long after = jitMillis(server);
      jit = before < 0 || after < 0 ? -1 : after - before;
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

  /** The JIT compilers' total time in {@code server} so far (ms; -1 unknown). */
  static long jitMillis(ServerProcess server) {
    return BenchRun.statsOrEmpty(server).getOrDefault("jitMillis", -1L);
  }
}
