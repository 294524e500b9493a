package dev.socialcheck.server.checkers;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.common.net.UrlEscapers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text of a probe request (URL, header value, body, form field) with placeholders, compiled once
 * when the catalog is loaded and expanded for each check.
 *
 * <p>Placeholders name either a form of the address ({@link ProbeValues#ADDRESS_FORMS}: {@code
 * {email}}, {@code {email_urlencoded}}, {@code {email_json}}, {@code {email_sha256}}, {@code
 * {email_md5}}, {@code {email_domain}}), the per-check {@code {random}} token, or a value extracted
 * by an earlier step of the probe. Values are encoded for where they land ({@link Encoding}); the
 * explicitly encoded address forms ({@code _urlencoded}, {@code _json}, the digests) and {@code
 * {random}} (hex) are inserted as they are.
 */
public final class ProbeTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_]*)}");

  /** Placeholders whose value is already encoded, or needs no encoding. */
  static final Set<String> PRE_ENCODED =
      Set.of("email_urlencoded", "email_json", "email_sha256", "email_md5", "random");

  /** Where an expanded text lands, which decides how a value is encoded. */
  public enum Encoding {
    /** As is: the caller encodes the whole text (form fields) or wants it verbatim. */
    RAW,
    /** Inside a URL: values are percent-encoded (as in a query parameter). */
    URL,
    /** Inside a JSON string literal: values are escaped. */
    JSON_STRING,
    /** A header value: values are inserted as is, but a line break or control byte is refused. */
    HEADER
  }

  private final String text;
  private final List<String> literals;
  private final List<String> placeholders;

  private ProbeTemplate(String text, List<String> literals, List<String> placeholders) {
    this.text = text;
    this.literals = literals;
    this.placeholders = placeholders;
  }

  /**
   * Compiles {@code text}.
   *
   * @param variables the names of values extracted by earlier steps, usable as placeholders
   * @throws IllegalArgumentException naming an unknown placeholder and the known ones
   */
  public static ProbeTemplate compile(String text, Set<String> variables) {
    List<String> literals = new ArrayList<>();
    List<String> placeholders = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    int last = 0;
    while (m.find()) {
      String name = m.group(1);
      if (!ProbeValues.BUILT_IN.contains(name) && !variables.contains(name)) {
        Set<String> known = new TreeSet<>(ProbeValues.BUILT_IN);
        known.addAll(variables);
        throw new IllegalArgumentException(
            "unknown placeholder {"
                + name
                + "}"
                + (name.startsWith("email") ? "" : " (no earlier step extracts it)")
                + "; known: "
                + String.join(", ", known.stream().map(k -> "{" + k + "}").toList()));
      }
      literals.add(text.substring(last, m.start()));
      placeholders.add(name);
      last = m.end();
    }
    literals.add(text.substring(last));
    return new ProbeTemplate(text, List.copyOf(literals), List.copyOf(placeholders));
  }

  /** Compiles a text that may use only the built-in placeholders. */
  public static ProbeTemplate compile(String text) {
    return compile(text, Set.of());
  }

  /** The placeholder names used, in order. */
  public List<String> placeholders() {
    return placeholders;
  }

  /**
   * The text with every placeholder replaced.
   *
   * @throws IllegalArgumentException if a value cannot land there (a line break in a header)
   */
  public String expand(ProbeValues values, Encoding encoding) {
    if (placeholders.isEmpty()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 64);
    for (int i = 0; i < placeholders.size(); i++) {
      String name = placeholders.get(i);
      String value = values.get(name);
      out.append(literals.get(i))
          .append(PRE_ENCODED.contains(name) ? value : encode(value, encoding, name));
    }
    return out.append(literals.get(literals.size() - 1)).toString();
  }

  /** Expands with the address only (templates without extracted values). */
  public String expand(ProbeValues values) {
    return expand(values, Encoding.RAW);
  }

  private static String encode(String value, Encoding encoding, String name) {
    return switch (encoding) {
      case RAW -> value;
      case URL -> UrlEscapers.urlFormParameterEscaper().escape(value);
      case JSON_STRING -> new String(JsonStringEncoder.getInstance().quoteAsString(value));
      case HEADER -> {
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if ((c < 0x20 && c != '\t') || c == 0x7f) {
            throw new IllegalArgumentException(
                "the value of {" + name + "} cannot go into a header (control character)");
          }
        }
        yield value;
      }
    };
  }

  /** Whether the text has no placeholder at all. */
  public boolean isConstant() {
    return placeholders.isEmpty();
  }

  /** The template as written in the catalog. */
  @Override
  public String toString() {
    return text;
  }
}
