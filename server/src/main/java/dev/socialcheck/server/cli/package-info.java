/**
 * The {@code socialcheck} command line: {@code serve}, {@code check}, {@code selfcheck}, {@code
 * screen}. The only layer that reads flags (and their environment variables and config file): each
 * command maps them onto {@link dev.socialcheck.server.assembly.ServerSettings}, runs a {@link
 * dev.socialcheck.server.assembly.ServerAssembly}, and phrases its errors with the flags' names.
 */
@NullMarked
package dev.socialcheck.server.cli;

import org.jspecify.annotations.NullMarked;
