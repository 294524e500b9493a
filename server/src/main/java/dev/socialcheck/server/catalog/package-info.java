/** Catalogs: the set of platforms a server can check, and the built-in offline demo catalog. */
@NullMarked
package dev.socialcheck.server.catalog;

import org.jspecify.annotations.NullMarked;
