/**
 * OpenTelemetry tracing, off unless the standard {@code OTEL_*} variables turn it on: the server
 * span of every RPC comes from grpc-java's OpenTelemetry module, and {@link
 * dev.socialcheck.server.tracing.CheckSpans} adds a child span per platform check (and per probe
 * step, through {@link dev.socialcheck.server.engine.CheckTrace}) from the engine's observer hooks.
 * Spans carry the address's keyed fingerprint at most, never the address.
 */
@NullMarked
package dev.socialcheck.server.tracing;

import org.jspecify.annotations.NullMarked;
