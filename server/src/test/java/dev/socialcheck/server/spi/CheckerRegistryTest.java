package dev.socialcheck.server.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.Futures;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.PlatformChecker;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding checker providers: one per type, a clash is an error that names both. */
class CheckerRegistryTest {
  @TempDir Path dir;

  /** A provider of any type, answering FOUND. */
  private static CheckerProvider provider(String type, boolean available) {
    return new CheckerProvider() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public boolean isAvailable() {
        return available;
      }

      @Override
      public PlatformChecker newChecker(CheckerEntry entry, CheckerContext context) {
        return (email, check) -> Futures.immediateFuture(CheckOutcome.found(type));
      }
    };
  }

  @Test
  void defaultRegistry_findsTheBuiltInTypes_throughServiceLoader() {
    assertThat(CheckerRegistry.defaultRegistry().types())
        .as("types listed in the server's META-INF/services")
        .contains("http", "simulated");
  }

  @Test
  void types_areSorted_andEachHasItsProvider() {
    CheckerRegistry registry =
        CheckerRegistry.of(List.of(provider("zeta", true), provider("alpha", true)));

    assertThat(registry.types()).containsExactly("alpha", "zeta");
    assertThat(registry.provider("zeta")).get().extracting(CheckerProvider::type).isEqualTo("zeta");
    assertThat(registry.provider("beta")).as("a type nobody provides").isEmpty();
  }

  @Test
  void twoProvidersOfOneType_areAnError_namingBoth() {
    CheckerProvider first = provider("acme", true);
    CheckerProvider second = provider("acme", true);

    assertThatThrownBy(() -> CheckerRegistry.of(List.of(first, second)))
        .isInstanceOf(CheckerProviderException.class)
        .hasMessageStartingWith("two checker providers of type 'acme': ")
        .hasMessageContaining(first.getClass().getName())
        .hasMessageContaining("(from ")
        .hasMessageEndingWith("; remove one of them from the class path");
  }

  @Test
  void unavailableProvider_isLeftOut_andClashesWithNothing() {
    CheckerRegistry registry =
        CheckerRegistry.of(List.of(provider("acme", false), provider("acme", true)));

    assertThat(registry.providers()).as("only the available one").hasSize(1);
  }

  @Test
  void malformedType_isAnError() {
    assertThatThrownBy(() -> CheckerRegistry.of(List.of(provider("Acme Lookup", true))))
        .isInstanceOf(CheckerProviderException.class)
        .hasMessageContaining("declares the checker type 'Acme Lookup'")
        .hasMessageContaining("lower-case letters, digits or '-'");
  }

  @Test
  void providerThatCannotBeLoaded_isAnError_namingIt() throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(CheckerProvider.class.getName()), "com.example.Missing\n", UTF_8);

    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> CheckerRegistry.load(loader))
          .isInstanceOf(CheckerProviderException.class)
          .hasMessageStartingWith("a checker provider on the class path cannot be loaded")
          .hasMessageContaining("com.example.Missing");
    }
  }
}
