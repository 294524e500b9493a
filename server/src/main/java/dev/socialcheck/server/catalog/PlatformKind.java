package dev.socialcheck.server.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What kind of endpoint a catalog entry asks, which decides whether it may be used at all. Probes
 * that send a password, trigger password recovery, send a login link or complete a sign-up are
 * never allowed, whatever their kind.
 */
public enum PlatformKind {
  /** A documented public API. Allowed by default. */
  API("api"),
  /**
   * A lookup endpoint that neither notifies the owner nor records a login attempt. Allowed by
   * default.
   */
  LOOKUP("lookup"),
  /**
   * A sign-up form's "address already taken" validation: no account is created and no message sent,
   * but such endpoints may breach a platform's terms, so an operator must allow them.
   */
  SIGNUP_CHECK("signup-check");

  /** The kinds allowed unless the operator says otherwise. */
  public static final Set<PlatformKind> DEFAULT_ALLOWED = Set.of(API, LOOKUP);

  private final String id;

  PlatformKind(String id) {
    this.id = id;
  }

  /** The name used in catalogs and on the command line. */
  public String id() {
    return id;
  }

  /** The kind named {@code id} ({@code api}, {@code lookup}, {@code signup-check}). */
  public static Optional<PlatformKind> parse(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(k -> k.id.equals(wanted)).findFirst();
  }

  /** The names of every kind, for messages. */
  public static String names() {
    return Arrays.stream(values()).map(PlatformKind::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id;
  }
}
