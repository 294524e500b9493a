/**
 * Log output: a console appender that takes formatting and writing off the threads that log (one
 * access-log line per call), configured in {@code logback.xml}.
 */
@NullMarked
package dev.socialcheck.server.logging;

import org.jspecify.annotations.NullMarked;
