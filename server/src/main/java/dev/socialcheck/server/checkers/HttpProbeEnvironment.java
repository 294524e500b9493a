package dev.socialcheck.server.checkers;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the built-in {@code http} checker type needs from the server besides the common {@link
 * dev.socialcheck.server.spi.CheckerContext}: offered to it as a {@link
 * dev.socialcheck.server.spi.CheckerContext#service service}.
 *
 * @param transport sends every probe's requests
 * @param recorder sees every exchange ({@code selfcheck --record}), or {@code null}
 * @param randomTokens a fresh {@code {random}} token per check
 */
public record HttpProbeEnvironment(
    ProbeTransport transport, @Nullable ProbeRecorder recorder, Supplier<String> randomTokens) {

  public HttpProbeEnvironment {
    requireNonNull(transport, "transport");
    requireNonNull(randomTokens, "randomTokens");
  }

  /** Probes over {@code transport}, unrecorded, with random tokens. */
  public HttpProbeEnvironment(ProbeTransport transport) {
    this(transport, null, HttpProbeChecker::randomToken);
  }
}
