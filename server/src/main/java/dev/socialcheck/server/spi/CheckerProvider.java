package dev.socialcheck.server.spi;

import dev.socialcheck.server.engine.PlatformChecker;
import java.util.Set;

/**
 * One type of platform checker, chosen by catalog entries with {@code type: <name>}. Providers are
 * found with {@link java.util.ServiceLoader}: a jar lists its provider classes in {@code
 * META-INF/services/dev.socialcheck.server.spi.CheckerProvider}, one fully qualified name per line,
 * and each needs a public no-argument constructor. See {@link CheckerRegistry}.
 *
 * <p>A provider turns an entry's settings into a checker once, when the catalog is loaded; the
 * server then wraps that checker in the protections every platform gets (result cache, circuit
 * breaker, rate limit, concurrency limit) and calls it from many threads at once. The checker
 * follows {@link PlatformChecker}'s contract: asynchronous, cancellable, failures as outcomes, no
 * address in logs or details. Code that can only block (a JDBC query, a blocking SDK) hands a
 * {@link BlockingCheck} to {@link CheckerContext#blocking}.
 *
 * <p>Implementations are stateless apart from what they build (one provider instance serves every
 * catalog of the process) and thread-safe.
 */
public interface CheckerProvider {

  /**
   * The name catalog entries use ({@code type: <name>}): 1 to 32 of lower-case letters, digits and
   * {@code -}, starting with a letter. Two providers of one type on a class path are an error (see
   * {@link CheckerRegistry}).
   */
  String type();

  /**
   * Whether this provider can work in this process (e.g. an optional library it needs is present).
   * A provider that is not available is left out of the registry, as if its jar were absent.
   * Default: {@code true}.
   */
  default boolean isAvailable() {
    return true;
  }

  /**
   * Fields of this type's settings that a catalog may also set once, under {@code defaults:}, for
   * every entry of this type (read them with {@link CheckerEntry#defaults()}). Any other field
   * there is refused as unknown. Default: none.
   */
  default Set<String> defaultFields() {
    return Set.of();
  }

  /**
   * Reads and validates an entry's settings and builds its checker. A setting that is missing,
   * malformed or unknown is refused by throwing what {@link SettingsField#fail} returns (every read
   * of {@link SettingsField} does so itself), so the message names the file, the platform and the
   * field: {@code my.yaml: platform 'acme' (#3): settings.file: must not be empty}. Refuse fields
   * you do not read with {@link SettingsField#allowOnly}.
   *
   * <p>Called while the catalog loads, on the loading thread; may read files (resolve them with
   * {@link SettingsField#file()}), must not call the platform.
   *
   * @return the checker of this entry; the caller owns it for the catalog's lifetime
   */
  PlatformChecker newChecker(CheckerEntry entry, CheckerContext context);
}
