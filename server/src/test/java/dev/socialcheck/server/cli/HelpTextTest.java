package dev.socialcheck.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The help of every command: what people read before they make a mistake. */
class HelpTextTest {

  /** Every command, the root included. */
  static Stream<CommandLine> commands() {
    List<CommandLine> all = new ArrayList<>();
    collect(Main.commandLine(), all);
    return all.stream();
  }

  private static void collect(CommandLine command, List<CommandLine> all) {
    all.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, all));
  }

  private static boolean takesAValue(OptionSpec option) {
    return option.arity().max() > 0;
  }

  private static String help(String command) {
    return Main.commandLine().getSubcommands().get(command).getUsageMessage();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyOptionWithAValue_hasALabelForPeople_notAJavaFieldName(CommandLine command) {
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (takesAValue(option)) {
        assertThat(option.paramLabel())
            .as("label of %s %s", command.getCommandName(), option.longestName())
            // picocli's default label is the field name in angle brackets: <hedgeDelay>
            .doesNotStartWith("<")
            .doesNotContainPattern("[a-z][A-Z]");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandWithDurations_explainsHowTheyAreWritten(CommandLine command) {
    boolean takesDurations =
        command.getCommandSpec().options().stream().anyMatch(o -> o.type() == Duration.class);
    if (takesDurations) {
      assertThat(command.getUsageMessage())
          .as("help of %s", command.getCommandName())
          .contains("DURATION is written like 500ms, 2s, 1.5s, 1m or 1h");
      assertThat(
              command.getCommandSpec().options().stream()
                  .filter(o -> o.type() == Duration.class)
                  .map(OptionSpec::paramLabel))
          .as("duration options of %s", command.getCommandName())
          .containsOnly("DURATION");
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void enumDefaults_printInTheCaseValuesAreWrittenIn(CommandLine command) {
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (option.type().isEnum() && option.defaultValue() != null) {
        assertThat(option.defaultValue())
            .as("default of %s %s", command.getCommandName(), option.longestName())
            .isEqualTo(option.defaultValue().toLowerCase(Locale.ROOT));
      }
    }
  }

  @Test
  void check_showsItsDefaultStrategyLowerCase() {
    assertThat(help("check").replaceAll("\\s+", " "))
        .contains("Default: race.")
        .doesNotContain("RACE");
  }

  @Test
  void check_andSelfcheck_offerNoCacheOrRedisOptions_theyHaveNeither() {
    for (String command : List.of("check", "selfcheck")) {
      assertThat(help(command)).as(command).doesNotContain("--cache", "--redis");
    }
  }

  @Test
  void serve_offersTheCacheOptions() {
    assertThat(help("serve"))
        .contains("--cache-ttl-found=DURATION", "--cache-key-secret-file=FILE", "--redis=URI");
  }
}
