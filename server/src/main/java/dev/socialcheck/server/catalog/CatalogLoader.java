package dev.socialcheck.server.catalog;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.common.base.Ticker;
import dev.socialcheck.server.checkers.CachingChecker;
import dev.socialcheck.server.checkers.EmailTemplate;
import dev.socialcheck.server.checkers.HttpProbeChecker;
import dev.socialcheck.server.checkers.ProbeSpec;
import dev.socialcheck.server.checkers.ResilientChecker;
import dev.socialcheck.server.checkers.ResponseRule;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.checkers.SharedBudgetChecker;
import dev.socialcheck.server.checkers.SharedPlatformBudget;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Loads a YAML catalog of HTTP-probed platforms and builds their checkers: an {@link
 * HttpProbeChecker} behind a {@link ResilientChecker} (behind a {@link SharedBudgetChecker} when
 * platform budgets are shared) behind a {@link CachingChecker}. Every problem is reported as a
 * {@link CatalogException} naming the file, the platform and the field.
 *
 * <p>The format is documented in {@code docs/catalog.md}; the bundled catalog ({@code --catalog
 * builtin}) is {@code platforms.yaml} next to this class.
 */
public final class CatalogLoader {
  /** The name of the bundled catalog. */
  public static final String BUILTIN = "builtin";

  private static final String BUILTIN_RESOURCE = "platforms.yaml";
  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern STATUS_CLASS = Pattern.compile("([1-5])xx");
  private static final Set<String> METHODS = Set.of("GET", "POST", "HEAD", "PUT");

  private static final Set<String> TOP_FIELDS = Set.of("defaults", "platforms");
  private static final Set<String> LIMIT_FIELDS =
      Set.of("timeout", "concurrency", "rate_limit", "circuit_breaker", "max_body_bytes");
  private static final Set<String> PLATFORM_FIELDS =
      union(
          LIMIT_FIELDS,
          Set.of("id", "name", "prior", "request", "rules", "self_check", "source", "notes"));
  private static final Set<String> REQUEST_FIELDS =
      Set.of("method", "url", "headers", "body", "follow_redirects");
  private static final Set<String> RULE_FIELDS =
      Set.of("status", "json", "body_contains", "result", "detail");
  private static final Set<String> JSON_FIELDS =
      Set.of("pointer", "equals", "not_equals", "exists");

  /**
   * What the built checkers share.
   *
   * @param http client for every probe ({@code Redirect.NEVER}; see {@link #newHttpClient})
   * @param userAgent sent with every probe
   * @param cache result cache (use {@link ResultCache#disabled()} for none)
   * @param ticker clock for back-off and the resilience decorators
   * @param clock wall clock (circuit breaker, {@code Retry-After} dates)
   * @param environment looks up {@code ${env:NAME}} references in headers
   * @param circuitBreakers where the platforms' circuit breakers are created (and can be found,
   *     e.g. by metrics)
   * @param sharedBudget where the platforms' rate limits are shared with other replicas (Redis);
   *     {@code null}: each replica has only its own
   */
  public record Settings(
      HttpClient http,
      String userAgent,
      ResultCache cache,
      Ticker ticker,
      Clock clock,
      Function<String, @Nullable String> environment,
      CircuitBreakerRegistry circuitBreakers,
      @Nullable SharedPlatformBudget sharedBudget) {

    /** Settings without shared platform budgets. */
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
  }

  private CatalogLoader() {}

