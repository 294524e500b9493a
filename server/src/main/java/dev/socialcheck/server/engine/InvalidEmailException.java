package dev.socialcheck.server.engine;

/** Thrown by {@link EmailAddress#parse} with a message fit for the caller (no personal data). */
public final class InvalidEmailException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidEmailException(String message) {
    super(message);
  }
}
