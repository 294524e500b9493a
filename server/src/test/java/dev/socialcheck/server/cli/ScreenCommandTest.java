package dev.socialcheck.server.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.base.Splitter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code screen} in this process over the demo catalog at a hundredth of real time (github answers
 * at 10 ms, facebook at 50 ms): records, CSV, standard input, resume, the progress bar.
 */
class ScreenCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Demo latencies times 0.1: github answers in 100 ms, every timeout is 1 s. A 10x margin that a
  // loaded machine does not eat up (at 0.01 the 100 ms timeouts sometimes passed first).
  private static final String SCALE = "0.1";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  private int run(Consumer<ScreenCommand> setUp, String... args) {
    ScreenCommand command = new ScreenCommand();
    command.terminal = () -> false;
    command.progressOut = new PrintStream(progress, true, UTF_8);
    command.progressWidth = 100;
    setUp.accept(command);
    CommandLine commandLine = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--demo-time-scale", SCALE));
    return commandLine.execute(all.toArray(String[]::new));
  }

  private int run(String... args) {
    return run(command -> {}, args);
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, UTF_8);
    return file;
  }

  /** The records of a results file, checking that every line of it is one JSON object. */
  private static List<JsonNode> records(Path results) throws IOException {
    String text = Files.readString(results, UTF_8);
    assertThat(text).as("results end with a line break").endsWith("\n");
    List<JsonNode> records = new ArrayList<>();
    for (String line : Splitter.on('\n').omitEmptyStrings().split(text)) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  private static JsonNode record(List<JsonNode> records, long line) {
    return records.stream()
        .filter(r -> r.get("line").asLong() == line)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no record of line " + line));
  }

  @Test
  void lines_oneRecordPerLine_withVerdictsErrorsAndASummary() throws Exception {
    Path input = write("in.txt", "user@email.com\nuser+nobody@email.com\n\nnot-an-address\n");
    Path results = dir.resolve("results.jsonl");

    int exit = run(input.toString(), "--out", results.toString());

    assertThat(exit).as("exit status; stderr: %s", err).isZero();
    List<JsonNode> records = records(results);
    assertThat(records)
        .extracting(r -> r.get("line").asLong())
        .containsExactlyInAnyOrder(1L, 2L, 4L);
    JsonNode found = record(records, 1);
    assertThat(found.get("email").asText()).isEqualTo("user@email.com");
    assertThat(found.get("verdict").asText()).isEqualTo("FOUND");
    assertThat(found.get("found_on").asText()).isEqualTo("github");
    assertThat(found.get("results")).as("per-platform results").hasSize(3);
    assertThat(found.get("results").findValuesAsText("status")).contains("FOUND", "CANCELLED");
    assertThat(record(records, 2).get("verdict").asText()).isEqualTo("NOT_FOUND");
    assertThat(record(records, 2).get("found_on").isNull()).as("found_on when not found").isTrue();
    JsonNode bad = record(records, 4);
    assertThat(bad.get("error").get("code").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(bad.get("error").get("message").asText()).isEqualTo("email has no '@'");
    assertThat(out.toString())
        .contains("screened: 3 lines")
        .contains("1 found, 1 not found, 0 unknown, 1 errors")
        .contains("1 blank lines")
        .containsPattern("github:.*found 1")
        .doesNotContain("user@email.com");
  }

  @Test
  void csv_readsTheNamedColumn_withQuotingAndLineBreaksInFields() throws Exception {
    Path input =
        write(
            "in.csv",
            "name,email,note\n"
                + "\"Doe, Jane\",user@email.com,plain\n"
                + "\"Roe \"\"Rick\"\"\",user+nobody@email.com,\"two\nlines\"\n"
                + "Short Row\n"
                + "Last,\" user@email.com \",x\n");
    Path results = dir.resolve("results.jsonl");

    int exit = run(input.toString(), "--column", "email", "--out", results.toString());

    assertThat(exit).as("exit status; stderr: %s", err).isZero();
    List<JsonNode> records = records(results);
    assertThat(records)
        .extracting(r -> r.get("line").asLong())
        .as("the line where each record starts")
        .containsExactlyInAnyOrder(2L, 3L, 5L, 6L);
    assertThat(record(records, 2).get("email").asText()).isEqualTo("user@email.com");
    assertThat(record(records, 3).get("verdict").asText()).isEqualTo("NOT_FOUND");
    assertThat(record(records, 5).get("error").get("message").asText())
        .as("a record without the column")
        .contains("no column 2");
    assertThat(record(records, 6).get("verdict").asText())
        .as("a quoted address with spaces")
        .isEqualTo("FOUND");
  }

  @Test
  void csv_unknownColumn_isAUsageError_listingTheColumns() throws Exception {
    Path input = write("in.csv", "name,mail\nJane,user@email.com\n");

    int exit = run(input.toString(), "--column", "email", "--out", dir.resolve("r").toString());

    assertThat(exit).as("exit status").isEqualTo(2);
    assertThat(err.toString()).contains("no column 'email'").contains("[name, mail]");
  }

  @Test
  void standardInput_isReadForADash() throws Exception {
    Path results = dir.resolve("results.jsonl");

    int exit =
        run(
            command ->
                command.stdin =
                    new ByteArrayInputStream(
                        "user@email.com\nuser+flaky@email.com\n".getBytes(UTF_8)),
            "-",
            "--out",
            results.toString());

    assertThat(exit).as("exit status; stderr: %s", err).isZero();
    List<JsonNode> records = records(results);
    assertThat(record(records, 1).get("verdict").asText()).isEqualTo("FOUND");
    assertThat(record(records, 2).get("verdict").asText()).isEqualTo("UNKNOWN");
  }

  @Test
  void interruptedRun_exits130_andTheSameCommandResumesWithoutRepeatingALine() throws Exception {
    int total = 40;
    Path input =
        write(
            "in.txt",
            String.join(
                    "\n",
                    IntStream.rangeClosed(1, total).mapToObj(i -> "u" + i + "@email.com").toList())
                + "\n");
    Path results = dir.resolve("results.jsonl");

    int first =
        run(
            command ->
                command.afterRecord =
                    (screening, records) -> {
                      if (records == 5) {
                        screening.stop(); // what Ctrl-C does
                      }
                    },
            input.toString(),
            "--out",
            results.toString());

    assertThat(first).as("exit status of the interrupted run").isEqualTo(130);
    assertThat(out.toString()).contains("interrupted: ").contains("run the same command again");
    int doneBefore = records(results).size();
    assertThat(doneBefore).as("records written before the interruption").isBetween(5, total - 1);

    int second = run(input.toString(), "--out", results.toString());

    assertThat(second).as("exit status of the resumed run; stderr: %s", err).isZero();
    assertThat(out.toString()).contains("skipped: " + doneBefore + " lines already in the results");
    assertThat(records(results))
        .extracting(r -> r.get("line").asLong())
        .as("every line once")
        .doesNotHaveDuplicates()
        .hasSize(total);
  }

  @Test
  void partialLastRecord_ofACrashedRun_isCutOff_andItsLineCheckedAgain() throws Exception {
    Path input = write("in.txt", "user@email.com\nuser+nobody@email.com\nuser+flaky@email.com\n");
    Path results =
        write(
            "results.jsonl",
            "{\"line\":1,\"email\":\"user@email.com\",\"verdict\":\"FOUND\"}\n"
                + "{\"line\":3,\"email\":\"user+fl");

    int exit = run(input.toString(), "--out", results.toString());

    assertThat(exit).as("exit status; stderr: %s", err).isZero();
    List<JsonNode> records = records(results);
    assertThat(records)
        .extracting(r -> r.get("line").asLong())
        .containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(record(records, 3).get("verdict").asText()).isEqualTo("UNKNOWN");
  }

  @Test
  void outputThatIsNotAResultsFile_isRefused_untouched() throws Exception {
    Path input = write("in.txt", "user@email.com\n");
    Path notOurs = write("notes.txt", "my notes\n");

    int exit = run(input.toString(), "--out", notOurs.toString());

    assertThat(exit).as("exit status").isEqualTo(2);
    assertThat(err.toString()).contains("is not a screen result");
    assertThat(Files.readString(notOurs, UTF_8)).as("the file").isEqualTo("my notes\n");
  }

  @Test
  void progressBar_drawnOnATerminalOnly() throws Exception {
    Path input = write("in.txt", "user@email.com\nuser+nobody@email.com\n");

    run(input.toString(), "--out", dir.resolve("quiet.jsonl").toString());
    assertThat(progress.toString(UTF_8)).as("progress without a terminal").isEmpty();

    run(
        command -> command.terminal = () -> true,
        input.toString(),
        "--out",
        dir.resolve("shown.jsonl").toString());
    assertThat(progress.toString(UTF_8))
        .as("progress on a terminal")
        .contains("screen")
        .contains("2/2")
        .contains("found 1");
  }
}
