package dev.socialcheck.server.catalog;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A catalog file is unreadable or invalid. The message says where: file, platform, field — e.g.
 * {@code platforms.yaml: platform 'github' (#2): rules[1].json.pointer: must start with '/'}.
 */
public final class CatalogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String message;
  private final @Nullable PlatformKind disallowedKind;

  CatalogException(String message) {
    this(message, null, null);
  }

  CatalogException(String message, Throwable cause) {
    this(message, cause, null);
  }

  private CatalogException(
      String message, @Nullable Throwable cause, @Nullable PlatformKind disallowedKind) {
    super(message, cause);
    this.message = message;
    this.disallowedKind = disallowedKind;
  }

  /**
   * The kind of the entry that was refused because the operator does not allow that kind, if that
   * is the problem: a command line can then say how to allow it.
   */
  public Optional<PlatformKind> disallowedKind() {
    return Optional.ofNullable(disallowedKind);
  }

  /** The same problem, known to be a kind the operator does not allow. */
  CatalogException withDisallowedKind(PlatformKind kind) {
    return new CatalogException(message, getCause(), kind);
  }
}
