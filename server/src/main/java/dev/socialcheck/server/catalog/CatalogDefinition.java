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
}
