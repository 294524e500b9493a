package dev.socialcheck.bench;

/**
 * One target of the load suite ({@link BenchMain}): starts its own server JVMs, drives them, and
 * writes its section of the report and its {@code FIGURE} lines through {@link BenchRun#report}.
 *
 * <p>To add a target: implement this interface in a class of its own and add one line to {@link
 * BenchMain#TARGETS}. Options of the target are picocli {@code @Option} fields of the
 * implementation: {@link BenchMain} adds every target as a mixin, so they join its command line
 * (prefix them with the target's name, e.g. {@code --t5-ttl}, since all targets share one command
 * line). Targets run in the order of {@link BenchMain#TARGETS}, each only if {@code --only} names
 * it (default: every target that {@link #runsByDefault}), one after the other, never at the same
 * time.
 */
interface BenchTarget {
  /** The name {@code --only} selects this target by, e.g. {@code t1}; unique among the targets. */
  String name();

  /**
   * Runs the target. Every server and load generator it starts is closed before it returns, also
   * when it throws.
   *
   * @param run the run's output folder, common options, report and server factory
   */
  void run(BenchRun run) throws Exception;

  /** Whether the target runs when {@code --only} is not given (default: yes). */
  default boolean runsByDefault() {
    return true;
  }

  /** The work of a target made with {@link #onlyWhenNamed}. */
  interface Body {
    void run(BenchRun run) throws Exception;
  }

  /** A target without options of its own that runs only when {@code --only} names it. */
  static BenchTarget onlyWhenNamed(String name, Body body) {
    return new BenchTarget() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void run(BenchRun run) throws Exception {
        body.run(run);
      }

      @Override
      public boolean runsByDefault() {
        return false;
      }
    };
  }
}
