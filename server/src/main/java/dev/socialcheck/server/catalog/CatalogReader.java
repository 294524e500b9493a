package dev.socialcheck.server.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.engine.PlatformDescription;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import dev.socialcheck.server.spi.CheckerContext;
import dev.socialcheck.server.spi.CheckerEntry;
import dev.socialcheck.server.spi.CheckerProvider;
import dev.socialcheck.server.spi.CheckerRegistry;
import dev.socialcheck.server.spi.SettingsField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a YAML catalog into {@link PlatformDefinition}s: the fields every entry has (id, name,
 * prior, kind, timeout, limits, self-check, description), and the checker its type's {@link
 * CheckerProvider} builds from the rest ({@code type: http}, the default, from the entry's probe
 * fields; any other type from its {@code settings:} mapping). No protections yet: {@link
 * CheckerStack} puts them around the checkers. Every problem is a {@link CatalogException} naming
 * the file, the platform and the field.
 *
 * <p>The format is documented in {@code docs/catalog.md}. Thread-safe.
 */
public final class CatalogReader {
  private static final Set<String> TOP_FIELDS = Set.of("include", "defaults", "platforms");

  /** Limits every entry has, which {@code defaults:} may set for all of them. */
  private static final Set<String> LIMIT_FIELDS =
      Set.of("timeout", "concurrency", "rate_limit", "circuit_breaker");

  /** Fields every entry has, whatever its type. */
  private static final Set<String> ENTRY_FIELDS =
      union(
          LIMIT_FIELDS,
          Set.of("id", "name", "prior", "kind", "type", "self_check", "source", "notes"));

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final CheckerRegistry registry;
  private final CheckerContext context;
  private final Set<PlatformKind> allowedKinds;

  /**
   * @param registry the checker types entries may name
   * @param context what the checkers share (timers, clocks, environment, services)
   * @param allowedKinds the kinds of platform the operator allows; an entry of another kind is a
   *     load error
   */
  public CatalogReader(
      CheckerRegistry registry, CheckerContext context, Set<PlatformKind> allowedKinds) {
    this.registry = requireNonNull(registry, "registry");
    this.context = requireNonNull(context, "context");
    this.allowedKinds = Set.copyOf(allowedKinds);
  }

