package dev.socialcheck.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.spi.CheckerProvider;
import dev.socialcheck.server.spi.CheckerRegistry;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checker type from a separate jar, as checker-example/README.md tells a newcomer to add one: the
 * example's jar, built by the reactor, put on the server's class path beside the server jar; a
 * catalog entry of its type ({@code allow-list}) answers. Nothing leaves 127.0.0.1.
 */
class CheckerExampleIT {
  @TempDir Path dir;

  private Path catalog;

  @BeforeEach
  void writeCatalog() throws Exception {
    Files.writeString(dir.resolve("members.txt"), "# the club's members\nann@example.com\n", UTF_8);
    catalog = dir.resolve("club.yaml");
    // The README's catalog entry.
    Files.writeString(
        catalog,
        """
        platforms:
          - id: club
            name: Example Club
            prior: 0.01
            type: allow-list
            settings: {file: members.txt}
        """,
        UTF_8);
  }

  private ExternalProgram.Result check(String name, String classPath, String email)
      throws Exception {
    return ExternalProgram.run(
        name,
        List.of(
            ItConfig.java().toString(),
            "-cp",
            classPath,
            "dev.socialcheck.server.cli.Main",
            "check",
            email,
            "--catalog",
            catalog.toString()),
        dir,
        Map.of(),
        Duration.ofSeconds(60));
  }

  private static String withExample() {
    return ItConfig.serverJar() + File.pathSeparator + ItConfig.checkerExampleJar();
  }

  @Test
  void exampleJarOnTheClassPath_addsItsType_andAnEntryOfItAnswers() throws Exception {
    ExternalProgram.Result listed =
        check("checker-example-listed", withExample(), "ann@example.com");
    ExternalProgram.Result unlisted =
        check("checker-example-unlisted", withExample(), "carol@example.com");

    assertThat(listed.exitCode()).as(listed.describe()).isZero();
    assertThat(listed.output())
        .containsPattern("club\\s+FOUND")
        .contains("verdict: FOUND on club")
        .doesNotContain("ann@example.com");
    assertThat(unlisted.exitCode())
        .as("exit status for NOT_FOUND; %s", unlisted.describe())
        .isEqualTo(1);
    assertThat(unlisted.output()).contains("verdict: NOT_FOUND");
  }

  @Test
  void withoutTheJar_theTypeIsUnknown_andTheMessageSaysWhatIsMissing() throws Exception {
    ExternalProgram.Result run =
        check("checker-example-missing", ItConfig.serverJar().toString(), "ann@example.com");

    assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "club.yaml: platform 'club' (#1): type: unknown checker type 'allow-list' (known: http,"
                + " simulated); a type from a jar needs that jar on the class path");
  }

  @Test
  void registry_findsTheProvider_inTheSeparateJar_throughAClassLoader() throws Exception {
    assertThat(CheckerRegistry.load(getClass().getClassLoader()).types())
        .as("the example is not on this test's own class path")
        .doesNotContain("allow-list");

    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {ItConfig.checkerExampleJar().toUri().toURL()},
            getClass().getClassLoader())) {
      CheckerRegistry registry = CheckerRegistry.load(loader);

      assertThat(registry.types()).contains("allow-list", "http", "simulated");
      CheckerProvider provider = registry.provider("allow-list").orElseThrow();
      assertThat(provider.getClass().getClassLoader())
          .as("loaded from the example's jar")
          .isSameAs(loader);
    }
  }
}
