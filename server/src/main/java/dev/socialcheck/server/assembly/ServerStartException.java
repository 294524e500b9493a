package dev.socialcheck.server.assembly;

import static java.util.Objects.requireNonNull;

import java.nio.channels.UnresolvedAddressException;
import java.util.regex.Pattern;

/**
 * A part of the server could not start although its settings are valid: a port that cannot be
 * listened on (taken, unknown host), or tracing that cannot be set up from the environment. The
 * message is for people and names no command-line flag; {@link #part()} says which part failed, so
 * a command line can name its own flag.
 */
public final class ServerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private static final Pattern NATIVE_ERROR_PREFIX =
      Pattern.compile("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ");

  /** What could not start. */
  public enum Part {
    /** The gRPC server's port. */
    SERVER_PORT,
    /** The metrics endpoint's port. */
    METRICS_PORT,
    /** Tracing (a bad {@code OTEL_*} setting). */
    TRACING
  }

  private final Part part;
  private final int port;

  private ServerStartException(Part part, int port, String message, Throwable cause) {
    super(message, cause);
    this.part = requireNonNull(part, "part");
    this.port = port;
  }

  /** {@code host:port} cannot be listened on: {@code "cannot listen on HOST:PORT: why"}. */
  static ServerStartException cannotListen(Part part, String host, int port, Exception cause) {
    return new ServerStartException(
        part, port, "cannot listen on " + host + ":" + port + ": " + rootMessage(cause), cause);
  }

  /** Tracing cannot be set up; the cause's message says which setting. */
  static ServerStartException tracing(IllegalArgumentException cause) {
    return new ServerStartException(Part.TRACING, -1, String.valueOf(cause.getMessage()), cause);
  }

  /** What failed. */
  public Part part() {
    return part;
  }

  /** The port that could not be listened on (as set: 0 for a free one); -1 for tracing. */
  public int port() {
    return port;
  }

  /**
   * The root cause of {@code e} in words, without the exception's name: "Address already in use",
   * "unknown host".
   */
  public static String rootMessage(Throwable e) {
    Throwable cause = e;
    for (Throwable next = e.getCause(); next != null; next = next.getCause()) {
      cause = next;
    }
    if (cause instanceof UnresolvedAddressException) {
      return "unknown host";
    }
    String message = cause.getMessage();
    if (message == null) {
      return "failed";
    }
    // Netty's native transport: "bind(..) failed with error(-98): Address already in use".
    return NATIVE_ERROR_PREFIX.matcher(message).replaceFirst("");
  }
}
