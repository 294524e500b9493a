package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socialcheck.server.engine.EmailAddress;
import org.junit.jupiter.api.Test;

class EmailTemplateTest {
  private static final EmailAddress EMAIL = EmailAddress.parse("  User@Email.COM ");

  @Test
  void sha256_and_md5_hashTheTrimmedLowerCasedAddress_knownVectors() {
    // Vectors computed independently: sha256("user@email.com"), md5("user@email.com").
    assertThat(EmailTemplate.compile("{email_sha256}").expand(EMAIL))
        .isEqualTo("0925f997eb0d742678f66d2da134d15d842d57722af5f7605c4785cb5358831b");
    assertThat(EmailTemplate.compile("{email_md5}").expand(EMAIL))
        .isEqualTo("b58c6f14d292556214bd64909bcdb118");
  }

  @Test
  void gravatarDocumentationExample() {
    assertThat(
            EmailTemplate.compile("https://api.gravatar.com/v3/profiles/{email_sha256}")
                .expand(EmailAddress.parse("MyEmailAddress@example.com ")))
        .isEqualTo(
            "https://api.gravatar.com/v3/profiles/84059b07d4be67b806386c0aad8070a23f18836bbaae342275dc0a83414c32ee");
  }

  @Test
  void urlencoded_escapesReservedCharacters() {
    assertThat(
            EmailTemplate.compile("q={email_urlencoded}+in:email")
                .expand(EmailAddress.parse("a+b&c=d@example.com")))
        .isEqualTo("q=a%2Bb%26c%3Dd%40example.com+in:email");
  }

  @Test
  void json_escapesForTheInsideOfAString() {
    assertThat(
            EmailTemplate.compile("{\"email\":\"{email_json}\"}")
                .expand(EmailAddress.parse("o'brien/x@example.com")))
        .isEqualTo("{\"email\":\"o'brien/x@example.com\"}");
  }

  @Test
  void email_isTheNormalizedAddress() {
    assertThat(EmailTemplate.compile("<{email}>").expand(EMAIL)).isEqualTo("<User@email.com>");
  }

  @Test
  void placeholders_areListedInOrder() {
    assertThat(EmailTemplate.compile("{email_md5}/{email}/x").placeholders())
        .containsExactly("email_md5", "email");
  }

  @Test
  void unknownPlaceholder_isRejectedAtCompileTime() {
    assertThatThrownBy(() -> EmailTemplate.compile("https://x/{email_sha1}"))
        .hasMessageStartingWith("unknown placeholder {email_sha1}");
  }
}
