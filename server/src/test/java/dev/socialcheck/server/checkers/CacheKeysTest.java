package dev.socialcheck.server.checkers;

import static dev.socialcheck.server.testing.TestPlatforms.EMAIL;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.Hashing;
import dev.socialcheck.server.engine.EmailAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheKeysTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  private static CacheKeys keys(String secret) {
    return CacheKeys.withSecret(secret.getBytes(UTF_8));
  }

  @Test
  void key_isThePlatformAndTheHmacOfTheLowerCasedAddress() {
    String expected =
        Hashing.hmacSha256(SECRET.getBytes(UTF_8)).hashString("user@email.com", UTF_8).toString();

    assertThat(keys(SECRET).key("github", EMAIL)).isEqualTo("github:" + expected);
  }

  @Test
  void key_neverHoldsTheAddress_norItsPlainHash() {
    String key = keys(SECRET).key("github", EMAIL);

    assertThat(key)
        .matches("github:[0-9a-f]{64}")
        .doesNotContain(EMAIL.value())
        .doesNotContain(EMAIL.sha256Hex())
        .doesNotContain(EMAIL.sha256Hex().substring(0, 12))
        .doesNotContain(EMAIL.md5Hex());
  }

  @Test
  void sameSecret_sameKey_otherSecret_otherKey() {
    assertThat(keys(SECRET).key("github", EMAIL)).isEqualTo(keys(SECRET).key("github", EMAIL));
    assertThat(keys(SECRET).key("github", EMAIL))
        .isNotEqualTo(keys(SECRET.replace('0', 'x')).key("github", EMAIL));
    assertThat(CacheKeys.random().key("github", EMAIL))
        .as("two processes without a secret file")
        .isNotEqualTo(CacheKeys.random().key("github", EMAIL));
  }

  @Test
  void derivedKeys_followTheSecret_andRevealNeitherItNorTheCacheKeys() {
    byte[] logKey = keys(SECRET).derivedKey("log fingerprints");

    assertThat(logKey).hasSize(32).isEqualTo(keys(SECRET).derivedKey("log fingerprints"));
    assertThat(logKey)
        .isNotEqualTo(keys(SECRET.replace('0', 'x')).derivedKey("log fingerprints"))
        .isNotEqualTo(keys(SECRET).derivedKey("something else"))
        .isNotEqualTo(SECRET.getBytes(UTF_8));
  }

  @Test
  void platformsAndAddresses_haveKeysOfTheirOwn_caseVariantsShareOne() {
    CacheKeys keys = keys(SECRET);

    assertThat(keys.key("github", EMAIL)).isNotEqualTo(keys.key("gravatar", EMAIL));
    assertThat(keys.key("github", EMAIL))
        .isNotEqualTo(keys.key("github", EmailAddress.parse("other@email.com")));
    assertThat(keys.key("github", EmailAddress.parse("User@Email.COM")))
        .as("the local part's case is folded on purpose")
        .isEqualTo(keys.key("github", EMAIL));
  }

  @Test
  void secretShorterThan16Bytes_isRefused() {
    assertThatThrownBy(() -> keys("0123456789abcde"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the secret is 15 bytes long; at least 16 are needed (e.g. the output of `openssl rand"
                + " -hex 32`)");
    assertThat(keys("0123456789abcdef").key("p", EMAIL)).startsWith("p:");
  }

  @Test
  void secretFile_isTrimmed_soATrailingNewlineDoesNotCount() throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, "  " + SECRET + "\n");

    assertThat(CacheKeys.fromFile(file).key("github", EMAIL))
        .isEqualTo(keys(SECRET).key("github", EMAIL));
  }

  @Test
  void secretFile_tooShortOnceTrimmed_isRefused() throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, "short-secret   \n\n");

    assertThatThrownBy(() -> CacheKeys.fromFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the secret is 12 bytes long");
  }

  @Test
  void description_namesTheOrigin_neverTheSecret() throws Exception {
    Path file = dir.resolve("secret");
    Files.writeString(file, SECRET);

    CacheKeys keys = CacheKeys.fromFile(file);

    assertThat(keys.describe()).isEqualTo("HMAC-SHA256 under the secret of " + file);
    assertThat(keys.toString()).doesNotContain(SECRET);
    assertThat(CacheKeys.random().describe())
        .isEqualTo("HMAC-SHA256 under a random secret of this process");
  }
}
