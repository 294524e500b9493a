package dev.socialcheck.server.checkers;

import java.util.Locale;

/** The HTTP client HTTP probes are sent with ({@code --probe-client}). */
public enum ProbeClient {
  /** The JDK {@code HttpClient}, for every platform (the default). */
  JDK,

  /**
   * Netty's HTTP/2 client for the HTTPS platforms that speak HTTP/2, the JDK client for the others
   * ({@link Http2FirstTransport}).
   */
  NETTY;

  /** The client named {@code name} ({@code jdk}, {@code netty}; any case). */
  public static ProbeClient parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown probe client '" + name + "' (jdk, netty)", e);
    }
  }

  /** The name the options use. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
