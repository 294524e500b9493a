/** The {@code socialcheck} command line: {@code serve} and {@code check}. */
@NullMarked
package dev.socialcheck.server.cli;

import org.jspecify.annotations.NullMarked;
