/**
 * An example checker type for the socialcheck server, {@code allow-list}: how to add a platform in
 * Java (see this module's README.md). Offline: it reads a local file, never the network.
 */
@NullMarked
package dev.socialcheck.examples.checker;

import org.jspecify.annotations.NullMarked;
