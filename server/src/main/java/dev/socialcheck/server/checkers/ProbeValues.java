package dev.socialcheck.server.checkers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.socialcheck.server.engine.EmailAddress;
import java.net.URLEncoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The values a probe's templates draw on during one check: the forms of the address, a random
 * token, and what the probe's steps extracted so far. One instance per check, never shared between
 * checks; the steps of a check run one after the other, so it needs no lock (each step's callback
 * happens after the previous one completed).
 */
public final class ProbeValues {
  /** Placeholders for forms of the address. */
  public static final Set<String> ADDRESS_FORMS =
      Set.of(
          "email", "email_urlencoded", "email_json", "email_sha256", "email_md5", "email_domain");

  /** Every placeholder that needs no extraction. */
  public static final Set<String> BUILT_IN = union(ADDRESS_FORMS, Set.of("random"));

  private final EmailAddress email;
  private final String random;
  private final Map<String, String> extracted = new LinkedHashMap<>();

  /**
   * @param random this check's random token (lower-case hex), for placeholders like a control
   *     address {@code {random}@{email_domain}}
   */
  public ProbeValues(EmailAddress email, String random) {
    this.email = requireNonNull(email, "email");
    this.random = requireNonNull(random, "random");
  }

  /** The address checked. Personal data. */
  public EmailAddress email() {
    return email;
  }

  /** This check's random token. */
  public String random() {
    return random;
  }

  /** Records a value extracted by a step. */
  void put(String name, String value) {
    extracted.put(name, value);
  }

  /** The values extracted so far, in extraction order. */
  public Map<String, String> extracted() {
    return java.util.Collections.unmodifiableMap(extracted);
  }

  /**
   * The value of a placeholder.
   *
   * @throws IllegalStateException for a name that is neither built in nor extracted yet (the
   *     catalog loader prevents that)
   */
  String get(String name) {
    return switch (name) {
      case "email" -> email.value();
      case "email_urlencoded" -> URLEncoder.encode(email.value(), UTF_8);
      case "email_json" -> new String(JsonStringEncoder.getInstance().quoteAsString(email.value()));
      case "email_sha256" -> email.sha256Hex();
      case "email_md5" -> email.md5Hex();
      case "email_domain" -> email.domain();
      case "random" -> random;
      default -> {
        String value = extracted.get(name);
        if (value == null) {
          throw new IllegalStateException("{" + name + "} has no value yet");
        }
        yield value;
      }
    };
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
