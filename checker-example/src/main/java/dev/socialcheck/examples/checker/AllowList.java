package dev.socialcheck.examples.checker;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.socialcheck.server.engine.EmailAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A file of addresses, one per line: the address itself (any case), or the hex SHA-256 of the
 * lower-cased address ({@link EmailAddress#sha256Hex()}). Blank lines and {@code #} comments are
 * ignored. Read anew on every lookup; thread-safe.
 */
final class AllowList {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path file;

  AllowList(Path file) {
    this.file = file;
  }

  /** Whether {@code email} is listed. Blocks while it reads the file. */
  boolean contains(EmailAddress email) throws IOException {
    String address = email.value().toLowerCase(Locale.ROOT);
    String hash = email.sha256Hex();
    try (var lines = Files.lines(file, UTF_8)) {
      return lines
          .map(line -> line.strip().toLowerCase(Locale.ROOT))
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .anyMatch(
              line -> SHA256.matcher(line).matches() ? line.equals(hash) : line.equals(address));
    }
  }
}
