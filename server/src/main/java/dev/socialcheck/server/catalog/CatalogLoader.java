package dev.socialcheck.server.catalog;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.google.common.base.Ticker;
import dev.socialcheck.server.checkers.CachingChecker;
import dev.socialcheck.server.checkers.HttpProbeChecker;
import dev.socialcheck.server.checkers.ProbeRecorder;
import dev.socialcheck.server.checkers.ProbeSpec;
import dev.socialcheck.server.checkers.ProbeTransport;
import dev.socialcheck.server.checkers.ResilientChecker;
import dev.socialcheck.server.checkers.ResponseRule;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.checkers.SharedBudgetChecker;
import dev.socialcheck.server.checkers.SharedPlatformBudget;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.engine.PlatformDescription;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Loads a YAML catalog of HTTP-probed platforms and builds their checkers: an {@link
 * HttpProbeChecker} behind a {@link ResilientChecker} (behind a {@link SharedBudgetChecker} when
 * platform budgets are shared) behind a {@link CachingChecker}. Every problem is reported as a
 * {@link CatalogException} naming the file, the platform and the field.
 *
 * <p>The format is documented in {@code docs/catalog.md}; the bundled catalogs ({@code --catalog
 * builtin}, {@code --catalog extended}) are YAML files next to this class, and so are the challenge
 * fingerprints every catalog starts from ({@code challenges.yaml}).
 */
public final class CatalogLoader {
  /** The bundled catalog of documented APIs and quiet lookups. */
  public static final String BUILTIN = "builtin";

  /** The bundled catalog that adds sign-up form checks ({@code signup-check} kinds). */
  public static final String EXTENDED = "extended";

  private static final Map<String, String> BUNDLED =
      Map.of(BUILTIN, "platforms.yaml", EXTENDED, "extended.yaml");
  private static final String CHALLENGES_RESOURCE = "challenges.yaml";

  private static final Set<String> TOP_FIELDS = Set.of("include", "defaults", "platforms");
  private static final Set<String> LIMIT_FIELDS =
      Set.of("timeout", "concurrency", "rate_limit", "circuit_breaker", "max_body_bytes");
  private static final Set<String> DEFAULT_FIELDS =
      union(LIMIT_FIELDS, Set.of("blocked_when", "builtin_blocked_when", "user_agent"));
  private static final Set<String> PLATFORM_FIELDS =
      union(
          LIMIT_FIELDS,
          Set.of(
              "id",
              "name",
              "prior",
              "kind",
              "user_agent",
              "steps",
              "request",
              "rules",
              "blocked_when",
              "self_check",
              "source",
              "notes"));

  /**
   * What the built checkers share.
   *
   * @param transport sends every probe's requests (see {@link ProbeTransport#of(HttpClient)} and
   *     {@link #newHttpClient})
   * @param userAgent sent with every probe whose platform declares none
   * @param cache result cache (use {@link ResultCache#disabled()} for none)
   * @param ticker clock for timeouts, back-off and the resilience decorators
   * @param clock wall clock (circuit breaker, {@code Retry-After} dates)
   * @param environment looks up {@code ${env:NAME}} references in headers
   * @param circuitBreakers where the platforms' circuit breakers are created (and can be found,
   *     e.g. by metrics)
   * @param sharedBudget where the platforms' rate limits are shared with other replicas (Redis);
   *     {@code null}: each replica has only its own
   * @param allowedKinds the kinds of platform the operator allows; an entry of another kind is a
   *     load error
   * @param recorder sees every probe exchange ({@code selfcheck --record}), or {@code null}
   * @param randomTokens a fresh {@code {random}} token per check
   */
  public record Settings(
      ProbeTransport transport,
      String userAgent,
      ResultCache cache,
      Ticker ticker,
      Clock clock,
      Function<String, @Nullable String> environment,
      CircuitBreakerRegistry circuitBreakers,
      @Nullable SharedPlatformBudget sharedBudget,
      Set<PlatformKind> allowedKinds,
      @Nullable ProbeRecorder recorder,
      Supplier<String> randomTokens) {

    public Settings {
      allowedKinds = Set.copyOf(allowedKinds);
    }

    /** Settings over the JDK HTTP client, with platform budgets shared or not. */
    public Settings(
        HttpClient http,
        String userAgent,
        ResultCache cache,
        Ticker ticker,
        Clock clock,
        Function<String, @Nullable String> environment,
        CircuitBreakerRegistry circuitBreakers,
        @Nullable SharedPlatformBudget sharedBudget) {
      this(
          ProbeTransport.of(http),
          userAgent,
          cache,
          ticker,
          clock,
          environment,
          circuitBreakers,
          sharedBudget,
          PlatformKind.DEFAULT_ALLOWED,
          null,
          HttpProbeChecker::randomToken);
    }

    /** Settings over the JDK HTTP client, without shared platform budgets. */
    public Settings(
        HttpClient http,
        String userAgent,
        ResultCache cache,
        Ticker ticker,
        Clock clock,
        Function<String, @Nullable String> environment,
        CircuitBreakerRegistry circuitBreakers) {
      this(http, userAgent, cache, ticker, clock, environment, circuitBreakers, null);
    }

    /** These settings, allowing these kinds of platform. */
    public Settings withAllowedKinds(Set<PlatformKind> kinds) {
      return new Settings(
          transport,
          userAgent,
          cache,
          ticker,
          clock,
          environment,
          circuitBreakers,
          sharedBudget,
          kinds,
          recorder,
          randomTokens);
    }

    /** These settings, with every probe exchange shown to {@code newRecorder}. */
    public Settings withRecorder(@Nullable ProbeRecorder newRecorder) {
      return new Settings(
          transport,
          userAgent,
          cache,
          ticker,
          clock,
          environment,
          circuitBreakers,
          sharedBudget,
          allowedKinds,
          newRecorder,
          randomTokens);
    }

    /** These settings, sending the probes through {@code newTransport}. */
    public Settings withTransport(ProbeTransport newTransport, Supplier<String> newRandomTokens) {
      return new Settings(
          newTransport,
          userAgent,
          cache,
          ticker,
          clock,
          environment,
          circuitBreakers,
          sharedBudget,
          allowedKinds,
          recorder,
          newRandomTokens);
    }
  }

