package dev.socialcheck.client.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchRule;
import dev.socialcheck.server.architecture.LibraryRules;

/**
 * The SDK's main classes: they never use the server (its tests do, to have one to talk to), and
 * they use their libraries' public API only.
 */
@AnalyzeClasses(
    packages = "dev.socialcheck.client",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ClientArchitectureTest {
  @ArchTest
  static final ArchRule sdk_neverUsesTheServer =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.socialcheck.server..")
          .because(
              "the SDK ships without the server: it depends on the socialcheck.v1 contract and"
                  + " grpc-java only");

  @ArchTest static final ArchTests libraries = ArchTests.in(LibraryRules.class);
}
