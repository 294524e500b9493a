package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.FluentFuture;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks one platform with an HTTP request described by a {@link ProbeSpec}, on the JDK {@link
 * HttpClient} ({@code sendAsync}: no thread is held while waiting).
 *
 * <ul>
 *   <li>The request times out after the check's timeout ({@code TIMEOUT}); cancelling the returned
 *       future aborts the request.
 *   <li>At most {@link ProbeSpec#maxBodyBytes()} of a body are read.
 *   <li>Redirects are followed by this class, at most {@link ProbeSpec#MAX_REDIRECTS}; more is an
 *       {@code ERROR}.
 *   <li>The first matching {@link ResponseRule} gives the status; no match is {@code ERROR} with
 *       the HTTP status in the detail — never a silent {@code NOT_FOUND}.
 *   <li>A {@code RATE_LIMITED} answer with a {@code Retry-After} header makes the checker back off:
 *       until then it answers {@code RATE_LIMITED} without calling the platform.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class HttpProbeChecker implements PlatformChecker {
  /** Longest back-off honoured from a {@code Retry-After} header. */
  static final Duration MAX_BACKOFF = Duration.ofHours(1);

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final ProbeSpec spec;
  private final HttpClient client;
  private final String userAgent;
  private final Ticker ticker;
  private final Clock clock;
  private final Object backoffLock = new Object();

  /** Ticker time until which the platform asked us to stay away; null when it did not. */
  @GuardedBy("backoffLock")
  private @Nullable Long backoffUntilNanos;

  /**
   * @param client shared client; build it with {@code Redirect.NEVER} (this class follows redirects
   *     itself)
   * @param ticker clock for back-off
   * @param clock wall clock, to read {@code Retry-After} dates
   */
  public HttpProbeChecker(
      ProbeSpec spec, HttpClient client, String userAgent, Ticker ticker, Clock clock) {
    this.spec = spec;
    this.client = client;
    this.userAgent = userAgent;
    this.ticker = ticker;
    this.clock = clock;
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    long backoffLeft = backoffLeftNanos();
    if (backoffLeft > 0) {
      return Futures.immediateFuture(
          new CheckOutcome(
              CheckStatus.RATE_LIMITED,
              "backing off for another "
                  + DurationText.format(Duration.ofNanos(backoffLeft))
                  + " (platform's Retry-After)"));
    }
    HttpRequest request;
    try {
      request = firstRequest(email, context.timeout());
    } catch (IllegalArgumentException e) {
      return Futures.immediateFuture(CheckOutcome.error("cannot build the request: bad URL"));
    }
    return FluentFuture.from(exchange(request, context.timeout(), 0))
        .transform(this::classify, directExecutor())
        .catching(Exception.class, e -> failure(e, context.timeout()), directExecutor());
  }

  private HttpRequest firstRequest(EmailAddress email, Duration timeout) {
    URI uri = URI.create(spec.url().expand(email));
    HttpRequest.BodyPublisher body =
        spec.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(spec.body().expand(email));
    HttpRequest.Builder builder = base(uri, timeout).method(spec.method(), body);
    spec.headers().forEach(builder::header);
    return builder.build();
  }

  private HttpRequest.Builder base(URI uri, Duration timeout) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(timeout.isZero() ? Duration.ofNanos(1) : timeout)
            .header("User-Agent", userAgent);
    if ("http".equalsIgnoreCase(uri.getScheme())) {
      // Cleartext: plain HTTP/1.1, no h2c upgrade dance.
      builder.version(HttpClient.Version.HTTP_1_1);
    }
    return builder;
  }

  private ListenableFuture<HttpResponse<LimitedBody>> exchange(
      HttpRequest request, Duration timeout, int redirects) {
    ListenableFuture<HttpResponse<LimitedBody>> response =
        new ExchangeFuture<>(client.sendAsync(request, LimitedBody.handler(spec.maxBodyBytes())));
    if (!spec.followRedirects()) {
      return response;
    }
    return Futures.transformAsync(
        response,
        r -> {
          Optional<String> location = r.headers().firstValue("Location");
          if (!REDIRECTS.contains(r.statusCode()) || location.isEmpty()) {
            return Futures.immediateFuture(r);
          }
          if (redirects >= ProbeSpec.MAX_REDIRECTS) {
            throw new TooManyRedirectsException();
          }
          return exchange(redirect(request, r, location.get(), timeout), timeout, redirects + 1);
        },
        directExecutor());
  }

  private HttpRequest redirect(
      HttpRequest previous, HttpResponse<?> response, String location, Duration timeout) {
    URI target = previous.uri().resolve(location);
    if (!"http".equalsIgnoreCase(target.getScheme())
        && !"https".equalsIgnoreCase(target.getScheme())) {
      throw new IllegalArgumentException("redirect to a non-HTTP URL");
    }
    boolean keepMethod = response.statusCode() == 307 || response.statusCode() == 308;
    HttpRequest.Builder builder = base(target, timeout);
    spec.headers().forEach(builder::header);
    if (keepMethod) {
      builder.method(
          previous.method(), previous.bodyPublisher().orElse(HttpRequest.BodyPublishers.noBody()));
    } else {
      builder.GET();
    }
    return builder.build();
  }

  private CheckOutcome classify(HttpResponse<LimitedBody> http) {
    ProbeResponse response =
        new ProbeResponse(
            http.statusCode(), http.headers(), http.body().bytes(), http.body().truncated());
    for (ResponseRule rule : spec.rules()) {
      if (rule.matches(response)) {
        String detail = rule.detail().isEmpty() ? "HTTP " + response.status() : rule.detail();
        if (rule.result() == CheckStatus.RATE_LIMITED) {
          detail += backOff(response);
        }
        return new CheckOutcome(rule.result(), detail);
      }
    }
    String why = response.truncated() ? ", body over " + spec.maxBodyBytes() + " bytes" : "";
    return CheckOutcome.error("unexpected answer: HTTP " + response.status() + why);
  }

  /** Starts a back-off if the answer says when to come back; returns a note for the detail. */
  private String backOff(ProbeResponse response) {
    Optional<Duration> retryAfter =
        response.headers().firstValue("Retry-After").flatMap(this::parseRetryAfter);
    if (retryAfter.isEmpty()) {
      return "";
    }
    Duration wait = retryAfter.get().compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : retryAfter.get();
    long until = ticker.read() + wait.toNanos();
    synchronized (backoffLock) {
      // Ticker values may be negative: compare differences, never raw values.
      if (backoffUntilNanos == null || until - backoffUntilNanos > 0) {
        backoffUntilNanos = until;
      }
    }
    return ", Retry-After " + DurationText.format(wait);
  }

  private Optional<Duration> parseRetryAfter(String value) {
    String trimmed = value.trim();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed))));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(clock.instant(), when.toInstant());
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  private long backoffLeftNanos() {
    synchronized (backoffLock) {
      return backoffUntilNanos == null ? 0 : backoffUntilNanos - ticker.read();
    }
  }

  private static CheckOutcome failure(Exception e, Duration timeout) {
    if (e instanceof HttpTimeoutException) {
      return new CheckOutcome(
          CheckStatus.TIMEOUT, "no answer within " + DurationText.format(timeout));
    }
    if (e instanceof TooManyRedirectsException) {
      return CheckOutcome.error("too many redirects (more than " + ProbeSpec.MAX_REDIRECTS + ")");
    }
    if (e instanceof ConnectException) {
      return CheckOutcome.error("connection failed");
    }
    if (e instanceof IOException) {
      return CheckOutcome.error("I/O error: " + e.getClass().getSimpleName());
    }
    if (e instanceof IllegalArgumentException) {
      return CheckOutcome.error("bad redirect");
    }
    return CheckOutcome.error("probe failed: " + e.getClass().getSimpleName());
  }

  @Override
  public String toString() {
    return "HttpProbeChecker[" + spec.method() + " " + spec.url() + "]";
  }

  private static final class TooManyRedirectsException extends IOException {
    private static final long serialVersionUID = 1L;

    TooManyRedirectsException() {
      super("too many redirects");
    }
  }
}
