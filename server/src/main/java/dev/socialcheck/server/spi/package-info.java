/**
 * The checker SPI: how a jar on the class path adds a kind of platform check that catalog entries
 * choose by name ({@code type: <name>}), in the manner of grpc-java's {@code LoadBalancerProvider}
 * and {@code LoadBalancerRegistry}.
 *
 * <ul>
 *   <li>{@link dev.socialcheck.server.spi.CheckerProvider}: one type of checker. Found with {@link
 *       java.util.ServiceLoader} ({@code
 *       META-INF/services/dev.socialcheck.server.spi.CheckerProvider}).
 *   <li>{@link dev.socialcheck.server.spi.CheckerRegistry}: the providers of a class path, one per
 *       type.
 *   <li>{@link dev.socialcheck.server.spi.CheckerEntry} and {@link
 *       dev.socialcheck.server.spi.SettingsField}: a catalog entry's settings, read with errors
 *       that name the file, the platform and the field.
 *   <li>{@link dev.socialcheck.server.spi.CheckerContext}: what the server shares with every
 *       checker (timers, clocks, the environment, a bounded pool for {@link
 *       dev.socialcheck.server.spi.BlockingCheck blocking code}).
 * </ul>
 *
 * <p>A provider returns a {@link dev.socialcheck.server.engine.PlatformChecker}; the server wraps
 * it in the same protections as every platform (result cache, circuit breaker, rate limit,
 * concurrency limit) — a provider writes none of them. The types {@code http} (the YAML probe, the
 * default) and {@code simulated} (the demo's platforms) are providers like any other. See {@code
 * checker-example/README.md} for a complete one.
 */
@NullMarked
package dev.socialcheck.server.spi;

import org.jspecify.annotations.NullMarked;
