package dev.socialcheck.server.catalog;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import dev.socialcheck.server.checkers.HttpProbeChecker;
import dev.socialcheck.server.checkers.HttpProbeEnvironment;
import dev.socialcheck.server.checkers.ProbeSpec;
import dev.socialcheck.server.checkers.ResponseRule;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.spi.CheckerContext;
import dev.socialcheck.server.spi.CheckerEntry;
import dev.socialcheck.server.spi.CheckerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The checker type {@code http}, the default of every catalog entry: the declarative HTTP probe of
 * {@code docs/catalog.md} ({@code steps}, {@code request}, {@code rules}, {@code blocked_when},
 * {@code user_agent}, {@code max_body_bytes}), an {@link HttpProbeChecker}. Its settings are
 * written at the entry's top level, as catalogs always had them. It needs an {@link
 * HttpProbeEnvironment} among the context's services.
 */
public final class HttpCheckerProvider implements CheckerProvider {
  /** The type's name, and the type of entries that name none. */
  public static final String TYPE = "http";

  /** The entry fields of this type (beside those every entry has). */
  static final Set<String> FIELDS =
      Set.of("steps", "request", "rules", "blocked_when", "user_agent", "max_body_bytes");

  private static final Set<String> DEFAULT_FIELDS =
      Set.of("max_body_bytes", "blocked_when", "builtin_blocked_when", "user_agent");

  /** The challenge fingerprints every catalog starts from, parsed once: they never change. */
  private static final Supplier<List<ResponseRule>> BUILTIN_CHALLENGES =
      Suppliers.memoize(CatalogLoader::builtinChallenges);

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<String> defaultFields() {
    return DEFAULT_FIELDS;
  }

  @Override
  public PlatformChecker newChecker(CheckerEntry entry, CheckerContext context) {
    CatalogField p = field(entry.settings());
    @Nullable CatalogField defaults = entry.defaults().map(HttpCheckerProvider::field).orElse(null);
    HttpProbeEnvironment environment =
        context
            .service(HttpProbeEnvironment.class)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "http checkers need an HttpProbeEnvironment among the context's services"));
    int maxBody =
        inherited(p, defaults, "max_body_bytes")
            .map(f -> f.integer(1, 16 * 1024 * 1024))
            .orElse(ProbeSpec.DEFAULT_MAX_BODY_BYTES);
    ProbeParser parser = new ProbeParser(context.environment());
    List<ResponseRule> blocked = new ArrayList<>();
    boolean builtinBlocked =
        defaults == null
            || defaults.optional("builtin_blocked_when").map(CatalogField::bool).orElse(true);
    if (builtinBlocked) {
      blocked.addAll(BUILTIN_CHALLENGES.get());
    }
    if (defaults != null) {
      defaults.optional("blocked_when").ifPresent(b -> blocked.addAll(parser.ruleList(b, false)));
    }
    @Nullable String defaultUserAgent =
        defaults == null
            ? null
            : defaults.optional("user_agent").map(CatalogField::text).orElse(null);
    ProbeSpec spec = parser.probe(entry.platformId(), p, maxBody, blocked, defaultUserAgent);
    return new HttpProbeChecker(
        spec,
        environment.transport(),
        context.userAgent(),
        context.ticker(),
        context.clock(),
        environment.recorder(),
        environment.randomTokens());
  }

  /** The entry's own value of {@code name}, else the catalog's default. */
  static Optional<CatalogField> inherited(
      CatalogField platform, @Nullable CatalogField defaults, String name) {
    Optional<CatalogField> own = platform.optional(name);
    return own.isPresent() || defaults == null ? own : defaults.optional(name);
  }

  private static CatalogField field(dev.socialcheck.server.spi.SettingsField settings) {
    return CatalogField.of(settings)
        .orElseThrow(
            () -> new IllegalArgumentException("http settings come from a catalog: " + settings));
  }
}
