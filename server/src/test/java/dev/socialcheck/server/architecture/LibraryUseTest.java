package dev.socialcheck.server.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;

/** The server's main classes use their libraries' public API only (see {@link LibraryRules}). */
@AnalyzeClasses(
    packages = "dev.socialcheck.server",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LibraryUseTest {
  @ArchTest static final ArchTests libraries = ArchTests.in(LibraryRules.class);
}
