package dev.socialcheck.server.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A catalog as read, before {@link CheckerStack} protects its checkers.
 *
 * @param name the catalog's name ({@code builtin}, a file's name)
 * @param platforms the platforms, in the order of the catalog
 */
public record CatalogDefinition(String name, List<PlatformDefinition> platforms) {
  public CatalogDefinition {
    requireNonNull(name, "name");
    platforms = List.copyOf(platforms);
  }

  /**
   * The platforms of a catalog built by code, to be assembled as they are (no limits; a result
   * cache when the settings keep one).
   */
  public static CatalogDefinition unprotected(Catalog catalog) {
    return new CatalogDefinition(
        catalog.name(), catalog.platforms().stream().map(PlatformDefinition::unprotected).toList());
  }
}
