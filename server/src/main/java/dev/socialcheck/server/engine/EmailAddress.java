package dev.socialcheck.server.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.net.IDN;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A syntactically valid e-mail address, normalized: surrounding white space removed, Unicode in NFC
 * form, the domain lower-cased and in its ASCII (IDNA) form. The local part keeps its case.
 *
 * <p>Accepted: dot-atom local parts of ASCII {@code atext} characters and non-ASCII letters and
 * digits (RFC 6531), internationalized domain names. Rejected: quoted local parts, IP-literal
 * domains, single-label domains, anything over 254 characters.
 *
 * <p><b>Privacy:</b> {@link #toString()} does not reveal the address; it shows a short hash, so an
 * address that slips into a log line is not leaked. Use {@link #value()} only to talk to a
 * platform.
 */
public final class EmailAddress {

  /** Maximum length of an address (RFC 5321 path limit minus the angle brackets). */
  public static final int MAX_LENGTH = 254;

  private static final int MAX_LOCAL_PART_LENGTH = 64;
  private static final int MAX_LABEL_LENGTH = 63;
  private static final String ATEXT_SPECIALS = "!#$%&'*+/=?^_`{|}~-";

  private final String localPart;
  private final String domain;
  private final String value;

  private EmailAddress(String localPart, String domain) {
    this.localPart = localPart;
    this.domain = domain;
    this.value = localPart + "@" + domain;
  }

  /**
   * Parses and normalizes {@code text}.
   *
   * @throws InvalidEmailException with a message that says what is wrong and never repeats the
   *     address
   */
  public static EmailAddress parse(@Nullable String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidEmailException("email is required");
    }
    // Cheap bound first, so a huge string costs no more than this comparison.
    if (text.length() > 4 * MAX_LENGTH) {
      throw new InvalidEmailException("email is longer than " + MAX_LENGTH + " characters");
    }
    String stripped = text.strip();
    // ASCII text is already in NFC: skip the normalizer's copy for the common case.
    String trimmed =
        isAscii(stripped) ? stripped : Normalizer.normalize(stripped, Normalizer.Form.NFC);
    for (int i = 0; i < trimmed.length(); ) {
      int c = trimmed.codePointAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new InvalidEmailException("email contains white space or control characters");
      }
      i += Character.charCount(c);
    }
    if (trimmed.startsWith("\"")) {
      throw new InvalidEmailException("email has a quoted local part, which is not supported");
    }
    int at = trimmed.lastIndexOf('@');
    if (at < 0) {
      throw new InvalidEmailException("email has no '@'");
    }
    if (trimmed.indexOf('@') != at) {
      throw new InvalidEmailException("email has more than one '@'");
    }
    String localPart = checkLocalPart(trimmed.substring(0, at));
    String domain = checkDomain(trimmed.substring(at + 1));
    EmailAddress email = new EmailAddress(localPart, domain);
    if (email.value.length() > MAX_LENGTH) {
      throw new InvalidEmailException("email is longer than " + MAX_LENGTH + " characters");
    }
    return email;
  }

  private static String checkLocalPart(String localPart) {
    if (localPart.isEmpty()) {
      throw new InvalidEmailException("email has nothing before the '@'");
    }
    if (localPart.length() > MAX_LOCAL_PART_LENGTH) {
      throw new InvalidEmailException(
          "email's local part is longer than " + MAX_LOCAL_PART_LENGTH + " characters");
    }
    if (localPart.startsWith(".") || localPart.endsWith(".") || localPart.contains("..")) {
      throw new InvalidEmailException(
          "email's local part starts or ends with a dot, or has two dots in a row");
    }
    for (int i = 0; i < localPart.length(); ) {
      int c = localPart.codePointAt(i);
      if (!isLocalPartCharacter(c)) {
        throw new InvalidEmailException(
            String.format(
                Locale.ROOT, "email's local part contains a forbidden character U+%04X", c));
      }
      i += Character.charCount(c);
    }
    return localPart;
  }

  private static boolean isLocalPartCharacter(int c) {
    if (c < 0x80) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || ATEXT_SPECIALS.indexOf(c) >= 0;
    }
    return Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK;
  }

  private static String checkDomain(String domain) {
    if (domain.isEmpty()) {
      throw new InvalidEmailException("email has nothing after the '@'");
    }
    if (domain.startsWith("[")) {
      throw new InvalidEmailException("email has an IP-literal domain, which is not supported");
    }
    String ascii;
    if (isPlainAsciiDomain(domain)) {
      // What IDN.toASCII returns for such a domain: the same text (it converts non-ASCII labels
      // and refuses empty or over-long ones; a plain domain has neither).
      ascii = domain.toLowerCase(Locale.ROOT);
    } else {
      try {
        ascii = IDN.toASCII(domain, 0).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw new InvalidEmailException("email's domain is not a valid domain name");
      }
    }
    int labels = 0;
    int lastLabelStart = 0;
    for (int start = 0; start <= ascii.length(); ) {
      int dot = ascii.indexOf('.', start);
      int end = dot < 0 ? ascii.length() : dot;
      labels++;
      lastLabelStart = start;
      checkLabel(ascii, start, end);
      start = end + 1;
    }
    if (labels < 2) {
      throw new InvalidEmailException(
          "email's domain needs at least two labels (like example.com)");
    }
    if (isDigits(ascii, lastLabelStart, ascii.length())) {
      throw new InvalidEmailException("email's domain ends in a numeric label");
    }
    return ascii;
  }

  /**
   * One label of a lower-case ASCII domain: 1 to 63 of {@code [a-z0-9-]}, no hyphen at either end.
   * A domain of one label is reported as such, not for its label.
   */
  private static void checkLabel(String domain, int start, int end) {
    if (start == end || end - start > MAX_LABEL_LENGTH) {
      if (start == 0 && end == domain.length()) {
        return; // one label only: the caller says so
      }
      throw new InvalidEmailException(
          "email's domain has an empty label or one longer than " + MAX_LABEL_LENGTH);
    }
    boolean valid = domain.charAt(start) != '-' && domain.charAt(end - 1) != '-';
    for (int i = start; valid && i < end; i++) {
      char c = domain.charAt(i);
      valid = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }
    if (!valid) {
      if (start == 0 && end == domain.length()) {
        return;
      }
      throw new InvalidEmailException(
          "email's domain may only contain letters, digits, dots and inner hyphens");
    }
  }

  private static boolean isDigits(String text, int start, int end) {
    if (start == end) {
      return false;
    }
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * Letters, digits, hyphens and dots only, in labels of 1 to 63 characters: a domain that {@link
   * IDN#toASCII} returns unchanged.
   */
  static boolean isPlainAsciiDomain(String domain) {
    int labelLength = 0;
    for (int i = 0; i < domain.length(); i++) {
      char c = domain.charAt(i);
      if (c == '.') {
        if (labelLength == 0) {
          return false;
        }
        labelLength = 0;
      } else if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-') {
        if (++labelLength > MAX_LABEL_LENGTH) {
          return false;
        }
      } else {
        return false;
      }
    }
    return labelLength > 0;
  }

  /** The normalized address. Personal data: give it to platforms, never to logs. */
  public String value() {
    return value;
  }

  /** The part before the {@code @}, case preserved. */
  public String localPart() {
    return localPart;
  }

  /** The domain, lower case, in ASCII (IDNA) form. */
  public String domain() {
    return domain;
  }

  /**
   * Hex SHA-256 of the lower-cased address (the form Gravatar and most hash-keyed APIs use). Not
   * for keys that leave the process: anyone with a list of candidate addresses can reverse it (the
   * result cache uses an HMAC under a secret instead).
   */
  public String sha256Hex() {
    return Hashing.sha256().hashString(lowerCase(), UTF_8).toString();
  }

  /** Hex MD5 of the lower-cased address, for legacy hash-keyed APIs. Not for security. */
  public String md5Hex() {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(lowerCase().getBytes(UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides MD5", e);
    }
  }

  /**
   * Keys the {@link #fingerprint()}s: an HMAC-SHA256 under a random key of this process until
   * {@link #useFingerprintKey} installs a shared one. A plain hash would not do: whoever reads the
   * logs could hash a list of candidate addresses and match the tags.
   */
  private static volatile FingerprintKey fingerprintKey = new FingerprintKey(randomKey());

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /**
   * A fingerprint key: its HMAC as a Guava function, and as one initialized {@link Mac} per thread
   * (a Guava hasher clones its Mac for every hash; a thread's own Mac is reset by {@code doFinal}
   * and reused).
   */
  private static final class FingerprintKey {
    final HashFunction hash;
    private final @Nullable ThreadLocal<Mac> macs;

    FingerprintKey(byte[] key) {
      this.hash = Hashing.hmacSha256(key);
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

    /** A key known only as a hash function (restored by tests): hashed through Guava. */
    FingerprintKey(HashFunction hash) {
      this.hash = hash;
      this.macs = null;
    }

    /** The first 12 hex digits of the keyed hash of {@code text}. */
    String tag(String text) {
      if (macs == null) {
        return hash.hashString(text, UTF_8).toString().substring(0, 12);
      }
      byte[] digest = macs.get().doFinal(text.getBytes(UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    }
  }

  /** A fingerprint and the key it was computed under. */
  private record Fingerprint(FingerprintKey key, String tag) {}

  /** This address's fingerprint under the current key, once computed. */
  private volatile @Nullable Fingerprint fingerprint;

  /**
   * Keys every {@link #fingerprint()} from now on with {@code key} (at least 16 bytes), so that the
   * replicas that share it tag an address alike in their logs. Meant to be called once, at start-up
   * (the server derives the key from the result cache's secret).
   */
  public static void useFingerprintKey(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("a fingerprint key needs at least 16 bytes");
    }
    fingerprintKey = new FingerprintKey(key);
  }

  /** The current key's hash function (for tests that must restore it). */
  static HashFunction fingerprintHash() {
    return fingerprintKey.hash;
  }

  /** Restores a hash function returned by {@link #fingerprintHash()} (for tests). */
  static void restoreFingerprintHash(HashFunction hash) {
    fingerprintKey = new FingerprintKey(hash);
  }

  /**
   * A short, stable tag of the address for logs: the first 12 hex digits of a keyed hash
   * (HMAC-SHA256) of the lower-cased address, so it cannot be matched against candidate addresses
   * without the key. Stable within a process, and across the replicas that share the key of {@link
   * #useFingerprintKey}. Computed once per address object (and again if the key changes).
   */
  public String fingerprint() {
    FingerprintKey key = fingerprintKey;
    Fingerprint known = fingerprint;
    if (known != null && known.key() == key) {
      return known.tag();
    }
    String tag = key.tag(lowerCase());
    fingerprint = new Fingerprint(key, tag);
    return tag;
  }

  /** The first 12 hex digits of the keyed hash of {@code text} under the current key. */
  private static String tag(String text) {
    return fingerprintKey.tag(text);
  }

  /**
   * The {@link #fingerprint()} of {@code text} if it is a valid address, else a hash of the text
   * itself (trimmed, lower-cased, at most the first 1,000 characters); {@code "-"} for an empty
   * text. For logging what a caller sent without logging it.
   */
  public static String fingerprintOf(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return "-";
    }
    try {
      return parse(text).fingerprint();
    } catch (InvalidEmailException e) {
      String cut = text.length() > 1000 ? text.substring(0, 1000) : text;
      return tag(cut.strip().toLowerCase(Locale.ROOT));
    }
  }

  private String lowerCase() {
    return value.toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof EmailAddress other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** Redacted: {@code EmailAddress[hmac:0123456789ab]} (see {@link #fingerprint()}). */
  @Override
  public String toString() {
    return "EmailAddress[hmac:" + fingerprint() + "]";
  }
}
