package dev.socialcheck.server.spi;

import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A value of a catalog entry's settings, with the path that leads to it. Every read checks the
 * value and, when it is wrong, throws an exception whose message names the file, the platform and
 * the field — {@code my.yaml: platform 'acme' (#3): settings.answers[1]: must be a text} — the same
 * form as the catalog's own errors. Build further messages of that form with {@link #fail}.
 *
 * <p>Immutable; a field that is absent reads as missing ({@link #optional} is empty, {@link
 * #required} refuses it).
 */
public interface SettingsField {

  /** The path of this field in the entry ({@code settings.file}), empty for the settings' root. */
  String path();

  /** The last name of the path ({@code file} for {@code settings.file}). */
  String name();

  /**
   * An exception naming this field, to throw: {@code throw field.fail("must be a readable file")}.
   * Its message is {@code <file>: platform '<id>' (#<n>): <path>: <message>}.
   */
  RuntimeException fail(String message);

  /** The child field {@code name} of this mapping; missing (or {@code null}) is refused. */
  SettingsField required(String name);

  /** The child field {@code name} of this mapping, unless it is missing or {@code null}. */
  Optional<SettingsField> optional(String name);

  /**
   * Refuses every child field whose name is not in {@code allowed} ("unknown field (allowed:
   * ...)"), and anything that is not a mapping. Call it first, so that a misspelt setting is an
   * error rather than silently ignored.
   *
   * @return this field
   */
  SettingsField allowOnly(Set<String> allowed);

  /** Whether this is a mapping ({@code {a: 1}}). */
  boolean isMapping();

  /** Whether this is a list ({@code [a, b]}). */
  boolean isList();

  /** This mapping's fields in document order; anything but a mapping is refused. */
  List<SettingsField> entries();

  /** This list's items in order; anything but a list is refused. */
  List<SettingsField> items();

  /** A non-empty text (numbers and booleans are read as their text). */
  String text();

  /** A list of texts, or one text as a list of one. */
  List<String> texts();

  /** A number. */
  double number();

  /** A whole number between {@code min} and {@code max}, both included. */
  int integer(int min, int max);

  /** {@code true} or {@code false}. */
  boolean bool();

  /** A duration written like {@code 250ms}, {@code 5s}, {@code 1m30s}; zero allowed. */
  Duration duration();

  /** A duration above zero. */
  Duration positiveDuration();

  /**
   * A status a checker may answer: {@code FOUND}, {@code NOT_FOUND}, {@code RATE_LIMITED}, {@code
   * BLOCKED}, {@code INVALID} or {@code ERROR} (case ignored). {@code TIMEOUT}, {@code CANCELLED}
   * and {@code SKIPPED} are the engine's and are refused.
   */
  CheckStatus status();

  /** A valid e-mail address. */
  EmailAddress email();

  /**
   * A file path; a relative one is resolved against the folder of the catalog file (the working
   * directory for the bundled catalogs). Whether it exists is the caller's to check.
   */
  Path file();
}
