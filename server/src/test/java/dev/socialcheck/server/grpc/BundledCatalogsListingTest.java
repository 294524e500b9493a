package dev.socialcheck.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.catalog.PlatformKind;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.ProbeFixture;
import dev.socialcheck.v1.ListPlatformsRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a client sees of the bundled catalogs: {@code ListPlatforms} over {@code --catalog builtin}
 * and {@code --catalog extended}. Only listed, never checked: nothing is sent to any platform.
 */
class BundledCatalogsListingTest {
  private final ProbeFixture fixture = new ProbeFixture();

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  /** The ids ListPlatforms answers for a server over {@code catalog}. */
  private static List<String> listed(Catalog catalog) throws Exception {
    try (TestServer server = new TestServer(catalog)) {
      return server
          .blocking()
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .listPlatforms(ListPlatformsRequest.getDefaultInstance())
          .getPlatformsList()
          .stream()
          .map(dev.socialcheck.v1.Platform::getId)
          .toList();
    }
  }

  private static Map<String, String> kinds(Catalog catalog) {
    return catalog.platforms().stream()
        .collect(Collectors.toMap(Platform::id, p -> p.description().kind()));
  }

  @Test
  void listPlatforms_overBuiltinAndExtended_listsAtLeast25DistinctPlatforms() throws Exception {
    try (Catalog builtin = CatalogLoader.load(CatalogLoader.BUILTIN, fixture.settings());
        Catalog extended =
            CatalogLoader.load(
                CatalogLoader.EXTENDED,
                fixture.settings().withAllowedKinds(Set.of(PlatformKind.values())))) {
      List<String> builtinIds = listed(builtin);
      List<String> extendedIds = listed(extended);
      Set<String> distinct = new TreeSet<>(builtinIds);
      distinct.addAll(extendedIds);

      assertThat(distinct)
          .as("distinct platforms over both catalogs")
          .hasSizeGreaterThanOrEqualTo(25);
      assertThat(builtinIds)
          .as("builtin platforms")
          .hasSizeGreaterThanOrEqualTo(10)
          .doesNotHaveDuplicates();
      assertThat(extendedIds)
          .as("extended includes builtin")
          .containsAll(builtinIds)
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void builtin_holdsOnlyApisAndLookups_andExtendedAddsOnlySignupChecks() {
    try (Catalog builtin = CatalogLoader.load(CatalogLoader.BUILTIN, fixture.settings());
        Catalog extended =
            CatalogLoader.load(
                CatalogLoader.EXTENDED,
                fixture.settings().withAllowedKinds(Set.of(PlatformKind.values())))) {
      Map<String, String> builtinKinds = kinds(builtin);
      Map<String, String> added =
          kinds(extended).entrySet().stream()
              .filter(e -> !builtinKinds.containsKey(e.getKey()))
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));

      assertThat(Set.copyOf(builtinKinds.values()))
          .as("kinds in builtin (allowed without --allow-kind): %s", builtinKinds)
          .isSubsetOf(PlatformKind.API.id(), PlatformKind.LOOKUP.id());
      assertThat(Set.copyOf(added.values()))
          .as("kinds extended adds to builtin: %s", added)
          .containsExactly(PlatformKind.SIGNUP_CHECK.id());
    }
  }

  @Test
  void everyBundledPlatform_saysWhereItsEndpointComesFrom_whatFoundMeans_andItsPrior() {
    try (Catalog extended =
        CatalogLoader.load(
            CatalogLoader.EXTENDED,
            fixture.settings().withAllowedKinds(Set.of(PlatformKind.values())))) {
      Map<String, Platform> byId =
          extended.platforms().stream()
              .collect(Collectors.toMap(Platform::id, Function.identity()));
      for (Platform platform : byId.values()) {
        assertThat(platform.description().source()).as("%s: source", platform.id()).isNotBlank();
        assertThat(platform.description().notes())
            .as("%s: notes say what FOUND means and where the prior comes from", platform.id())
            .containsPattern("(?<!NOT_)FOUND")
            .containsIgnoringCase("prior");
        assertThat(platform.prior()).as("%s: prior", platform.id()).isBetween(0.0005, 0.5);
      }
    }
  }
}
