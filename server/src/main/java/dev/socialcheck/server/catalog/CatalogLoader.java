package dev.socialcheck.server.catalog;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.base.Ticker;
import dev.socialcheck.server.checkers.Http2FirstTransport;
import dev.socialcheck.server.checkers.HttpProbeChecker;
import dev.socialcheck.server.checkers.HttpProbeEnvironment;
import dev.socialcheck.server.checkers.NettyHttp2Transport;
import dev.socialcheck.server.checkers.ProbeClient;
import dev.socialcheck.server.checkers.ProbeRecorder;
import dev.socialcheck.server.checkers.ProbeTransport;
import dev.socialcheck.server.checkers.ResponseRule;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.checkers.SharedPlatformBudget;
import dev.socialcheck.server.spi.CheckerContext;
import dev.socialcheck.server.spi.CheckerRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Loads YAML catalogs: reads them ({@link CatalogReader}: entries into {@link PlatformDefinition}s,
 * each checker built by its type's provider) and protects their checkers ({@link CheckerStack}:
 * cache, shared budget, circuit breaker, rate limit, bulkhead). A convenience over the two for
 * catalogs of HTTP probes (the server's assembly uses them apart); every problem is reported as a
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

  /**
   * The probes' transport for {@code client}: {@link #newProbeTransport(Executor)} for {@link
   * ProbeClient#JDK}; for {@link ProbeClient#NETTY}, an {@link Http2FirstTransport} over a {@link
   * NettyHttp2Transport} with {@code threads} event loops and the JVM's trust store, falling back
   * to the former. Closing it stops the event loops ({@code executor} stays the caller's).
   */
  public static ProbeTransport newProbeTransport(
      Executor executor, ProbeClient client, int threads) {
    ProbeTransport jdk = newProbeTransport(executor);
    return switch (client) {
      case JDK -> jdk;
      case NETTY -> new Http2FirstTransport(new NettyHttp2Transport(threads, null), jdk);
    };
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

  /** The names of the bundled catalogs, sorted. */
  public static List<String> bundledNames() {
    return BUNDLED.keySet().stream().sorted().toList();
  }

  /** Loads a bundled catalog ({@code builtin}, {@code extended}) or a file path. */
  public static Catalog load(String nameOrPath, Settings settings) {
    return stack(settings).assemble(reader(settings).read(nameOrPath));
  }

  /**
   * The probes of a bundled catalog or a file, by platform id, without the decorators (no cache,
   * limits or circuit breaker): what {@code selfcheck --replay} runs fixtures through.
   */
  public static Map<String, HttpProbeChecker> probes(String nameOrPath, Settings settings) {
    return probes(reader(settings).read(nameOrPath));
  }

  /** The HTTP probes of {@code definition}'s platforms, by platform id, in the catalog's order. */
  public static Map<String, HttpProbeChecker> probes(CatalogDefinition definition) {
    Map<String, HttpProbeChecker> probes = new LinkedHashMap<>();
    for (PlatformDefinition platform : definition.platforms()) {
      if (platform.checker() instanceof HttpProbeChecker probe) {
        probes.put(platform.id(), probe);
      }
    }
    return Collections.unmodifiableMap(probes);
  }

  /** Parses catalog text; {@code source} names it in error messages. */
  public static Catalog parse(String source, String yaml, Settings settings) {
    return stack(settings).assemble(reader(settings).parse(source, yaml));
  }

  /**
   * What the checkers of a catalog loaded with {@code settings} share: its clocks, environment and
   * user agent, and its probe transport for the {@code http} type. No scheduler and no pool for
   * blocking checkers: the server's assembly gives those.
   */
  public static CheckerContext.Builder context(Settings settings) {
    return CheckerContext.builder()
        .ticker(settings.ticker())
        .clock(settings.clock())
        .environment(settings.environment())
        .userAgent(settings.userAgent())
        .service(
            HttpProbeEnvironment.class,
            new HttpProbeEnvironment(
                settings.transport(), settings.recorder(), settings.randomTokens()));
  }

  private static CatalogReader reader(Settings settings) {
    return new CatalogReader(
        CheckerRegistry.defaultRegistry(), context(settings).build(), settings.allowedKinds());
  }

  private static CheckerStack stack(Settings settings) {
    return new CheckerStack(
        settings.cache(),
        settings.sharedBudget(),
        settings.circuitBreakers(),
        settings.ticker(),
        settings.clock());
  }

  /** The challenge fingerprints every catalog starts from ({@code challenges.yaml}). */
  public static List<ResponseRule> builtinChallenges() {
    String yaml = resource(CHALLENGES_RESOURCE, "the challenge fingerprints");
    CatalogField top =
        new CatalogField(
            CHALLENGES_RESOURCE, "", CatalogReader.readYaml(CHALLENGES_RESOURCE, yaml));
    top.requireObject().allowOnly(Set.of("blocked_when"));
    return new ProbeParser(name -> null).ruleList(top.required("blocked_when"), false);
  }
}
