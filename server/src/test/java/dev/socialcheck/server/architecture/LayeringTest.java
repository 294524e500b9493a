package dev.socialcheck.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The server's packages in layers, checked on its main classes. A package depends only on the
 * packages below it, never on one beside or above it:
 *
 * <pre>
 * cli                                            flags, commands: wires everything
 * grpc                                           the socialcheck.v1 contract onto the engine
 * metrics                                        exports what the layers below count
 * catalog  redis  fixtures  canary  tracing  logging   (independent of each other)
 * checkers                                       platform checkers and their decorators
 * engine                                         strategies, runs, learning: no gRPC
 * </pre>
 *
 * A new package needs a place here first: {@code ensureAllClassesAreContainedInArchitecture} fails
 * on a class of a package that no layer names.
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

  /** Middle tier: each may use checkers and engine, none the others of its tier. */
  private static final String[] MIDDLE = {
    "catalog", "redis", "fixtures", "canary", "tracing", "logging"
  };

  @ArchTest
  static final ArchRule packages_dependOnlyOnTheLayersBelowThem =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .ensureAllClassesAreContainedInArchitecture()
          .layer("engine")
          .definedBy(SERVER + "engine..")
          .layer("checkers")
          .definedBy(SERVER + "checkers..")
          .layer("catalog")
          .definedBy(SERVER + "catalog..")
          .layer("redis")
          .definedBy(SERVER + "redis..")
          .layer("fixtures")
          .definedBy(SERVER + "fixtures..")
          .layer("canary")
          .definedBy(SERVER + "canary..")
          .layer("tracing")
          .definedBy(SERVER + "tracing..")
          .layer("logging")
          .definedBy(SERVER + "logging..")
          .layer("metrics")
          .definedBy(SERVER + "metrics..")
          .layer("grpc")
          .definedBy(SERVER + "grpc..")
          .layer("cli")
          .definedBy(SERVER + "cli..")
          .whereLayer("engine")
          .mayNotAccessAnyLayer()
          .whereLayer("checkers")
          .mayOnlyAccessLayers("engine")
          .whereLayer("catalog")
          .mayOnlyAccessLayers("checkers", "engine")
          .whereLayer("redis")
          .mayOnlyAccessLayers("checkers", "engine")
          .whereLayer("fixtures")
          .mayOnlyAccessLayers("checkers", "engine")
          .whereLayer("canary")
          .mayOnlyAccessLayers("checkers", "engine")
          .whereLayer("tracing")
          .mayOnlyAccessLayers("checkers", "engine")
          .whereLayer("logging")
          .mayOnlyAccessLayers("checkers", "engine")
          .whereLayer("metrics")
          .mayOnlyAccessLayers(concat(MIDDLE, "checkers", "engine"))
          .whereLayer("grpc")
          .mayOnlyAccessLayers(concat(MIDDLE, "metrics", "checkers", "engine"))
          .whereLayer("cli")
          .mayNotBeAccessedByAnyLayer()
          .because(
              "a package depends only on the layers below it (see LayeringTest's Javadoc); a"
                  + " new package gets a layer there first");

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

  private static String[] concat(String[] first, String... rest) {
    String[] all = new String[first.length + rest.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }
}
