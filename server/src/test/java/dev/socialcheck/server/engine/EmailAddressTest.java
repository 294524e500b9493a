package dev.socialcheck.server.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "user@email.com",
        "first.last+tag@sub.example.co.uk",
        "x@a.io",
        "o'brien@example.org",
        "user_name-1@example-domain.com",
        "josé@example.com",
        "用户@例子.广告"
      })
  void parse_acceptsCommonAddresses(String text) {
    assertThat(EmailAddress.parse(text).value()).isNotEmpty();
  }

  @Test
  void parse_trimsAndLowerCasesTheDomainOnly() {
    EmailAddress email = EmailAddress.parse("  John.Doe@Example.COM \n");

    assertThat(email.value()).isEqualTo("John.Doe@example.com");
    assertThat(email.localPart()).isEqualTo("John.Doe");
    assertThat(email.domain()).isEqualTo("example.com");
  }

  @Test
  void parse_convertsInternationalDomainsToAscii() {
    assertThat(EmailAddress.parse("user@bücher.de").domain()).isEqualTo("xn--bcher-kva.de");
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                         | email is required",
        "'   '                      | email is required",
        "userexample.com            | email has no '@'",
        "a@b@example.com            | email has more than one '@'",
        "@example.com               | email has nothing before the '@'",
        "user@                      | email has nothing after the '@'",
        "'\"quoted\"@example.com'   | quoted local part",
        "user@[127.0.0.1]           | IP-literal domain",
        "user@localhost             | at least two labels",
        ".user@example.com          | starts or ends with a dot",
        "us..er@example.com         | two dots in a row",
        "user.@example.com          | starts or ends with a dot",
        "'us er@example.com'        | white space or control characters",
        "user(comment)@example.com  | forbidden character U+0028",
        "user@exa_mple.com          | letters, digits, dots and inner hyphens",
        "user@-example.com          | letters, digits, dots and inner hyphens",
        "user@example..com          | not a valid domain name",
        "user@example.123           | numeric label",
      })
  void parse_rejectsMalformedAddresses_withAClearMessage(String text, String message) {
    assertThatThrownBy(() -> EmailAddress.parse(text))
        .isInstanceOf(InvalidEmailException.class)
        .hasMessageContaining(message);
  }

  @Test
  void parse_rejectsNull() {
    assertThatThrownBy(() -> EmailAddress.parse(null)).hasMessage("email is required");
  }

  @Test
  void parse_rejectsControlCharacters() {
    assertThatThrownBy(() -> EmailAddress.parse("us\u0000er@example.com"))
        .hasMessageContaining("control characters");
  }

  @Test
  void parse_rejectsAddressesOver254Characters() {
    String domain = ("a".repeat(60) + ".").repeat(4) + "com"; // 247 characters
    String ok = "abcdef@" + domain; // 254
    String tooLong = "abcdefg@" + domain; // 255

    assertThat(EmailAddress.parse(ok).value()).hasSize(254);
    assertThatThrownBy(() -> EmailAddress.parse(tooLong)).hasMessageContaining("longer than 254");
  }

  @Test
  void parse_rejectsAHugeStringCheaply() {
    String huge = "a".repeat(10_000_000) + "@example.com";

    assertThatThrownBy(() -> EmailAddress.parse(huge)).hasMessageContaining("longer than 254");
  }

  @Test
  void parse_rejectsLocalPartsOver64Characters() {
    assertThatThrownBy(() -> EmailAddress.parse("a".repeat(65) + "@example.com"))
        .hasMessageContaining("longer than 64");
  }

  @Test
  void errorMessages_neverRepeatTheAddress() {
    assertThatThrownBy(() -> EmailAddress.parse("secret.person(x)@example.com"))
        .message()
        .doesNotContain("secret.person");
  }

  @Test
  void toString_isRedacted() {
    EmailAddress email = EmailAddress.parse("secret.person@example.com");

    assertThat(email.toString())
        .doesNotContain("secret")
        .doesNotContain("example")
        .startsWith("EmailAddress[hmac:");
  }

  @Test
  void fingerprint_isStable_andIgnoresCase() {
    assertThat(EmailAddress.parse("User@Example.com").fingerprint())
        .isEqualTo(EmailAddress.parse("user@example.com").fingerprint())
        .hasSize(12)
        .isNotEqualTo(EmailAddress.parse("other@example.com").fingerprint());
  }

  @Test
  void fingerprint_isKeyed_notAPlainHashOfTheAddress() {
    EmailAddress email = EmailAddress.parse("user@example.com");
    assertThat(email.fingerprint())
        .as("a list of candidate addresses does not reverse it")
        .hasSize(12)
        .isNotEqualTo(email.sha256Hex().substring(0, 12));
    assertThat(email.toString()).isEqualTo("EmailAddress[hmac:" + email.fingerprint() + "]");

    byte[] key = "0123456789abcdef-shared-by-replicas".getBytes(UTF_8);
    Fingerprints shared = Fingerprints.withKey(key);
    assertThat(shared.of(email))
        .as("replicas with the same key tag an address alike")
        .isEqualTo(
            com.google.common.hash.Hashing.hmacSha256(key)
                .hashString("user@example.com", UTF_8)
                .toString()
                .substring(0, 12));
    assertThat(shared.ofText("not an address"))
        .as("invalid text: the same keyed hash")
        .isEqualTo(
            com.google.common.hash.Hashing.hmacSha256(key)
                .hashString("not an address", UTF_8)
                .toString()
                .substring(0, 12));
    assertThatThrownBy(() -> Fingerprints.withKey(new byte[8]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
