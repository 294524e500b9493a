package dev.socialcheck.server.checkers;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.socialcheck.server.engine.EmailAddress;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text with placeholders for the address, compiled once at catalog load time.
 *
 * <ul>
 *   <li>{@code {email}}: the normalized address as is
 *   <li>{@code {email_urlencoded}}: URL-encoded (for query strings and form bodies)
 *   <li>{@code {email_json}}: escaped for the inside of a JSON string
 *   <li>{@code {email_sha256}}, {@code {email_md5}}: hex digests of the lower-cased address
 * </ul>
 */
public final class EmailTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z0-9_]+)}");
  private static final Map<String, Function<EmailAddress, String>> VALUES =
      Map.of(
          "email", EmailAddress::value,
          "email_urlencoded", e -> URLEncoder.encode(e.value(), UTF_8),
          "email_json", e -> new String(JsonStringEncoder.getInstance().quoteAsString(e.value())),
          "email_sha256", EmailAddress::sha256Hex,
          "email_md5", EmailAddress::md5Hex);

  /** Placeholders that are safe inside a URL. */
  static final Set<String> URL_SAFE = Set.of("email_urlencoded", "email_sha256", "email_md5");

  private final String text;
  private final List<String> literals;
  private final List<Function<EmailAddress, String>> values;
  private final List<String> placeholders;

  private EmailTemplate(
      String text,
      List<String> literals,
      List<Function<EmailAddress, String>> values,
      List<String> placeholders) {
    this.text = text;
    this.literals = literals;
    this.values = values;
    this.placeholders = placeholders;
  }

  /**
   * Compiles {@code text}.
   *
   * @throws IllegalArgumentException naming an unknown placeholder
   */
  public static EmailTemplate compile(String text) {
    List<String> literals = new ArrayList<>();
    List<Function<EmailAddress, String>> values = new ArrayList<>();
    List<String> placeholders = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    int last = 0;
    while (m.find()) {
      Function<EmailAddress, String> value = VALUES.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            "unknown placeholder {"
                + m.group(1)
                + "}; known: {email}, {email_urlencoded}, {email_json}, {email_sha256}, {email_md5}");
      }
      literals.add(text.substring(last, m.start()));
      values.add(value);
      placeholders.add(m.group(1));
      last = m.end();
    }
    literals.add(text.substring(last));
    return new EmailTemplate(
        text, List.copyOf(literals), List.copyOf(values), List.copyOf(placeholders));
  }

  /** The placeholder names used, in order. */
  public List<String> placeholders() {
    return placeholders;
  }

  /** The text with every placeholder replaced for {@code email}. */
  public String expand(EmailAddress email) {
    StringBuilder out = new StringBuilder(text.length() + 64);
    for (int i = 0; i < values.size(); i++) {
      out.append(literals.get(i)).append(values.get(i).apply(email));
    }
    return out.append(literals.get(literals.size() - 1)).toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
