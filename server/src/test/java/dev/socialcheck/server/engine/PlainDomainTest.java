package dev.socialcheck.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.IDN;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link EmailAddress} skips {@link IDN#toASCII} for plain ASCII domains: only sound if IDN would
 * return every such domain unchanged, which this checks over many generated domains.
 */
class PlainDomainTest {
  private static final String CHARACTERS = "abcXYZ019-._ !~\u00e9";

  @Test
  void plainDomains_areExactlyWhatIdnReturnsUnchanged() {
    Random random = new Random(42);
    int plain = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder domain = new StringBuilder();
      int length = 1 + random.nextInt(90);
      for (int k = 0; k < length; k++) {
        domain.append(CHARACTERS.charAt(random.nextInt(CHARACTERS.length())));
      }
      if (random.nextInt(20) == 0) {
        domain.insert(random.nextInt(domain.length() + 1), "a".repeat(55 + random.nextInt(15)));
      }
      String text = domain.toString();
      if (!EmailAddress.isPlainAsciiDomain(text)) {
        continue;
      }
      plain++;
      assertThat(IDN.toASCII(text, 0)).as("IDN of the plain domain [%s]", text).isEqualTo(text);
    }
    assertThat(plain).as("plain domains generated").isGreaterThan(1_000);
  }

  @Test
  void plainDomains_parseAsBefore() {
    assertThat(EmailAddress.parse("user@Example.COM").domain()).isEqualTo("example.com");
    assertThat(EmailAddress.isPlainAsciiDomain("a.b-c.d9")).as("letters, digits, -").isTrue();
    assertThat(EmailAddress.isPlainAsciiDomain("example..com")).as("empty label").isFalse();
    assertThat(EmailAddress.isPlainAsciiDomain("example.com.")).as("trailing dot").isFalse();
    assertThat(EmailAddress.isPlainAsciiDomain("a".repeat(64) + ".com")).as("long label").isFalse();
    assertThat(EmailAddress.isPlainAsciiDomain("b\u00fccher.de")).as("non-ASCII").isFalse();
  }
}
