package dev.socialcheck.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.InvalidEmailException;
import java.net.IDN;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of {@link EmailAddress#parse} over generated hostile input ({@link HostileStrings}):
 * it accepts or rejects cleanly (never another exception), what it accepts is normalized and
 * stable, what it rejects is explained without repeating the address, and quoted local parts, IP
 * literals and control characters never get through.
 *
 * <p>Property-based in the plain JUnit way: each {@code @ParameterizedTest} runs once per seed and
 * checks {@link #CASES} generated inputs; a failure names the seed and the input (escaped). Replay
 * one seed with {@code -Dreliability.seed=N}; {@code reliability.scale} multiplies the cases. jqwik
 * is not used: see {@code integration-tests/RELIABILITY.md}.
 */
class AddressValidationPropertiesTest {
  private static final int CASES = 500;

  static LongStream seeds() {
    String fixed = System.getProperty("reliability.seed");
    return fixed == null || fixed.isBlank()
        ? LongStream.of(11, 22, 33, 44)
        : LongStream.of(Long.parseLong(fixed));
  }

  private static int cases() {
    return CASES * Scenario.scale();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  @DisplayName("parse accepts or rejects cleanly; accepted addresses are normalized and stable")
  void parse_acceptsOrRejectsCleanly(long seed) {
    HostileStrings strings = new HostileStrings(seed);
    List<String> failures = new ArrayList<>();
    int accepted = 0;
    for (int i = 0; i < cases(); i++) {
      String input = strings.next();
      String problem;
      try {
        EmailAddress email = EmailAddress.parse(input);
        accepted++;
        problem = acceptedProblem(email);
      } catch (InvalidEmailException e) {
        problem = rejectionProblem(input, e);
      } catch (RuntimeException | Error e) {
        problem = "threw " + e;
      }
      if (problem != null && failures.size() < 10) {
        failures.add("seed " + seed + " #" + i + " " + escape(input) + ": " + problem);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(accepted).as("the generator also makes valid addresses").isPositive();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  @DisplayName("quoted local parts, IP literals and control characters are always rejected")
  void quotedLocalParts_ipLiterals_controlCharacters_alwaysRejected(long seed) {
    HostileStrings strings = new HostileStrings(seed);
    for (int i = 0; i < cases(); i++) {
      String local = strings.local(1 + strings.random().nextInt(20)).replace("\"", "");
      String quoted = "\"" + local + "\"@email.com";
      String literal = local + "@[" + strings.random().nextInt(256) + ".0.0.1]";
      String valid = "user" + i + "@email.com";
      // Strictly inside: surrounding white space (which includes \t, \n, \r and U+001C-U+001F)
      // is documented to be trimmed.
      int at = 1 + strings.random().nextInt(valid.length() - 1);
      char control =
          (char) (strings.random().nextBoolean() ? strings.random().nextInt(0x20) : 0x7f);
      String withControl = valid.substring(0, at) + control + valid.substring(at);
      for (String input : List.of(quoted, literal, withControl)) {
        assertThat(catchThrowable(() -> EmailAddress.parse(input)))
            .as("seed %d #%d %s", seed, i, escape(input))
            .isInstanceOf(InvalidEmailException.class);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  @DisplayName("internationalized domains normalize to their ASCII form")
  void idnDomains_normalizeToAscii(long seed) {
    HostileStrings strings = new HostileStrings(seed);
    String letters = "abcdefghijklmnopqrstuvwxyzäöüßéèçñøåæ";
    for (int i = 0; i < cases(); i++) {
      StringBuilder label = new StringBuilder();
      int length = 1 + strings.random().nextInt(12);
      for (int j = 0; j < length; j++) {
        label.append(letters.charAt(strings.random().nextInt(letters.length())));
      }
      String unicode = "user@" + label + ".example";
      String ascii = "user@" + IDN.toASCII(label + ".example").toLowerCase(Locale.ROOT);
      EmailAddress fromUnicode = EmailAddress.parse(unicode);
      assertThat(fromUnicode.domain()).as("seed %d %s", seed, unicode).matches("[a-z0-9.-]+");
      assertThat(fromUnicode).as("seed %d %s", seed, unicode).isEqualTo(EmailAddress.parse(ascii));
      assertThat(fromUnicode.fingerprint()).isEqualTo(EmailAddress.parse(ascii).fingerprint());
    }
  }

  @Test
  @DisplayName("a 10 MB string is rejected at once")
  void tenMegabytes_rejectedAtOnce() {
    String huge = "a".repeat(10 * 1024 * 1024) + "@email.com";
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> EmailAddress.parse(huge))
                .isInstanceOf(InvalidEmailException.class)
                .hasMessage("email is longer than 254 characters"));
    assertTimeoutPreemptively(
        Duration.ofSeconds(5), () -> assertThat(EmailAddress.fingerprintOf(huge)).hasSize(12));
  }

  /** Null if an accepted address keeps every promise of {@link EmailAddress}, else what not. */
  private static String acceptedProblem(EmailAddress email) {
    String value = email.value();
    if (value.length() > EmailAddress.MAX_LENGTH) {
      return "accepted " + value.length() + " characters";
    }
    if (value.chars().filter(c -> c == '@').count() != 1) {
      return "accepted without exactly one '@'";
    }
    if (value.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      return "accepted white space or a control character";
    }
    if (email.localPart().startsWith("\"") || email.localPart().length() > 64) {
      return "accepted a quoted or over-long local part";
    }
    if (!email.domain().matches("([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9-]*[a-z][a-z0-9-]*")) {
      return "domain not in lower-case ASCII LDH form: " + escape(email.domain());
    }
    EmailAddress again;
    try {
      again = EmailAddress.parse(value);
    } catch (RuntimeException e) {
      return "its normalized form is rejected: " + e.getMessage();
    }
    return again.equals(email) ? null : "normalizing twice changes it: " + escape(again.value());
  }

  /** Null if a rejection explains itself without repeating the address, else what is wrong. */
  private static String rejectionProblem(String input, InvalidEmailException e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return "rejected without a message";
    }
    int at = input.indexOf('@');
    String local = at < 0 ? input.strip() : input.substring(0, at).strip();
    if (local.length() >= 8 && message.contains(local)) {
      return "the message repeats the address: " + escape(message);
    }
    return null;
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder("\"");
    String cut = text.length() > 120 ? text.substring(0, 120) : text;
    cut.chars()
        .forEach(
            c -> {
              if (c >= 0x20 && c < 0x7f) {
                out.append((char) c);
              } else {
                out.append(String.format(Locale.ROOT, "\\u%04X", c));
              }
            });
    return out.append(text.length() > 120 ? "...\" (" + text.length() + " chars)" : "\"")
        .toString();
  }
}
