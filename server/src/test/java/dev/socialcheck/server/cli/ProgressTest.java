package dev.socialcheck.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.base.Splitter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Progress of long commands on a terminal, silence elsewhere, and Ctrl-C. The demo catalog runs at
 * a fifth of real time: facebook answers after 1 s, twitter after 600 ms, github after 200 ms.
 */
class ProgressTest {
  private static final String SCALE = "0.2";

  /** facebook first, alone for 1 s, then the answer. */
  private static final String[] SEQUENTIAL_CHECK = {
    "check", "user@email.com", "--strategy", "sequential", "--demo-time-scale", SCALE
  };

  /** Interrupts that a test fires by hand. */
  private static final class FakeInterrupts implements Terminal.Interrupts {
    final AtomicReference<Runnable> action = new AtomicReference<>();

    @Override
    public Terminal.Registration onInterrupt(Runnable onInterrupt) {
      action.set(onInterrupt);
      return () -> action.compareAndSet(onInterrupt, null);
    }
  }

  private static Terminal interactive(Terminal.Interrupts interrupts) {
    return new Terminal(true, interrupts);
  }

  /**
   * Presses Ctrl-C once the status line on {@code err} shows facebook (1 s) running: a check is in
   * flight.
   */
  private static CompletableFuture<Void> ctrlCWhileFacebookRuns(
      FakeInterrupts interrupts, StringWriter err) {
    return CompletableFuture.runAsync(
        () -> {
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> err.toString().contains("running facebook"));
          interrupts.action.get().run();
        });
  }

  @Test
  void check_onATerminal_showsWhichPlatformRuns_thenErasesTheLine() {
    CliRun run = CliRun.of(interactive(new FakeInterrupts()), SEQUENTIAL_CHECK);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("\rcheck: running facebook (");
    List<String> redraws = Splitter.on('\r').omitEmptyStrings().splitToList(run.err());
    assertThat(redraws.get(redraws.size() - 1))
        .as("the status line is erased at the end")
        .isBlank();
    assertThat(run.err()).endsWith("\r");
    assertThat(run.out())
        .as("results stay clean")
        .doesNotContain("\r")
        .contains("verdict: FOUND on facebook");
  }

  @Test
  void check_notOnATerminal_printsNothingExtra() {
    CliRun run =
        CliRun.of(
            "check", "user@email.com", "--strategy", "sequential", "--demo-time-scale", SCALE);

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).doesNotContain("\r", "running");
  }

  @Test
  void selfcheck_onATerminal_showsTheStepAndThePlatform() {
    CliRun run =
        CliRun.of(interactive(new FakeInterrupts()), "selfcheck", "--demo-time-scale", SCALE);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("selfcheck 1/3: running facebook (");
    assertThat(run.out())
        .doesNotContain("\r")
        .containsPattern("github\\s+FOUND\\s+NOT_FOUND\\s+OK");
  }

  @Test
  void check_ctrlC_whileAPlatformRuns_printsCancelled_andExits130() throws Exception {
    FakeInterrupts interrupts = new FakeInterrupts();
    StringWriter err = new StringWriter();
    CompletableFuture<Void> ctrlC = ctrlCWhileFacebookRuns(interrupts, err);

    CliRun run = CliRun.of(interactive(interrupts), err, SEQUENTIAL_CHECK);
    ctrlC.get();

    assertThat(run.exit()).isEqualTo(Terminal.EXIT_CANCELLED);
    assertThat(err.toString().strip().lines().toList())
        .as("after the erased status line, one line")
        .last()
        .isEqualTo("cancelled");
    assertThat(err.toString()).containsOnlyOnce("cancelled");
    assertThat(run.out()).doesNotContain("verdict:");
    assertThat(interrupts.action.get()).as("the interrupt action is removed").isNull();
  }

  @Test
  void selfcheck_ctrlC_printsCancelled_andExits130() throws Exception {
    FakeInterrupts interrupts = new FakeInterrupts();
    StringWriter err = new StringWriter();
    CompletableFuture<Void> ctrlC = ctrlCWhileFacebookRuns(interrupts, err);

    CliRun run = CliRun.of(interactive(interrupts), err, "selfcheck", "--demo-time-scale", SCALE);
    ctrlC.get();

    assertThat(run.exit()).isEqualTo(Terminal.EXIT_CANCELLED);
    assertThat(err.toString().strip()).endsWith("cancelled");
    assertThat(run.out()).doesNotContainPattern("facebook\\s+FOUND");
  }
}
