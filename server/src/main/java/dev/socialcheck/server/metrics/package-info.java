/**
 * Prometheus metrics (Micrometer): what the engine does per platform and strategy, what the gRPC
 * layer serves per method and status, and an HTTP endpoint to scrape them. Labels never carry an
 * e-mail address.
 */
@NullMarked
package dev.socialcheck.server.metrics;

import org.jspecify.annotations.NullMarked;
