package dev.socialcheck.server.spi;

/**
 * The checker providers of a class path cannot be used: two of one type, a malformed type name, or
 * one that fails to load. The message names the classes and the jars they came from.
 */
public final class CheckerProviderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CheckerProviderException(String message) {
    super(message);
  }

  CheckerProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}
