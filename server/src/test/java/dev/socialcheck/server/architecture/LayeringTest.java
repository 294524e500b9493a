package dev.socialcheck.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The server's packages in layers, checked on its main classes. A package depends only on the
 * packages of the tiers below it, never on one beside or above it:
 *
 * <pre>
 * cli                                            flags, commands: map the command line onto settings
 * assembly                                       builds a server from one settings object
 * grpc                                           the socialcheck.v1 contract onto the engine
 * metrics                                        exports what the layers below count
 * catalog  redis  fixtures  canary  tracing  logging   (independent of each other)
 * checkers                                       platform checkers and their decorators
 * spi                                            what a checker provider implements
 * engine                                         strategies, runs, learning: no gRPC
 * </pre>
 *
 * {@code spi} and {@code assembly} are optional: they arrive with the checker SPI and the one
 * assembly (issue 19, parts 1 and 2). A new package needs a tier here first: {@code
 * ensureAllClassesAreContainedInArchitecture} fails on a class of a package that no layer names.
 */
@AnalyzeClasses(
    packages = "dev.socialcheck.server",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  private static final String SERVER = "dev.socialcheck.server.";

  /** gRPC, the generated socialcheck.v1 contract, and the protobuf runtime under both. */
  private static final String[] GRPC = {
    "io.grpc..", "dev.socialcheck.v1..", "com.google.protobuf.."
  };

  /** The tiers, bottom first; one package per layer. */
  private static final List<List<String>> TIERS =
      List.of(
          List.of("engine"),
          List.of("spi"),
          List.of("checkers"),
          List.of("catalog", "redis", "fixtures", "canary", "tracing", "logging"),
          List.of("metrics"),
          List.of("grpc"),
          List.of("assembly"),
          List.of("cli"));

  private static final Set<String> OPTIONAL = Set.of("spi", "assembly");

  @ArchTest static final ArchRule packages_dependOnlyOnTheTiersBelowThem = layers();

  private static ArchRule layers() {
    LayeredArchitecture layers =
        layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .ensureAllClassesAreContainedInArchitecture();
    for (List<String> tier : TIERS) {
      for (String name : tier) {
        layers =
            (OPTIONAL.contains(name) ? layers.optionalLayer(name) : layers.layer(name))
                .definedBy(SERVER + name + "..");
      }
    }
    List<String> below = new ArrayList<>();
    for (List<String> tier : TIERS) {
      for (String name : tier) {
        layers =
            below.isEmpty()
                ? layers.whereLayer(name).mayNotAccessAnyLayer()
                : layers.whereLayer(name).mayOnlyAccessLayers(below.toArray(String[]::new));
      }
      below.addAll(tier);
    }
    return layers.because(
        "a package depends only on the tiers below it (see LayeringTest's Javadoc); a new package"
            + " gets a tier there first");
  }

  @ArchTest
  static final ArchRule engine_knowsNothingOfGrpc =
      noClasses()
          .that()
          .resideInAPackage(SERVER + "engine..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(GRPC)
          .because(
              "the engine knows nothing of gRPC or the generated socialcheck.v1 classes: the grpc"
                  + " package adapts the contract onto it");

  @ArchTest
  static final ArchRule engine_usesTheJdkGuavaAndHdrHistogramOnly =
      classes()
          .that()
          .resideInAPackage(SERVER + "engine..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              SERVER + "engine..",
              "java..",
              "javax.crypto..",
              "com.google.common..",
              "com.google.errorprone.annotations..",
              "org.jspecify.annotations..",
              "org.HdrHistogram..",
              "org.slf4j..")
          .because(
              "the engine is the core every command and test runs: the JDK, Guava, HdrHistogram and"
                  + " slf4j, nothing that starts servers, reads files or exports metrics");

  @ArchTest
  static final ArchRule checkersAndTheLayersBesideThem_neverTouchGrpc =
      noClasses()
          .that()
          .resideInAnyPackage(
              SERVER + "spi..",
              SERVER + "checkers..",
              SERVER + "catalog..",
              SERVER + "redis..",
              SERVER + "fixtures..",
              SERVER + "canary..",
              SERVER + "metrics..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(GRPC)
          .because(
              "checkers, catalogs, Redis, fixtures, the canary and metrics work the same under"
                  + " any transport: only grpc, cli and tracing (grpc-opentelemetry) speak gRPC");

  @ArchTest
  static final ArchRule onlyCli_parsesFlags =
      noClasses()
          .that()
          .resideOutsideOfPackage(SERVER + "cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("picocli..")
          .because("only cli reads flags: the layers below take settings objects");

  @ArchTest
  static final ArchRule onlyCliAndTracing_readTheEnvironment =
      noClasses()
          .that()
          .resideOutsideOfPackages(SERVER + "cli..", SERVER + "tracing..")
          .should()
          .callMethod(System.class, "getenv")
          .orShould()
          .callMethod(System.class, "getenv", String.class)
          .orShould()
          .callMethod(System.class, "getProperties")
          .orShould()
          .callMethod(System.class, "getProperty", String.class)
          .orShould()
          .callMethod(System.class, "getProperty", String.class, String.class)
          .because(
              "only cli reads the process's configuration (flags, environment, system"
                  + " properties); tracing reads OpenTelemetry's standard OTEL_* settings, which"
                  + " its SDK defines");
}
