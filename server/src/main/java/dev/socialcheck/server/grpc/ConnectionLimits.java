package dev.socialcheck.server.grpc;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * HTTP/2 connection limits of the Netty transport.
 *
 * @param maxCallsPerConnection concurrent calls (streams) per connection; more wait in the client
 * @param maxConnectionAge connections are closed gracefully after this age, so clients reconnect
 *     and load balancers can spread them again
 * @param maxConnectionAgeGrace how long calls on an aged connection may finish
 * @param permitKeepAliveTime clients pinging more often than this are disconnected
 * @param keepAliveTime the server pings idle connections this often to find dead peers
 * @param maxRstFramesPerWindow HTTP/2 "rapid reset" defence: more RST_STREAM frames than this per
 *     {@code rstWindow} close the connection. Every call a client cancels or lets time out is one
 *     RST_STREAM, so the limit must stay above what a legitimate client sends: cancelling is how
 *     socialcheck is meant to be used ({@code firstFound}, deadlines)
 * @param rstWindow window of {@code maxRstFramesPerWindow}
 */
public record ConnectionLimits(
    int maxCallsPerConnection,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace,
    Duration permitKeepAliveTime,
    Duration keepAliveTime,
    int maxRstFramesPerWindow,
    Duration rstWindow) {

  /**
   * Defaults for a service behind a load balancer. The rapid-reset limit, 2000 per 10 s (200 a
   * second), lets a full connection (100 calls) cancel every call it makes at two calls per second
   * per stream; an attacker resetting streams as fast as it can is still stopped within
   * milliseconds.
   */
  public static final ConnectionLimits DEFAULTS =
      new ConnectionLimits(
          100,
          Duration.ofMinutes(30),
          Duration.ofSeconds(30),
          Duration.ofSeconds(20),
          Duration.ofMinutes(2),
          2000,
          Duration.ofSeconds(10));

  public ConnectionLimits {
    checkArgument(maxCallsPerConnection > 0, "maxCallsPerConnection must be positive");
    checkArgument(maxConnectionAge.toNanos() > 0, "maxConnectionAge must be positive");
    checkArgument(
        !maxConnectionAgeGrace.isNegative(), "maxConnectionAgeGrace must not be negative");
    checkArgument(permitKeepAliveTime.toNanos() > 0, "permitKeepAliveTime must be positive");
    checkArgument(keepAliveTime.toNanos() > 0, "keepAliveTime must be positive");
    checkArgument(maxRstFramesPerWindow > 0, "maxRstFramesPerWindow must be positive");
    checkArgument(rstWindow.toSeconds() >= 1, "rstWindow must be at least 1s");
  }

  /** A copy with another per-connection call limit. */
  public ConnectionLimits withMaxCallsPerConnection(int calls) {
    return new ConnectionLimits(
        calls,
        maxConnectionAge,
        maxConnectionAgeGrace,
        permitKeepAliveTime,
        keepAliveTime,
        maxRstFramesPerWindow,
        rstWindow);
  }

  /** A copy with another maximum connection age. */
  public ConnectionLimits withMaxConnectionAge(Duration age) {
    return new ConnectionLimits(
        maxCallsPerConnection,
        age,
        maxConnectionAgeGrace,
        permitKeepAliveTime,
        keepAliveTime,
        maxRstFramesPerWindow,
        rstWindow);
  }
}