  private CatalogLoader() {}

  /** An HTTP client fit for probes: HTTP/2 when offered, no automatic redirects. */
  public static HttpClient newHttpClient(Executor executor) {
    return httpClientBuilder(executor).build();
  }

  /**
   * The settings of {@link #newHttpClient}, still open: for a client that must differ in one
   * respect only, e.g. the benchmarks' loopback platforms, whose self-signed certificate only their
   * own client trusts ({@code .sslContext(...)}). Production uses {@link #newHttpClient}, with the
   * JVM's default trust.
   */
  public static HttpClient.Builder httpClientBuilder(Executor executor) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(executor);
  }

  /**
   * HTTP clients a probe transport may use at most (see {@link #newProbeTransport}): with a
   * platform's HTTP/2 limit of 100–256 streams per connection, 800–2,048 probes in flight to one
   * platform.
   */
  public static final int MAX_HTTP_CLIENTS = 8;

  /**
   * The probes' transport: {@link #newHttpClient} clients on {@code executor}, a further one (a
   * further connection per host) whenever a host's HTTP/2 stream limit refuses a request, at most
   * {@link #MAX_HTTP_CLIENTS}.
   */
  public static ProbeTransport newProbeTransport(Executor executor) {
    return ProbeTransport.overflowing(
        newHttpClient(executor), () -> newHttpClient(executor), MAX_HTTP_CLIENTS);
  }

  /** Whether {@code name} is a bundled catalog ({@code builtin}, {@code extended}). */
  public static boolean isBundled(String name) {
    return BUNDLED.containsKey(name);
  }

  /** The text of a bundled catalog. */
  public static String bundledText(String name) {
    String resource = BUNDLED.get(name);
    if (resource == null) {
      throw new CatalogException(name + ": not a bundled catalog (" + BUNDLED.keySet() + ")");
    }
    return resource(resource, "the bundled catalog '" + name + "'");
  }

  private static String resource(String resource, String what) {
    try (InputStream in = CatalogLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new CatalogException(what + " is missing from the jar");
      }
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new CatalogException("cannot read " + what, e);
    }
  }

  /** Loads a bundled catalog ({@code builtin}, {@code extended}) or a file path. */
  public static Catalog load(String nameOrPath, Settings settings) {
    return build(nameOrPath, settings).catalog();
  }

  /**
   * The probes of a bundled catalog or a file, by platform id, without the decorators (no cache,
   * limits or circuit breaker): what {@code selfcheck --replay} runs fixtures through.
   */
  public static Map<String, HttpProbeChecker> probes(String nameOrPath, Settings settings) {
    return build(nameOrPath, settings).probes();
  }

  private static Built build(String nameOrPath, Settings settings) {
    if (isBundled(nameOrPath)) {
      return parseAll(nameOrPath, bundledText(nameOrPath), settings);
    }
    Path path = Path.of(nameOrPath);
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new CatalogException(
          nameOrPath + ": cannot read the catalog file: " + ReadFailure.describe(e), e);
    }
    return parseAll(path.getFileName().toString(), text, settings);
  }

  /** A parsed catalog and the undecorated probe of each of its platforms. */
  private record Built(Catalog catalog, Map<String, HttpProbeChecker> probes) {}

  /** Parses catalog text; {@code source} names it in error messages. */
  public static Catalog parse(String source, String yaml, Settings settings) {
    return parseAll(source, yaml, settings).catalog();
  }

  private static Built parseAll(String source, String yaml, Settings settings) {
    CatalogField top = new CatalogField(source, "", readYaml(source, yaml));
    top.requireObject().allowOnly(TOP_FIELDS);
    List<Platform> platforms = new ArrayList<>();
    Map<String, HttpProbeChecker> probes = new java.util.LinkedHashMap<>();
    Set<String> ids = new HashSet<>();
    Optional<CatalogField> include = top.optional("include");
    if (include.isPresent()) {
      for (CatalogField name :
          include.get().node.isArray() ? include.get().items() : List.of(include.get())) {
        if (!isBundled(name.text())) {
          throw name.fail(
              "can include a bundled catalog only ("
                  + String.join(", ", BUNDLED.keySet().stream().sorted().toList())
                  + ")");
        }
        if (name.text().equals(source)) {
          throw name.fail("a catalog cannot include itself");
        }
        Built included = parseAll(name.text(), bundledText(name.text()), settings);
        for (Platform platform : included.catalog().platforms()) {
          if (!ids.add(platform.id())) {
            throw name.fail("platform '" + platform.id() + "' is included twice");
          }
          platforms.add(platform);
        }
        probes.putAll(included.probes());
      }
    }
    CatalogField defaults = top.optional("defaults").orElse(null);
    if (defaults != null) {
      defaults.requireObject().allowOnly(DEFAULT_FIELDS);
    }
    ProbeParser parser = new ProbeParser(settings.environment());
    List<ResponseRule> blocked = new ArrayList<>();
    boolean builtinBlocked =
        defaults == null
            || defaults.optional("builtin_blocked_when").map(CatalogField::bool).orElse(true);
    if (builtinBlocked) {
      blocked.addAll(builtinChallenges());
    }
    if (defaults != null) {
      defaults.optional("blocked_when").ifPresent(b -> blocked.addAll(parser.ruleList(b, false)));
    }
    String userAgent =
        defaults == null
            ? null
            : defaults.optional("user_agent").map(CatalogField::text).orElse(null);
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
      CatalogField platform = new CatalogField(source + ": " + label, "", node);
      Platform built = platform(platform, defaults, settings, parser, blocked, userAgent, probes);
      if (!ids.add(built.id())) {
        throw platform.at("id").fail("duplicate id");
      }
      platforms.add(built);
    }
    return new Built(new Catalog(source, platforms), java.util.Collections.unmodifiableMap(probes));
  }

  /** The challenge fingerprints every catalog starts from ({@code challenges.yaml}). */
  public static List<ResponseRule> builtinChallenges() {
    String yaml = resource(CHALLENGES_RESOURCE, "the challenge fingerprints");
    CatalogField top =
        new CatalogField(CHALLENGES_RESOURCE, "", readYaml(CHALLENGES_RESOURCE, yaml));
    top.requireObject().allowOnly(Set.of("blocked_when"));
    return new ProbeParser(name -> null).ruleList(top.required("blocked_when"), false);
  }

  private static JsonNode readYaml(String source, String yaml) {
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

  private static Platform platform(
      CatalogField p,
      @Nullable CatalogField defaults,
      Settings settings,
      ProbeParser parser,
      List<ResponseRule> blocked,
      @Nullable String defaultUserAgent,
      Map<String, HttpProbeChecker> probes) {
    p.requireObject().allowOnly(PLATFORM_FIELDS);
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
        limit(p, defaults, "timeout").map(CatalogField::duration).orElse(Duration.ofSeconds(5));
    if (timeout.isZero()) {
      throw p.at("timeout").fail("must be positive");
    }
    int concurrency = limit(p, defaults, "concurrency").map(f -> f.integer(1, 10_000)).orElse(16);
    int maxBody =
        limit(p, defaults, "max_body_bytes")
            .map(f -> f.integer(1, 16 * 1024 * 1024))
            .orElse(ProbeSpec.DEFAULT_MAX_BODY_BYTES);
    ProbeSpec spec = parser.probe(id, p, maxBody, blocked, defaultUserAgent);
    RateLimiter rateLimiter = rateLimiter(id, limit(p, defaults, "rate_limit"));
    CircuitBreaker circuitBreaker =
        circuitBreaker(
            id,
            limit(p, defaults, "circuit_breaker"),
            settings.clock(),
            settings.circuitBreakers());
    Optional<SelfCheckAddresses> selfCheck = p.optional("self_check").map(CatalogLoader::selfCheck);
    PlatformKind kind = kind(p, settings.allowedKinds());
    Bulkhead bulkhead =
        Bulkhead.of(
            id,
            BulkheadConfig.custom()
                .maxConcurrentCalls(concurrency)
                .maxWaitDuration(Duration.ZERO)
                .build());
    HttpProbeChecker probe =
        new HttpProbeChecker(
            spec,
            settings.transport(),
            settings.userAgent(),
            settings.ticker(),
            settings.clock(),
            settings.recorder(),
            settings.randomTokens());
    probes.put(id, probe);
    PlatformChecker protectedChecker =
        new ResilientChecker(probe, circuitBreaker, rateLimiter, bulkhead, settings.ticker());
    SharedPlatformBudget sharedBudget = settings.sharedBudget();
    if (sharedBudget != null) {
      protectedChecker =
          new SharedBudgetChecker(
              id,
              protectedChecker,
              sharedBudget,
              rateLimiter.getRateLimiterConfig().getLimitForPeriod(),
              rateLimiter.getRateLimiterConfig().getLimitRefreshPeriod());
    }
    var checker = new CachingChecker(id, protectedChecker, settings.cache());
    PlatformDescription description =
        new PlatformDescription(
            kind.id(),
            p.optional("source").map(CatalogField::text).orElse(""),
            p.optional("notes").map(CatalogField::text).orElse(""));
    return new Platform(id, name, prior, timeout, checker, selfCheck, description);
  }

  private static PlatformKind kind(CatalogField p, Set<PlatformKind> allowed) {
    CatalogField field = p.at("kind");
    if (field.node.isMissingNode() || field.node.isNull()) {
      throw field.fail(
          "is required: api (a documented public API), lookup (an endpoint that neither notifies"
              + " the owner nor records a login attempt) or signup-check (a sign-up form's"
              + " 'address already taken' check)");
    }
    PlatformKind kind =
        PlatformKind.parse(field.text())
            .orElseThrow(() -> field.fail("must be one of " + PlatformKind.names()));
    if (!allowed.contains(kind)) {
      throw field.fail(
          kind.id()
              + " is not allowed here (allowed: "
              + String.join(", ", allowed.stream().map(PlatformKind::id).sorted().toList())
              + "): sign-up form checks may breach a platform's terms, so an operator must allow"
              + " them explicitly (socialcheck --allow-kind "
              + kind.id()
              + ")");
    }
    return kind;
  }

  private static Optional<CatalogField> limit(
      CatalogField platform, @Nullable CatalogField defaults, String name) {
    Optional<CatalogField> own = platform.optional(name);
    return own.isPresent() || defaults == null ? own : defaults.optional(name);
  }

  private static SelfCheckAddresses selfCheck(CatalogField s) {
    s.requireObject().allowOnly(Set.of("exists", "missing"));
    return new SelfCheckAddresses(s.required("exists").email(), s.required("missing").email());
  }

  private static RateLimiter rateLimiter(String id, Optional<CatalogField> field) {
    RateLimiterConfig.Builder config = RateLimiterConfig.custom().timeoutDuration(Duration.ZERO);
    if (field.isPresent()) {
      CatalogField f = field.get().requireObject().allowOnly(Set.of("requests", "per"));
      config
          .limitForPeriod(f.required("requests").integer(1, 1_000_000))
          .limitRefreshPeriod(f.required("per").positiveDuration());
    } else {
      config.limitForPeriod(10).limitRefreshPeriod(Duration.ofSeconds(1));
    }
    return RateLimiter.of(id, config.build());
  }

  private static CircuitBreaker circuitBreaker(
      String id, Optional<CatalogField> field, Clock clock, CircuitBreakerRegistry registry) {
    int failureRate = 50;
    int window = 20;
    int minimumCalls = 10;
    Duration openFor = Duration.ofSeconds(30);
    if (field.isPresent()) {
      CatalogField f =
          field
              .get()
              .requireObject()
              .allowOnly(Set.of("failure_rate_percent", "window", "minimum_calls", "open_for"));
      failureRate =
          f.optional("failure_rate_percent").map(x -> x.integer(1, 100)).orElse(failureRate);
      window = f.optional("window").map(x -> x.integer(1, 10_000)).orElse(window);
      minimumCalls =
          f.optional("minimum_calls").map(x -> x.integer(1, 10_000)).orElse(minimumCalls);
      openFor = f.optional("open_for").map(CatalogField::positiveDuration).orElse(openFor);
    }
    registry.find(id).ifPresent(old -> registry.remove(id));
    return registry.circuitBreaker(
        id,
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(window)
            .minimumNumberOfCalls(Math.min(minimumCalls, window))
            .failureRateThreshold(failureRate)
            .waitDurationInOpenState(openFor)
            .permittedNumberOfCallsInHalfOpenState(3)
            .clock(clock)
            .build());
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
