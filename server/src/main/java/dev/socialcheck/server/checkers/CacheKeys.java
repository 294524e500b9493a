package dev.socialcheck.server.checkers;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.socialcheck.server.engine.EmailAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;

/**
 * The keys of the {@link ResultCache}: {@code platformId:<hex HMAC-SHA256 of the address>} under a
 * secret. A plain hash of an address can be mapped back to it by anyone who reads the cache (Redis,
 * a heap dump) and hashes a list of candidate addresses; without the secret an HMAC cannot be
 * recomputed. Replicas share cache entries only when they share the secret.
 *
 * <p>The address is lower-cased as a whole, local part included, on purpose: the platforms look
 * accounts up case-insensitively (and the hash-keyed ones, like Gravatar, hash the lower-cased
 * address), so {@code Foo@example.com} and {@code foo@example.com} get the same answer and share
 * it.
 *
 * <p>Never reveals the secret ({@link #toString()} included). Immutable, thread-safe.
 */
public final class CacheKeys {
  /** Shortest secret accepted, in bytes. */
  public static final int MIN_SECRET_BYTES = 16;

  /** Length of a generated secret, in bytes. */
  static final int RANDOM_SECRET_BYTES = 32;

  private final HashFunction hmac;
  private final String origin;

  private CacheKeys(byte[] secret, String origin) {
    this.hmac = Hashing.hmacSha256(secret);
    this.origin = origin;
  }

  /**
   * Keys under {@code secret}.
   *
   * @throws IllegalArgumentException if the secret is shorter than {@link #MIN_SECRET_BYTES}
   */
  public static CacheKeys withSecret(byte[] secret) {
    return withSecret(secret, "a given secret");
  }

  private static CacheKeys withSecret(byte[] secret, String origin) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the secret is "
              + secret.length
              + " bytes long; at least "
              + MIN_SECRET_BYTES
              + " are needed (e.g. the output of `openssl rand -hex 32`)");
    }
    return new CacheKeys(secret, origin);
  }

  /**
   * Keys under the secret in {@code file}: its bytes without surrounding ASCII white space (so a
   * trailing newline does not count).
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the secret is shorter than {@link #MIN_SECRET_BYTES}
   */
  public static CacheKeys fromFile(Path file) throws IOException {
    byte[] secret = trim(Files.readAllBytes(file));
    try {
      return withSecret(secret, "the secret of " + file);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * Keys under a random secret of this process ({@link SecureRandom}, 32 bytes): fine for a local
   * cache, but no other process computes the same keys.
   */
  public static CacheKeys random() {
    byte[] secret = new byte[RANDOM_SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    try {
      return new CacheKeys(secret, "a random secret of this process");
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** The cache key of {@code email} on the platform {@code platformId}. */
  public String key(String platformId, EmailAddress email) {
    return platformId + ":" + hmac.hashString(email.value().toLowerCase(Locale.ROOT), UTF_8);
  }

  /**
   * A key for another use derived from the secret ({@code HMAC-SHA256(secret, purpose)}), so that
   * the replicas sharing the secret share it too while it reveals nothing of the secret or of the
   * cache keys: e.g. the key of the log fingerprints ({@link
   * dev.socialcheck.server.engine.Fingerprints#withKey}).
   */
  public byte[] derivedKey(String purpose) {
    return hmac.hashString("socialcheck derived key: " + purpose, UTF_8).asBytes();
  }

  /** Where the secret comes from (a file name, or that it is random), for the start-up log. */
  public String describe() {
    return "HMAC-SHA256 under " + origin;
  }

  /** Redacted: names the algorithm and the secret's origin, never the secret. */
  @Override
  public String toString() {
    return "CacheKeys[" + describe() + "]";
  }

  private static byte[] trim(byte[] bytes) {
    int start = 0;
    int end = bytes.length;
    while (start < end && isAsciiWhiteSpace(bytes[start])) {
      start++;
    }
    while (end > start && isAsciiWhiteSpace(bytes[end - 1])) {
      end--;
    }
    byte[] trimmed = Arrays.copyOfRange(bytes, start, end);
    Arrays.fill(bytes, (byte) 0);
    return trimmed;
  }

  private static boolean isAsciiWhiteSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == 0x0B;
  }
}
