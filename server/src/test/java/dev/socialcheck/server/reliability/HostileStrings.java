package dev.socialcheck.server.reliability;

import java.util.List;
import java.util.Random;

/**
 * A seeded generator of hostile e-mail-like strings: valid addresses and near misses built from
 * ASCII and Unicode pieces (letters of several scripts, combining marks, emoji, lone surrogates,
 * bidi and zero-width characters, control characters, full-width and ideographic look-alikes of '@'
 * and '.'), quoted local parts, IP literals, IDN domains, and long strings. The same seed always
 * gives the same strings, so a failure names its seed and index and can be replayed.
 */
final class HostileStrings {
  private static final String ATEXT =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";

  private static final List<String> UNICODE =
      List.of(
          "ü", "é", "ß", "ø", // Latin-1
          "α", "Ω", "д", "Ж", // Greek, Cyrillic
          "例", "え", "テ", "한", // CJK, kana, hangul
          "क", "ि", "्", // Devanagari letter, vowel sign, virama (marks)
          "é", // e + combining acute (NFC turns it into é)
          "😀", "👍🏽", // supplementary plane, with a modifier
          "\uD800", "\uDFFF", // lone surrogates
          "\u202E", "\u200B", "\u200D", "\uFEFF", // bidi override, zero widths, BOM
          "\u00A0", "\u2028", "\u3000", // no-break space, line separator, ideographic space
          "＠", "。", "．", "｡", // full-width @, ideographic and full-width full stops
          "\uE000", "\uFFFF", "\u0378"); // private use, non-character, unassigned

  private static final List<String> CONTROLS =
      List.of("\u0000", "\t", "\n", "\r", "\u001B", "\u007F", "\u0085", "\u009F");

  private static final List<String> DOMAINS =
      List.of(
          "email.com",
          "EXAMPLE.org",
          "bücher.de",
          "例え.テスト",
          "xn--bcher-kva.de",
          "münchen.bayern",
          "sub.domain.co.uk",
          "a.b",
          "localhost",
          "-bad.com",
          "bad-.com",
          "a..b.com",
          "123.456",
          "[127.0.0.1]",
          "[IPv6:::1]",
          "x".repeat(64) + ".com",
          "é.com");

  private final Random random;

  HostileStrings(long seed) {
    this.random = new Random(seed);
  }

  Random random() {
    return random;
  }

  /** One hostile string. */
  String next() {
    return switch (random.nextInt(10)) {
      case 0 -> quoted();
      case 1 -> noise(1 + random.nextInt(40));
      case 2 -> local(1 + random.nextInt(70)) + "@" + pick(DOMAINS) + pick(CONTROLS);
      case 3 -> "x".repeat(random.nextInt(300)) + "@" + pick(DOMAINS);
      case 4 -> local(1 + random.nextInt(20)) + "@" + local(1 + random.nextInt(20));
      case 5 -> " " + local(1 + random.nextInt(20)) + "@" + pick(DOMAINS) + "  ";
      case 6 -> local(1 + random.nextInt(10)) + "@" + unicodeLabel() + "." + unicodeLabel();
      default -> local(1 + random.nextInt(30)) + "@" + pick(DOMAINS);
    };
  }

  /** A local part of {@code length} pieces: mostly atext, some Unicode, a few dots. */
  String local(int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(20);
      if (kind < 14) {
        text.append(ATEXT.charAt(random.nextInt(ATEXT.length())));
      } else if (kind < 18) {
        text.append(pick(UNICODE));
      } else if (kind < 19) {
        text.append('.');
      } else {
        text.append(pick(CONTROLS));
      }
    }
    return text.toString();
  }

  private String unicodeLabel() {
    StringBuilder label = new StringBuilder();
    int length = 1 + random.nextInt(8);
    for (int i = 0; i < length; i++) {
      label.append(
          random.nextBoolean() ? pick(UNICODE) : String.valueOf((char) ('a' + random.nextInt(26))));
    }
    return label.toString();
  }

  private String quoted() {
    return "\""
        + local(1 + random.nextInt(10))
        + (random.nextBoolean() ? " " : "@")
        + "\"@"
        + pick(DOMAINS);
  }

  /** Any characters at all, including '@'. */
  String noise(int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(4)) {
        case 0 -> text.append((char) random.nextInt(0x80));
        case 1 -> text.append((char) random.nextInt(0x10000));
        case 2 -> text.append('@');
        default -> text.append(pick(UNICODE));
      }
    }
    return text.toString();
  }

  <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
