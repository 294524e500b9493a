package dev.socialcheck.server.catalog;

/**
 * A catalog file is unreadable or invalid. The message says where: file, platform, field — e.g.
 * {@code platforms.yaml: platform 'github' (#2): rules[1].json.pointer: must start with '/'}.
 */
public final class CatalogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CatalogException(String message) {
    super(message);
  }

  CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
