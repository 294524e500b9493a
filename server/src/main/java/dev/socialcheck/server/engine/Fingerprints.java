package dev.socialcheck.server.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Tags addresses for logs and traces: a short, stable, keyed fingerprint (the first 12 hex digits
 * of an HMAC-SHA256 of the lower-cased address), so that lines about one address can be matched
 * without the address, and a list of candidate addresses cannot be matched against them without the
 * key. A plain hash would not do: whoever reads the logs could hash candidates.
 *
 * <p>One instance per server (its assembly derives the key from the result cache's secret, so the
 * replicas that share the secret tag an address alike); nothing global can change it. {@link
 * #processDefault()} is the one of servers and {@code toString()}s given none: a random key of this
 * process, fixed at start.
 *
 * <p>Immutable and thread-safe. Each address remembers its fingerprint under the last instance that
 * computed it, so a call tags its address once.
 */
public final class Fingerprints {
  private static final Fingerprints PROCESS_DEFAULT = new Fingerprints(randomKey());

  /**
   * One initialized {@link Mac} per thread: {@code doFinal} resets it for reuse (a Guava hasher
   * would clone a Mac for every hash).
   */
  private final ThreadLocal<Mac> macs;

  private Fingerprints(byte[] key) {
    SecretKeySpec spec = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.macs =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(spec);
                return mac;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every JDK provides HmacSHA256", e);
              }
            });
  }

  /** Fingerprints under a random key of this process (the same for the process's lifetime). */
  public static Fingerprints processDefault() {
    return PROCESS_DEFAULT;
  }

  /** Fingerprints under a new random key: no other instance tags alike. */
  public static Fingerprints random() {
    return new Fingerprints(randomKey());
  }

  /**
   * Fingerprints under {@code key}: every instance with the same key, in any process, tags an
   * address alike.
   *
   * @throws IllegalArgumentException if the key is shorter than 16 bytes
   */
  public static Fingerprints withKey(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("a fingerprint key needs at least 16 bytes");
    }
    return new Fingerprints(key);
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** The fingerprint of {@code email} (case-insensitive), computed once per address. */
  public String of(EmailAddress email) {
    EmailAddress.Fingerprint known = email.cachedFingerprint();
    if (known != null && known.owner() == this) {
      return known.tag();
    }
    String tag = tag(email.value().toLowerCase(Locale.ROOT));
    email.cacheFingerprint(new EmailAddress.Fingerprint(this, tag));
    return tag;
  }

  /**
   * The fingerprint of {@code text} if it is a valid address, else a keyed hash of the text itself
   * (trimmed, lower-cased, at most its first 1,000 characters); {@code null} for an empty text,
   * which has nothing to hide (logs write it as {@code -}). For logging what a caller sent without
   * logging it.
   */
  public @Nullable String ofText(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return of(EmailAddress.parse(text));
    } catch (InvalidEmailException e) {
      String cut = text.length() > 1000 ? text.substring(0, 1000) : text;
      return tag(cut.strip().toLowerCase(Locale.ROOT));
    }
  }

  /** The first 12 hex digits of the keyed hash of {@code text}. */
  private String tag(String text) {
    byte[] digest = macs.get().doFinal(text.getBytes(UTF_8));
    return HexFormat.of().formatHex(digest, 0, 6);
  }
}
