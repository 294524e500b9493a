package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The suite's command line: targets plug in, get their options, and run when selected. */
class BenchMainTest {
  @TempDir Path out;

  /** A target that only notes that it ran, and the quick flag it saw. */
  private static final class RecordingTarget implements BenchTarget {
    private final String name;
    private final List<String> ran;

    RecordingTarget(String name, List<String> ran) {
      this.name = name;
      this.ran = ran;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void run(BenchRun run) {
      ran.add(name + (run.quick ? " quick" : ""));
      run.report.figure(name + ".ran", 1);
    }
  }

  @Test
  void targetOptions_reachTheTargetObjects() {
    EngineOverheadTarget t1 = new EngineOverheadTarget();
    ResultCacheTarget t5 = new ResultCacheTarget();

    BenchMain.commandLine(List.of(t1, t5))
        .parseArgs("--rounds", "2", "--t5-ttl", "5m", "--t5-exponent", "1.2");

    assertThat(t1.rounds).as("--rounds").isEqualTo(2);
    assertThat(t5.t5Ttl).as("--t5-ttl").isEqualTo("5m");
    assertThat(t5.t5Exponent).as("--t5-exponent").isEqualTo(1.2);
  }

  @Test
  void only_runsTheNamedTargets_inSuiteOrder() throws Exception {
    List<String> ran = new ArrayList<>();
    CommandLine commandLine =
        BenchMain.commandLine(
            List.of(
                new RecordingTarget("a", ran),
                new RecordingTarget("b", ran),
                new RecordingTarget("c", ran)));

    int exit = commandLine.execute("--out", out.toString(), "--quick", "--only", "c,a");

    assertThat(exit).as("exit code").isZero();
    assertThat(ran).as("targets run").containsExactly("a quick", "c quick");
    assertThat(Files.readString(out.resolve("summary.tsv")))
        .as("figures of the targets that ran")
        .contains("a.ran\t1.00")
        .contains("c.ran\t1.00")
        .doesNotContain("b.ran");
  }

  @Test
  void only_unknownTarget_isAUsageError() {
    List<String> ran = new ArrayList<>();
    CommandLine commandLine = BenchMain.commandLine(List.of(new RecordingTarget("a", ran)));
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));

    int exit = commandLine.execute("--out", out.toString(), "--only", "t9");

    assertThat(exit).as("exit code of a usage error").isEqualTo(2);
    assertThat(err.toString()).as("message").contains("unknown target 't9' (known: a)");
    assertThat(ran).as("targets run").isEmpty();
  }

  @Test
  void twoTargetsWithOneName_areRefused() {
    List<String> ran = new ArrayList<>();

    assertThatThrownBy(
            () ->
                BenchMain.commandLine(
                    List.of(new RecordingTarget("a", ran), new RecordingTarget("a", ran))))
        .as("duplicate target name")
        .hasMessageContaining("two targets are named a");
  }

  @Test
  void suiteTargets_haveTheDocumentedNames() {
    assertThat(BenchMain.TARGETS)
        .extracting(BenchTarget::name)
        .as("--only names")
        .startsWith("t1", "t2", "t3", "t4", "t5")
        .doesNotHaveDuplicates();
  }
}
