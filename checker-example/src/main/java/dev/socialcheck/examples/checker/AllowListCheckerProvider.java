package dev.socialcheck.examples.checker;

import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.spi.CheckerContext;
import dev.socialcheck.server.spi.CheckerEntry;
import dev.socialcheck.server.spi.CheckerProvider;
import dev.socialcheck.server.spi.SettingsField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The checker type {@code allow-list}: a platform whose members are listed in a local file, one
 * address per line (or, better, the SHA-256 of the lower-cased address, so that the file holds no
 * address at all). A catalog entry:
 *
 * <pre>
 * - id: club
 *   name: Example Club
 *   prior: 0.01
 *   type: allow-list
 *   settings:
 *     file: members.txt          # relative to the catalog file
 *     when_listed: FOUND         # optional, the default
 *     when_not_listed: NOT_FOUND # optional, the default
 * </pre>
 *
 * The file is read on every check, on the server's pool for blocking checker code ({@link
 * CheckerContext#blocking}), so an edited list counts at once; the server puts its usual
 * protections around the checker (cache, rate limit, concurrency limit, circuit breaker).
 *
 * <p>Found by the server with {@link java.util.ServiceLoader}: the jar lists this class in {@code
 * META-INF/services/dev.socialcheck.server.spi.CheckerProvider}.
 */
public final class AllowListCheckerProvider implements CheckerProvider {
  /** The type catalog entries name. */
  public static final String TYPE = "allow-list";

  /** ServiceLoader's way in: a public constructor without arguments. */
  public AllowListCheckerProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public PlatformChecker newChecker(CheckerEntry entry, CheckerContext context) {
    // Refuse what this type does not read: a misspelt setting is an error, not a silent default.
    SettingsField settings =
        entry.settings().allowOnly(Set.of("file", "when_listed", "when_not_listed"));
    SettingsField fileField = settings.required("file");
    Path file = fileField.file();
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      // Reported as "<catalog>: platform '<id>' (#n): settings.file: cannot read members.txt ...".
      throw fileField.fail("cannot read " + file.getFileName() + " (no such file, or unreadable)");
    }
    CheckStatus listed =
        settings.optional("when_listed").map(SettingsField::status).orElse(CheckStatus.FOUND);
    CheckStatus notListed =
        settings
            .optional("when_not_listed")
            .map(SettingsField::status)
            .orElse(CheckStatus.NOT_FOUND);
    AllowList list = new AllowList(file);
    String name = String.valueOf(file.getFileName());
    // Plain blocking code (file I/O): the server runs it on a bounded pool, interrupts it when
    // the check is cancelled or out of time, and turns an exception into ERROR.
    return context.blocking(
        (email, check) ->
            list.contains(email)
                ? new CheckOutcome(listed, "listed in " + name)
                : new CheckOutcome(notListed, "not listed in " + name));
  }
}