  /** An HTTP client fit for probes: HTTP/2 when offered, no automatic redirects. */
  public static HttpClient newHttpClient(Executor executor) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(executor)
        .build();
  }

  /** Loads {@code builtin} (the bundled catalog) or a file path. */
  public static Catalog load(String nameOrPath, Settings settings) {
    if (nameOrPath.equals(BUILTIN)) {
      try (InputStream in = CatalogLoader.class.getResourceAsStream(BUILTIN_RESOURCE)) {
        if (in == null) {
          throw new CatalogException("the bundled catalog is missing from the jar");
        }
        return parse(
            BUILTIN,
            new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
            settings);
      } catch (IOException e) {
        throw new CatalogException("cannot read the bundled catalog: " + e.getMessage(), e);
      }
    }
    Path path = Path.of(nameOrPath);
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new CatalogException(
          nameOrPath + ": cannot read the catalog file: " + ReadFailure.describe(e), e);
    }
    return parse(path.getFileName().toString(), text, settings);
  }

  /** Parses catalog text; {@code source} names it in error messages. */
  public static Catalog parse(String source, String yaml, Settings settings) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new CatalogException(
          source + ": not valid YAML" + where + ": " + e.getOriginalMessage());
    }
    Field top = new Field(source, "", root);
    top.requireObject().allowOnly(TOP_FIELDS);
    Field defaults = top.optional("defaults").orElse(null);
    if (defaults != null) {
      defaults.requireObject().allowOnly(LIMIT_FIELDS);
    }
    Field list = top.required("platforms");
    if (!list.node.isArray() || list.node.isEmpty()) {
      throw list.fail("must be a non-empty list of platforms");
    }
    List<Platform> platforms = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.node.size(); i++) {
      JsonNode node = list.node.get(i);
      String label =
          node.hasNonNull("id")
              ? "platform '" + node.get("id").asText() + "' (#" + (i + 1) + ")"
              : "platform #" + (i + 1);
      Field platform = new Field(source + ": " + label, "", node);
      Platform built = platform(platform, defaults, settings);
      if (!ids.add(built.id())) {
        throw platform.at("id").fail("duplicate id");
      }
      platforms.add(built);
    }
    return new Catalog(source, platforms);
  }

  private static Platform platform(Field p, @Nullable Field defaults, Settings settings) {
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
        limit(p, defaults, "timeout").map(Field::duration).orElse(Duration.ofSeconds(5));
    if (timeout.isZero()) {
      throw p.at("timeout").fail("must be positive");
    }
    int concurrency = limit(p, defaults, "concurrency").map(f -> f.integer(1, 10_000)).orElse(16);
    int maxBody =
        limit(p, defaults, "max_body_bytes")
            .map(f -> f.integer(1, 16 * 1024 * 1024))
            .orElse(ProbeSpec.DEFAULT_MAX_BODY_BYTES);
    ProbeSpec spec = probe(p, maxBody, settings);
    RateLimiter rateLimiter = rateLimiter(id, limit(p, defaults, "rate_limit"));
    CircuitBreaker circuitBreaker =
        circuitBreaker(
            id,
            limit(p, defaults, "circuit_breaker"),
            settings.clock(),
            settings.circuitBreakers());
    Bulkhead bulkhead =
        Bulkhead.of(
            id,
            BulkheadConfig.custom()
                .maxConcurrentCalls(concurrency)
                .maxWaitDuration(Duration.ZERO)
                .build());
    PlatformChecker protectedChecker =
        new ResilientChecker(
            new HttpProbeChecker(
                spec, settings.http(), settings.userAgent(), settings.ticker(), settings.clock()),
            circuitBreaker,
            rateLimiter,
            bulkhead,
            settings.ticker());
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
    Optional<SelfCheckAddresses> selfCheck = p.optional("self_check").map(CatalogLoader::selfCheck);
    return new Platform(id, name, prior, timeout, checker, selfCheck);
  }

  private static Optional<Field> limit(Field platform, @Nullable Field defaults, String name) {
    Optional<Field> own = platform.optional(name);
    return own.isPresent() || defaults == null ? own : defaults.optional(name);
  }

  private static ProbeSpec probe(Field p, int maxBody, Settings settings) {
    Field request = p.required("request").requireObject().allowOnly(REQUEST_FIELDS);
    String method =
        request.optional("method").map(Field::text).orElse("GET").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw request.at("method").fail("must be one of " + String.join(", ", METHODS));
    }
    EmailTemplate url = request.required("url").template();
    String urlText = url.toString();
    if (!urlText.startsWith("https://") && !urlText.startsWith("http://")) {
      throw request.at("url").fail("must start with https:// (or http://)");
    }
    for (String placeholder : url.placeholders()) {
      if (placeholder.equals("email") || placeholder.equals("email_json")) {
        throw request
            .at("url")
            .fail(
                "{"
                    + placeholder
                    + "} is not URL-safe: use {email_urlencoded}, {email_sha256} or {email_md5}");
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    request.optional("headers").ifPresent(h -> headers(h, headers, settings.environment()));
    EmailTemplate body = request.optional("body").map(Field::template).orElse(null);
    boolean follow = request.optional("follow_redirects").map(Field::bool).orElse(true);
    Field rulesField = p.required("rules");
    if (!rulesField.node.isArray() || rulesField.node.isEmpty()) {
      throw rulesField.fail("must be a non-empty list of rules");
    }
    List<ResponseRule> rules = new ArrayList<>();
    for (int i = 0; i < rulesField.node.size(); i++) {
      rules.add(rule(rulesField.index(i)));
    }
    return new ProbeSpec(method, url, headers, body, rules, follow, maxBody);
  }

  /**
   * Copies headers, resolving {@code ${env:NAME}}; a header whose variable is unset is left out.
   */
  private static void headers(
      Field field, Map<String, String> out, Function<String, @Nullable String> environment) {
    field.requireObject();
    for (Map.Entry<String, JsonNode> entry : field.node.properties()) {
      Field value = field.at(entry.getKey());
      String text = value.text();
      Matcher m = ENV.matcher(text);
      StringBuilder resolved = new StringBuilder();
      boolean complete = true;
      while (m.find()) {
        String env = environment.apply(m.group(1));
        if (env == null || env.isEmpty()) {
          complete = false;
          break;
        }
        m.appendReplacement(resolved, Matcher.quoteReplacement(env));
      }
      if (complete) {
        m.appendTail(resolved);
        out.put(entry.getKey(), resolved.toString());
      }
    }
  }

  private static ResponseRule rule(Field r) {
    r.requireObject().allowOnly(RULE_FIELDS);
    CheckStatus result;
    String resultText = r.required("result").text();
    try {
      result = CheckStatus.valueOf(resultText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw r.at("result")
          .fail(
              "unknown status '"
                  + resultText
                  + "'; use FOUND, NOT_FOUND, "
                  + "RATE_LIMITED, BLOCKED, INVALID or ERROR");
    }
    if (result == CheckStatus.TIMEOUT
        || result == CheckStatus.CANCELLED
        || result == CheckStatus.SKIPPED) {
      throw r.at("result").fail(result + " is set by the engine, not by a rule");
    }
    IntPredicate statuses = r.optional("status").map(CatalogLoader::statuses).orElse(null);
    ResponseRule.JsonCondition json = r.optional("json").map(CatalogLoader::json).orElse(null);
    List<String> bodyContains = r.optional("body_contains").map(Field::texts).orElse(List.of());
    if (statuses == null && json == null && bodyContains.isEmpty()) {
      throw r.fail("needs at least one condition: status, json or body_contains");
    }
    String detail = r.optional("detail").map(Field::text).orElse("");
    return new ResponseRule(statuses, json, bodyContains, result, detail);
  }

  private static IntPredicate statuses(Field field) {
    List<Field> items = field.node.isArray() ? field.items() : List.of(field);
    IntPredicate any = status -> false;
    for (Field item : items) {
      IntPredicate one;
      if (item.node.isInt()) {
        int code = item.integer(100, 599);
        one = status -> status == code;
      } else {
        Matcher m = STATUS_CLASS.matcher(item.text());
        if (!m.matches()) {
          throw item.fail("must be an HTTP status (404) or a class (4xx)");
        }
        int hundreds = Integer.parseInt(m.group(1));
        one = status -> status / 100 == hundreds;
      }
      any = any.or(one);
    }
    return any;
  }

  private static ResponseRule.JsonCondition json(Field j) {
    j.requireObject().allowOnly(JSON_FIELDS);
    String pointerText = j.required("pointer").text();
    JsonPointer pointer;
    try {
      pointer = JsonPointer.compile(pointerText);
    } catch (IllegalArgumentException e) {
      throw j.at("pointer").fail("must be a JSON pointer starting with '/' (like /total_count)");
    }
    if (pointer.matches()) {
      throw j.at("pointer").fail("must point inside the document (like /total_count)");
    }
    List<JsonNode> equals = j.optional("equals").map(Field::values).orElse(List.of());
    List<JsonNode> notEquals = j.optional("not_equals").map(Field::values).orElse(List.of());
    Boolean exists = j.optional("exists").map(Field::bool).orElse(null);
    if (equals.isEmpty() && notEquals.isEmpty() && exists == null) {
      throw j.fail("needs equals, not_equals or exists");
    }
    return new ResponseRule.JsonCondition(pointer, equals, notEquals, exists);
  }

  private static SelfCheckAddresses selfCheck(Field s) {
    s.requireObject().allowOnly(Set.of("exists", "missing"));
    return new SelfCheckAddresses(s.required("exists").email(), s.required("missing").email());
  }

  private static RateLimiter rateLimiter(String id, Optional<Field> field) {
    RateLimiterConfig.Builder config = RateLimiterConfig.custom().timeoutDuration(Duration.ZERO);
    if (field.isPresent()) {
      Field f = field.get().requireObject().allowOnly(Set.of("requests", "per"));
      config
          .limitForPeriod(f.required("requests").integer(1, 1_000_000))
          .limitRefreshPeriod(f.required("per").positiveDuration());
    } else {
      config.limitForPeriod(10).limitRefreshPeriod(Duration.ofSeconds(1));
    }
    return RateLimiter.of(id, config.build());
  }

  private static CircuitBreaker circuitBreaker(
      String id, Optional<Field> field, Clock clock, CircuitBreakerRegistry registry) {
    int failureRate = 50;
    int window = 20;
    int minimumCalls = 10;
    Duration openFor = Duration.ofSeconds(30);
    if (field.isPresent()) {
      Field f =
          field
              .get()
              .requireObject()
              .allowOnly(Set.of("failure_rate_percent", "window", "minimum_calls", "open_for"));
      failureRate =
          f.optional("failure_rate_percent").map(x -> x.integer(1, 100)).orElse(failureRate);
      window = f.optional("window").map(x -> x.integer(1, 10_000)).orElse(window);
      minimumCalls =
          f.optional("minimum_calls").map(x -> x.integer(1, 10_000)).orElse(minimumCalls);
      openFor = f.optional("open_for").map(Field::positiveDuration).orElse(openFor);
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

  /** A node of the catalog with the path that leads to it, for precise error messages. */
  private static final class Field {
    final String where;
    final String path;
    final JsonNode node;

    Field(String where, String path, JsonNode node) {
      this.where = where;
      this.path = path;
      this.node = node;
    }

    CatalogException fail(String message) {
      return new CatalogException(where + (path.isEmpty() ? "" : ": " + path) + ": " + message);
    }

    Field at(String name) {
      JsonNode child = node.path(name);
      return new Field(where, path.isEmpty() ? name : path + "." + name, child);
    }

    Field index(int i) {
      return new Field(where, path + "[" + i + "]", node.get(i));
    }

    List<Field> items() {
      List<Field> items = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        items.add(index(i));
      }
      return items;
    }

    Field required(String name) {
      Field child = at(name);
      if (child.node.isMissingNode() || child.node.isNull()) {
        throw child.fail("is required");
      }
      return child;
    }

    Optional<Field> optional(String name) {
      Field child = at(name);
      return child.node.isMissingNode() || child.node.isNull()
          ? Optional.empty()
          : Optional.of(child);
    }

    Field requireObject() {
      if (!node.isObject()) {
        throw fail("must be a mapping");
      }
      return this;
    }

    Field allowOnly(Set<String> allowed) {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!allowed.contains(name)) {
          throw at(name)
              .fail(
                  "unknown field (allowed: "
                      + String.join(", ", allowed.stream().sorted().toList())
                      + ")");
        }
      }
      return this;
    }

    String text() {
      if (!node.isTextual() && !node.isNumber() && !node.isBoolean()) {
        throw fail("must be a text");
      }
      String text = node.asText();
      if (text.isBlank()) {
        throw fail("must not be empty");
      }
      return text;
    }

    List<String> texts() {
      return node.isArray() ? items().stream().map(Field::text).toList() : List.of(text());
    }

    List<JsonNode> values() {
      List<JsonNode> values = new ArrayList<>();
      if (node.isArray()) {
        node.forEach(values::add);
      } else {
        values.add(node);
      }
      return values;
    }

    double number() {
      if (!node.isNumber()) {
        throw fail("must be a number");
      }
      return node.asDouble();
    }

    int integer(int min, int max) {
      if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
        throw fail("must be a whole number between " + min + " and " + max);
      }
      return node.asInt();
    }

    boolean bool() {
      if (!node.isBoolean()) {
        throw fail("must be true or false");
      }
      return node.asBoolean();
    }

    Duration duration() {
      try {
        return DurationText.parse(text());
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage());
      }
    }

    Duration positiveDuration() {
      Duration d = duration();
      if (d.isZero()) {
        throw fail("must be positive");
      }
      return d;
    }

    EmailTemplate template() {
      try {
        return EmailTemplate.compile(text());
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage());
      }
    }

    EmailAddress email() {
      try {
        return EmailAddress.parse(text());
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage());
      }
    }
  }
}
