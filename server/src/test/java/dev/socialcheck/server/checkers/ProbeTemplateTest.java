package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socialcheck.server.engine.EmailAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeTemplateTest {
  private static final EmailAddress EMAIL = EmailAddress.parse("  User@Email.COM ");

  private static ProbeValues values(EmailAddress email) {
    return new ProbeValues(email, "00112233aabbccdd");
  }

  @Test
  void sha256_and_md5_hashTheTrimmedLowerCasedAddress_knownVectors() {
    // Vectors computed independently: sha256("user@email.com"), md5("user@email.com").
    assertThat(ProbeTemplate.compile("{email_sha256}").expand(values(EMAIL)))
        .isEqualTo("0925f997eb0d742678f66d2da134d15d842d57722af5f7605c4785cb5358831b");
    assertThat(ProbeTemplate.compile("{email_md5}").expand(values(EMAIL)))
        .isEqualTo("b58c6f14d292556214bd64909bcdb118");
  }

  @Test
  void gravatarDocumentationExample() {
    assertThat(
            ProbeTemplate.compile("https://api.gravatar.com/v3/profiles/{email_sha256}")
                .expand(values(EmailAddress.parse("MyEmailAddress@example.com "))))
        .isEqualTo(
            "https://api.gravatar.com/v3/profiles/84059b07d4be67b806386c0aad8070a23f18836bbaae342275dc0a83414c32ee");
  }

  @Test
  void urlencoded_escapesReservedCharacters() {
    assertThat(
            ProbeTemplate.compile("q={email_urlencoded}+in:email")
                .expand(values(EmailAddress.parse("a+b&c=d@example.com"))))
        .isEqualTo("q=a%2Bb%26c%3Dd%40example.com+in:email");
  }

  @Test
  void json_escapesForTheInsideOfAString() {
    assertThat(
            ProbeTemplate.compile("{\"email\":\"{email_json}\"}")
                .expand(values(EmailAddress.parse("o'brien/x@example.com"))))
        .isEqualTo("{\"email\":\"o'brien/x@example.com\"}");
  }

  @Test
  void email_isTheNormalizedAddress() {
    assertThat(ProbeTemplate.compile("<{email}>").expand(values(EMAIL)))
        .isEqualTo("<User@email.com>");
  }

  @Test
  void placeholders_areListedInOrder() {
    assertThat(ProbeTemplate.compile("{email_md5}/{email}/x").placeholders())
        .containsExactly("email_md5", "email");
  }

  @Test
  void unknownPlaceholder_isRejectedAtCompileTime() {
    assertThatThrownBy(() -> ProbeTemplate.compile("https://x/{email_sha1}"))
        .hasMessageStartingWith("unknown placeholder {email_sha1}");
  }

  @Test
  void extractedValues_areEncodedForWhereTheyLand() {
    ProbeValues values = values(EMAIL);
    values.put("token", "a b&c\"d");
    ProbeTemplate template = ProbeTemplate.compile("<{token}>", Set.of("token"));

    assertThat(template.expand(values, ProbeTemplate.Encoding.URL)).isEqualTo("<a+b%26c%22d>");
    assertThat(template.expand(values, ProbeTemplate.Encoding.JSON_STRING))
        .isEqualTo("<a b&c\\\"d>");
    assertThat(template.expand(values, ProbeTemplate.Encoding.RAW)).isEqualTo("<a b&c\"d>");
    assertThat(template.expand(values, ProbeTemplate.Encoding.HEADER)).isEqualTo("<a b&c\"d>");
  }

  @Test
  void preEncodedForms_areInsertedAsTheyAre_whereverTheyLand() {
    ProbeTemplate template = ProbeTemplate.compile("{email_urlencoded}|{random}");

    assertThat(
            template.expand(
                values(EmailAddress.parse("a+b@example.com")), ProbeTemplate.Encoding.URL))
        .isEqualTo("a%2Bb%40example.com|00112233aabbccdd");
  }

  @Test
  void domain_isTheNormalizedDomain() {
    assertThat(ProbeTemplate.compile("{random}@{email_domain}").expand(values(EMAIL)))
        .isEqualTo("00112233aabbccdd@email.com");
  }

  @Test
  void aLineBreakInAHeaderValue_isRefused() {
    ProbeValues values = values(EMAIL);
    values.put("token", "x\r\nSet-Cookie: evil=1");

    assertThatThrownBy(
            () ->
                ProbeTemplate.compile("{token}", Set.of("token"))
                    .expand(values, ProbeTemplate.Encoding.HEADER))
        .hasMessage("the value of {token} cannot go into a header (control character)");
  }

  @Test
  void aPlaceholderNoStepExtracts_isRejected_listingTheKnownOnes() {
    assertThatThrownBy(() -> ProbeTemplate.compile("{csrf}", Set.of("session")))
        .hasMessage(
            "unknown placeholder {csrf} (no earlier step extracts it); known: {email},"
                + " {email_domain}, {email_json}, {email_md5}, {email_sha256}, {email_urlencoded},"
                + " {random}, {session}");
  }
}
