package dev.socialcheck.server.catalog;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.FakeChecker;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {
  private final Catalog catalog =
      new Catalog(
          "test",
          List.of(
              platform("low", 0.1, new FakeChecker()),
              platform("high", 0.9, new FakeChecker()),
              platform("mid", 0.5, new FakeChecker())));

  @Test
  void platforms_areOrderedByDescendingPrior() {
    assertThat(catalog.platforms()).extracting(Platform::id).containsExactly("high", "mid", "low");
  }

  @Test
  void select_nothing_meansEverything() {
    assertThat(catalog.select(List.of())).isEqualTo(catalog.platforms());
  }

  @Test
  void select_dropsDuplicates_andKeepsTheRequestOrder() {
    assertThat(catalog.select(List.of("low", "mid", "low")))
        .extracting(Platform::id)
        .containsExactly("low", "mid");
  }

  @Test
  void select_unknownId_namesItAndTheKnownOnes() {
    assertThatThrownBy(() -> catalog.select(List.of("mid", "myspace")))
        .isInstanceOf(UnknownPlatformException.class)
        .hasMessage("unknown platform 'myspace'; known platforms: high, mid, low");
  }

  @Test
  void select_unknownId_isEchoedShortAndPrintable() {
    assertThatThrownBy(() -> catalog.select(List.of("x".repeat(1000) + "\n")))
        .hasMessageStartingWith("unknown platform '" + "x".repeat(40) + "...'");
    assertThatThrownBy(() -> catalog.select(List.of("bad\u0000id")))
        .hasMessageStartingWith("unknown platform 'bad?id'");
  }

  @Test
  void duplicateIds_areRejected() {
    assertThatThrownBy(
            () ->
                new Catalog(
                    "dup",
                    List.of(
                        platform("a", 0.1, new FakeChecker()),
                        platform("a", 0.2, new FakeChecker()))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptyCatalog_isRejected() {
    assertThatThrownBy(() -> new Catalog("empty", List.of()))
        .hasMessageContaining("has no platforms");
  }
}
