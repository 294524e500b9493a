/**
 * Catalogs: the set of platforms a server can check. {@link
 * dev.socialcheck.server.catalog.CatalogReader} reads a YAML catalog into {@link
 * dev.socialcheck.server.catalog.PlatformDefinition}s, each checker built by its type's provider
 * ({@link dev.socialcheck.server.catalog.HttpCheckerProvider} for the default {@code http} type);
 * {@link dev.socialcheck.server.catalog.CheckerStack} puts the server's protections around them;
 * {@link dev.socialcheck.server.catalog.DemoCatalog} is the built-in offline catalog.
 */
@NullMarked
package dev.socialcheck.server.catalog;

import org.jspecify.annotations.NullMarked;
