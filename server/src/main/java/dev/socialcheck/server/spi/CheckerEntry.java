package dev.socialcheck.server.spi;

import java.util.Optional;

/**
 * One catalog entry, as its {@link CheckerProvider} sees it: the platform's id and its settings.
 * The fields every entry has (id, name, prior, kind, timeout, limits, self-check) are read by the
 * catalog, not by the provider.
 */
public interface CheckerEntry {

  /** The platform's id ({@code acme}). */
  String platformId();

  /**
   * The entry's settings: the {@code settings:} mapping (an empty one when the entry has none). For
   * the built-in {@code http} type, the entry itself, whose probe fields ({@code request}, {@code
   * rules}, ...) have always been written at its top level.
   */
  SettingsField settings();

  /**
   * The catalog's {@code defaults:} mapping, if it has one. Only the entry's type's {@link
   * CheckerProvider#defaultFields()} (and the limits every entry shares) can appear in it.
   */
  Optional<SettingsField> defaults();
}
