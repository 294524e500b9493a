/**
 * One assembly of the server for every command and the benchmarks: {@link
 * dev.socialcheck.server.assembly.ServerSettings} (immutable, validated by its builder) says what
 * to run; {@link dev.socialcheck.server.assembly.ServerAssembly} builds it — catalog with its
 * protections, engine with its observers, metrics, Redis, canary, tracing, the gRPC server — and
 * closes it in order. The command line only maps its flags onto the settings; nothing here knows a
 * flag's name ({@link dev.socialcheck.server.assembly.InvalidSettingException} names the setting,
 * and the command line phrases it).
 */
@NullMarked
package dev.socialcheck.server.assembly;

import org.jspecify.annotations.NullMarked;
