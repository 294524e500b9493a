package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.testing.ChildJvm;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/** The common pool gets two threads on small machines, so HTTP responses start no threads. */
class CommonPoolParallelismTest {

  @Test
  void wanted_onTwoProcessorsOrFewer_isTwo() {
    assertThat(CommonPoolParallelism.wanted(null, 1)).as("1 processor").contains("2");
    assertThat(CommonPoolParallelism.wanted(null, 2)).as("2 processors").contains("2");
  }

  @Test
  void wanted_withEnoughProcessors_orAnOperatorsValue_isNothing() {
    assertThat(CommonPoolParallelism.wanted(null, 3)).as("3 processors: default 2").isEmpty();
    assertThat(CommonPoolParallelism.wanted("1", 2)).as("the operator's choice").isEmpty();
  }

  /**
   * In a JVM limited to 2 processors, {@code ensure()} first thing in main makes {@code
   * CompletableFuture}'s default executor the common pool (else: a thread per task).
   */
  @Test
  void ensure_firstThingInMain_makesTheCommonPoolTheDefaultExecutor() throws Exception {
    assertThat(run(true)).as("with ensure()").isEqualTo("parallelism=2 commonPool=true");
    assertThat(run(false)).as("without").isEqualTo("parallelism=1 commonPool=false");
  }

  private static String run(boolean ensure) throws IOException, InterruptedException {
    return ChildJvm.run(
        Probe.class,
        List.of("-XX:ActiveProcessorCount=2"),
        List.of(String.valueOf(ensure)),
        Duration.ofSeconds(30));
  }

  /** The child JVM: optionally ensures, then reports what the common pool became. */
  static final class Probe {
    private Probe() {}

    public static void main(String[] args) {
      if (Boolean.parseBoolean(args[0])) {
        CommonPoolParallelism.ensure(System.getProperties());
      }
      System.out.println(
          "parallelism="
              + ForkJoinPool.getCommonPoolParallelism()
              + " commonPool="
              + (new CompletableFuture<Void>().defaultExecutor() == ForkJoinPool.commonPool()));
    }
  }
}