  /** Reads a bundled catalog ({@code builtin}, {@code extended}) or a file. */
  public CatalogDefinition read(String nameOrPath) {
    if (CatalogLoader.isBundled(nameOrPath)) {
      return parse(nameOrPath, CatalogLoader.bundledText(nameOrPath), null);
    }
    Path path = Path.of(nameOrPath);
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new CatalogException(
          nameOrPath + ": cannot read the catalog file: " + ReadFailure.describe(e), e);
    }
    return parse(path.getFileName().toString(), text, path.toAbsolutePath().getParent());
  }

  /**
   * Parses catalog text; {@code source} names it in error messages, relative file paths of its
   * settings resolve against the working directory.
   */
  public CatalogDefinition parse(String source, String yaml) {
    return parse(source, yaml, null);
  }

  private CatalogDefinition parse(String source, String yaml, @Nullable Path folder) {
    CatalogField top = new CatalogField(source, "", readYaml(source, yaml), folder);
    top.requireObject().allowOnly(TOP_FIELDS);
    List<PlatformDefinition> platforms = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Optional<CatalogField> include = top.optional("include");
    if (include.isPresent()) {
      for (CatalogField name :
          include.get().node.isArray() ? include.get().items() : List.of(include.get())) {
        if (!CatalogLoader.isBundled(name.text())) {
          throw name.fail(
              "can include a bundled catalog only ("
                  + String.join(", ", CatalogLoader.bundledNames())
                  + ")");
        }
        if (name.text().equals(source)) {
          throw name.fail("a catalog cannot include itself");
        }
        CatalogDefinition included = read(name.text());
        for (PlatformDefinition platform : included.platforms()) {
          if (!ids.add(platform.id())) {
            throw name.fail("platform '" + platform.id() + "' is included twice");
          }
          platforms.add(platform);
        }
      }
    }
    @Nullable CatalogField defaults = top.optional("defaults").orElse(null);
    if (defaults != null) {
      Set<String> allowed = new HashSet<>(LIMIT_FIELDS);
      registry.providers().forEach(provider -> allowed.addAll(provider.defaultFields()));
      defaults.requireObject().allowOnly(allowed);
    }
    CatalogField list = top.required("platforms");
    if (!list.node.isArray() || list.node.isEmpty()) {
      throw list.fail("must be a non-empty list of platforms");
    }
    for (int i = 0; i < list.node.size(); i++) {
      JsonNode node = list.node.get(i);
      String label =
          node.hasNonNull("id")
              ? "platform '" + node.get("id").asText() + "' (#" + (i + 1) + ")"
              : "platform #" + (i + 1);
      CatalogField platform = new CatalogField(source + ": " + label, "", node, folder);
      PlatformDefinition built = platform(platform, defaults);
      if (!ids.add(built.id())) {
        throw platform.at("id").fail("duplicate id");
      }
      platforms.add(built);
    }
    return new CatalogDefinition(source, platforms);
  }

  private PlatformDefinition platform(CatalogField p, @Nullable CatalogField defaults) {
    p.requireObject();
    CheckerProvider provider = provider(p);
    boolean http = provider instanceof HttpCheckerProvider;
    p.allowOnly(
        http
            ? union(ENTRY_FIELDS, HttpCheckerProvider.FIELDS)
            : union(ENTRY_FIELDS, Set.of("settings")));
    String id = p.required("id").text();
    if (!id.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
      throw p.at("id").fail("must be lower case letters, digits, '-' or '_' (at most 32)");
    }
    String name = p.required("name").text();
    double prior = p.required("prior").number();
    if (prior < 0 || prior > 1) {
      throw p.at("prior").fail("must be between 0 and 1");
    }
    Duration timeout =
        inherited(p, defaults, "timeout").map(CatalogField::duration).orElse(DEFAULT_TIMEOUT);
    if (timeout.isZero()) {
      throw p.at("timeout").fail("must be positive");
    }
    int concurrency =
        inherited(p, defaults, "concurrency")
            .map(f -> f.integer(1, 10_000))
            .orElse(PlatformLimits.DEFAULTS.concurrency());
    PlatformChecker checker = provider.newChecker(entry(id, p, http, defaults), context);
    PlatformLimits limits =
        new PlatformLimits(
            concurrency,
            rateLimit(inherited(p, defaults, "rate_limit")),
            circuitBreaker(inherited(p, defaults, "circuit_breaker")));
    Optional<SelfCheckAddresses> selfCheck = p.optional("self_check").map(CatalogReader::selfCheck);
    String kind = kind(p, provider.type(), http);
    PlatformDescription description =
        new PlatformDescription(
            kind,
            p.optional("source").map(CatalogField::text).orElse(""),
            p.optional("notes").map(CatalogField::text).orElse(""));
    return new PlatformDefinition(
        id,
        name,
        prior,
        timeout,
        provider.type(),
        description,
        selfCheck,
        Optional.of(limits),
        checker);
  }

  private CheckerProvider provider(CatalogField p) {
    Optional<CatalogField> type = p.optional("type");
    String name = type.map(CatalogField::text).orElse(HttpCheckerProvider.TYPE);
    return registry
        .provider(name)
        .orElseThrow(
            () ->
                p.at("type")
                    .fail(
                        "unknown checker type '"
                            + name
                            + "' (known: "
                            + String.join(", ", registry.types())
                            + "); a type from a jar needs that jar on the class path"));
  }

  /** What the provider sees of entry {@code p}: its own fields for http, else its settings. */
  private static CheckerEntry entry(
      String id, CatalogField p, boolean http, @Nullable CatalogField defaults) {
    CatalogField settings;
    if (http) {
      settings = p;
    } else {
      settings = p.at("settings");
      if (settings.node.isMissingNode() || settings.node.isNull()) {
        settings = new CatalogField(p.where, "settings", JsonNodeFactory.instance.objectNode());
      }
      settings.requireObject();
    }
    SettingsField view = settings.asSettings();
    Optional<SettingsField> defaultsView =
        Optional.ofNullable(defaults).map(CatalogField::asSettings);
    return new CheckerEntry() {
      @Override
      public String platformId() {
        return id;
      }

      @Override
      public SettingsField settings() {
        return view;
      }

      @Override
      public Optional<SettingsField> defaults() {
        return defaultsView;
      }
    };
  }

  /**
   * The entry's kind: required of http entries (it decides whether they may run at all); for other
   * types optional, and when left out the description names the type instead (a simulated platform,
   * a provider's lookup), which the operator chose by putting its jar on the class path.
   */
  private String kind(CatalogField p, String type, boolean http) {
    CatalogField field = p.at("kind");
    if (field.node.isMissingNode() || field.node.isNull()) {
      if (!http) {
        return type;
      }
      throw field.fail(
          "is required: api (a documented public API), lookup (an endpoint that neither notifies"
              + " the owner nor records a login attempt) or signup-check (a sign-up form's"
              + " 'address already taken' check)");
    }
    PlatformKind kind =
        PlatformKind.parse(field.text())
            .orElseThrow(() -> field.fail("must be one of " + PlatformKind.names()));
    if (!allowedKinds.contains(kind)) {
      throw field
          .fail(
              kind.id()
                  + " is not allowed here (allowed: "
                  + String.join(", ", allowedKinds.stream().map(PlatformKind::id).sorted().toList())
                  + "): sign-up form checks may breach a platform's terms, so an operator must"
                  + " allow them explicitly")
          .withDisallowedKind(kind);
    }
    return kind.id();
  }

  private static Optional<CatalogField> inherited(
      CatalogField platform, @Nullable CatalogField defaults, String name) {
    return HttpCheckerProvider.inherited(platform, defaults, name);
  }

  private static SelfCheckAddresses selfCheck(CatalogField s) {
    s.requireObject().allowOnly(Set.of("exists", "missing"));
    return new SelfCheckAddresses(s.required("exists").email(), s.required("missing").email());
  }

  private static PlatformLimits.RateLimit rateLimit(Optional<CatalogField> field) {
    if (field.isEmpty()) {
      return PlatformLimits.RateLimit.DEFAULT;
    }
    CatalogField f = field.get().requireObject().allowOnly(Set.of("requests", "per"));
    return new PlatformLimits.RateLimit(
        f.required("requests").integer(1, 1_000_000), f.required("per").positiveDuration());
  }

  private static PlatformLimits.CircuitBreakerLimits circuitBreaker(Optional<CatalogField> field) {
    PlatformLimits.CircuitBreakerLimits d = PlatformLimits.CircuitBreakerLimits.DEFAULT;
    if (field.isEmpty()) {
      return d;
    }
    CatalogField f =
        field
            .get()
            .requireObject()
            .allowOnly(Set.of("failure_rate_percent", "window", "minimum_calls", "open_for"));
    return new PlatformLimits.CircuitBreakerLimits(
        f.optional("failure_rate_percent")
            .map(x -> x.integer(1, 100))
            .orElse(d.failureRatePercent()),
        f.optional("window").map(x -> x.integer(1, 10_000)).orElse(d.window()),
        f.optional("minimum_calls").map(x -> x.integer(1, 10_000)).orElse(d.minimumCalls()),
        f.optional("open_for").map(CatalogField::positiveDuration).orElse(d.openFor()));
  }

  static JsonNode readYaml(String source, String yaml) {
    YAMLFactory factory = new YAMLFactory();
    try {
      refuseAliases(factory, yaml);
      return new ObjectMapper(factory).readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new CatalogException(
          source + ": not valid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CatalogException(source + ": cannot read the YAML", e);
    }
  }

  /**
   * Refuses YAML aliases ({@code *name}): the YAML reader would hand over the alias's name instead
   * of the anchored value, silently (a {@code user_agent: *ua} would send "ua").
   */
  private static void refuseAliases(YAMLFactory factory, String yaml) throws IOException {
    try (YAMLParser parser = factory.createParser(yaml)) {
      while (parser.nextToken() != null) {
        if (parser.isCurrentAlias()) {
          throw new JsonParseException(
              parser,
              "YAML aliases (*"
                  + parser.getText()
                  + ") are not supported; write the value out where it is used");
        }
      }
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
