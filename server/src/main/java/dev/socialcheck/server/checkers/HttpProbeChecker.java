package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.FluentFuture;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.CheckTrace;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Checks one platform with the HTTP requests a {@link ProbeSpec} describes: its steps in order (a
 * page fetched for a token or a cookie), then the deciding request, through a {@link
 * ProbeTransport} (non-blocking: no thread is held while waiting).
 *
 * <ul>
 *   <li>One {@link CookieJar} per check, shared by its steps and redirects, never by two checks.
 *   <li>The steps and the deciding request share the check's timeout ({@code TIMEOUT}); cancelling
 *       the returned future aborts whichever request is in flight.
 *   <li>Every answer (of a step, of a redirect's target, of the deciding request) is first matched
 *       against the challenge fingerprints ({@link ProbeSpec#blockedWhen()}): a challenge page is
 *       {@code BLOCKED}, never read as an answer.
 *   <li>A step's rules can end the check; a value a step cannot extract ends it as {@code ERROR}
 *       ("step join: csrf not found"), never {@code NOT_FOUND}.
 *   <li>At most {@link ProbeSpec#maxBodyBytes()} of a body are read; redirects are followed by this
 *       class, at most {@link ProbeSpec#MAX_REDIRECTS} per request.
 *   <li>The first matching {@link ResponseRule} of the deciding request gives the status; no match
 *       is {@code ERROR} with the HTTP status in the detail, never a silent {@code NOT_FOUND}.
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
  private final ProbeTransport transport;
  private final String userAgent;
  private final Ticker ticker;
  private final Clock clock;
  private final @Nullable ProbeRecorder recorder;
  private final Supplier<String> randomTokens;
  private final Object backoffLock = new Object();

  /** Ticker time until which the platform asked us to stay away; null when it did not. */
  @GuardedBy("backoffLock")
  private @Nullable Long backoffUntilNanos;

  /**
   * @param transport sends the requests
   * @param userAgent sent when the platform declares none of its own
   * @param ticker clock for timeouts shared by the steps and for back-off
   * @param clock wall clock, to read {@code Retry-After} dates
   * @param recorder sees every exchange, or {@code null}
   * @param randomTokens a fresh {@code {random}} token per check
   */
  public HttpProbeChecker(
      ProbeSpec spec,
      ProbeTransport transport,
      String userAgent,
      Ticker ticker,
      Clock clock,
      @Nullable ProbeRecorder recorder,
      Supplier<String> randomTokens) {
    this.spec = spec;
    this.transport = transport;
    this.userAgent = spec.userAgent() == null ? userAgent : spec.userAgent();
    this.ticker = ticker;
    this.clock = clock;
    this.recorder = recorder;
    this.randomTokens = randomTokens;
  }

  /** A fresh random token: 16 lower-case hex digits. */
  public static String randomToken() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  /**
   * A checker of the same probe with nothing remembered (no back-off): what a replay of several
   * fixtures uses, so that one case's {@code Retry-After} does not hold back the next.
   */
  public HttpProbeChecker fresh() {
    return new HttpProbeChecker(spec, transport, userAgent, ticker, clock, recorder, randomTokens);
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
    Run run =
        new Run(new ProbeValues(email, randomTokens.get()), context.timeout(), context.trace());
    ListenableFuture<CheckOutcome> outcome;
    try {
      outcome = run.from(0);
    } catch (StepFailure e) {
      outcome = Futures.immediateFailedFuture(e);
    }
    return FluentFuture.from(outcome)
        .catching(Exception.class, e -> failure(e, context.timeout()), directExecutor());
  }

  /** One check: its values, its cookie jar and its deadline. */
  private final class Run {
    final ProbeValues values;
    final CookieJar cookies = new CookieJar();
    final long deadlineNanos;
    final CheckTrace trace;

    Run(ProbeValues values, Duration timeout, CheckTrace trace) {
      this.values = values;
      this.deadlineNanos = ticker.read() + timeout.toNanos();
      this.trace = trace;
    }

    /** Runs the steps from {@code index} on, then the deciding request. */
    ListenableFuture<CheckOutcome> from(int index) {
      if (index == spec.steps().size()) {
        return Futures.transform(exchange(spec.request(), null), this::decide, directExecutor());
      }
      ProbeStep step = spec.steps().get(index);
      return Futures.transformAsync(
          exchange(step.request(), step.name()),
          response -> {
            Optional<CheckOutcome> end = afterStep(step, response);
            return end.isPresent() ? Futures.immediateFuture(end.get()) : from(index + 1);
          },
          directExecutor());
    }

    private ListenableFuture<ProbeResponse> exchange(ProbeRequest request, @Nullable String step) {
      URI uri;
      Map<String, String> headers;
      byte[] body;
      try {
        try {
          uri = URI.create(request.url(values));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("bad URL", e);
        }
        headers = headers(request);
        body = request.body().render(values);
      } catch (IllegalArgumentException e) {
        throw new StepFailure(step, "cannot build the request: " + e.getMessage());
      }
      OutgoingRequest first =
          new OutgoingRequest(request.method(), uri, withCookies(headers, uri), body, remaining());
      // A child span of the check's span when tracing is on: the step's name, the method and the
      // answer's status; never the URL, which may hold the address.
      CheckTrace.Step span = trace.startStep(step == null ? "request" : "step " + step);
      span.setAttribute("socialcheck.platform", spec.platformId());
      span.setAttribute("http.request.method", request.method());
      ListenableFuture<ProbeResponse> sent =
          send(first, headers, request.followRedirects(), 0, step);
      // A listener, not Futures.addCallback: a cancelled probe (a race's loser) would be read
      // through get(), which builds a CancellationException and its stack trace.
      sent.addListener(() -> endSpan(span, sent), directExecutor());
      return FluentFuture.from(sent)
          .catching(
              Exception.class,
              e -> {
                throw e instanceof StepFailure failure ? failure : new StepFailure(step, e);
              },
              directExecutor());
    }

    /** Ends a request's span with the answer's status, or why there is none. */
    private static void endSpan(CheckTrace.Step span, ListenableFuture<ProbeResponse> sent) {
      if (sent.isCancelled()) {
        span.fail("cancelled");
      } else {
        try {
          span.setAttribute(
              "http.response.status_code", requireNonNull(Futures.getDone(sent)).status());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          span.fail(cause == null ? "unknown" : cause.getClass().getSimpleName());
        }
      }
      span.end();
    }

    /** The request's headers for this check, before cookies from the jar are added. */
    private Map<String, String> headers(ProbeRequest request) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("User-Agent", userAgent);
      request
          .headers()
          .forEach(
              (name, value) ->
                  headers.put(name, value.expand(values, ProbeTemplate.Encoding.HEADER)));
      if (headers.keySet().stream().noneMatch(n -> n.equalsIgnoreCase("Content-Type"))) {
        request.body().defaultContentType().ifPresent(type -> headers.put("Content-Type", type));
      }
      return headers;
    }

    /**
     * The headers with the jar's cookies for {@code uri} added to the cookies the catalog declares
     * (a {@code Cookie} header of the request, e.g. one built from an extracted value).
     */
    private Map<String, String> withCookies(Map<String, String> headers, URI uri) {
      Map<String, String> out = new LinkedHashMap<>();
      String declared = null;
      for (Map.Entry<String, String> header : headers.entrySet()) {
        if (header.getKey().equalsIgnoreCase("Cookie")) {
          declared = header.getValue();
        } else {
          out.put(header.getKey(), header.getValue());
        }
      }
      Optional<String> jar = cookies.header(uri);
      if (declared == null) {
        jar.ifPresent(cookie -> out.put("Cookie", cookie));
      } else {
        out.put("Cookie", jar.isPresent() ? declared + "; " + jar.get() : declared);
      }
      return out;
    }

    private Duration remaining() {
      long left = deadlineNanos - ticker.read();
      return Duration.ofNanos(Math.max(1, left));
    }

    /**
     * Sends {@code request} and follows its redirects.
     *
     * @param declared the headers before the jar's cookies were added (redirects start from them)
     */
    private ListenableFuture<ProbeResponse> send(
        OutgoingRequest request,
        Map<String, String> declared,
        boolean follow,
        int redirects,
        @Nullable String step) {
      if (deadlineNanos - ticker.read() <= 0) {
        return Futures.immediateFailedFuture(new HttpTimeoutException("the check's time is up"));
      }
      return Futures.transformAsync(
          transport.send(request, spec.maxBodyBytes()),
          response -> {
            cookies.store(request.uri(), response.headers().map());
            if (recorder != null) {
              recorder.exchange(spec.platformId(), step, request, response, values, cookies);
            }
            Optional<String> location = response.headers().firstValue("Location");
            if (!follow || !REDIRECTS.contains(response.status()) || location.isEmpty()) {
              return Futures.immediateFuture(response);
            }
            if (redirects >= ProbeSpec.MAX_REDIRECTS) {
              throw new TooManyRedirectsException();
            }
            Map<String, String> next = redirectHeaders(request, declared, response, location.get());
            return send(
                redirect(request, next, response, location.get()), next, true, redirects + 1, step);
          },
          directExecutor());
    }

    private Map<String, String> redirectHeaders(
        OutgoingRequest previous, Map<String, String> declared, ProbeResponse response, String to) {
      URI target = target(previous, to);
      Map<String, String> headers = new LinkedHashMap<>(declared);
      if (!keepsMethod(response)) {
        headers.keySet().removeIf(n -> n.equalsIgnoreCase("Content-Type"));
      }
      if (!String.valueOf(target.getHost())
          .equalsIgnoreCase(String.valueOf(previous.uri().getHost()))) {
        // Like browsers and curl: credentials stay with the host they were written for.
        headers.keySet().removeIf(n -> n.equalsIgnoreCase("Authorization"));
      }
      return headers;
    }

    private OutgoingRequest redirect(
        OutgoingRequest previous, Map<String, String> headers, ProbeResponse response, String to) {
      URI target = target(previous, to);
      boolean keepMethod = keepsMethod(response);
      return new OutgoingRequest(
          keepMethod ? previous.method() : "GET",
          target,
          withCookies(headers, target),
          keepMethod ? previous.body() : new byte[0],
          remaining());
    }

    private static URI target(OutgoingRequest previous, String location) {
      URI target = previous.uri().resolve(location);
      if (!"http".equalsIgnoreCase(target.getScheme())
          && !"https".equalsIgnoreCase(target.getScheme())) {
        throw new IllegalArgumentException("redirect to a non-HTTP URL");
      }
      return target;
    }

    private static boolean keepsMethod(ProbeResponse response) {
      return response.status() == 307 || response.status() == 308;
    }

    private Optional<CheckOutcome> afterStep(ProbeStep step, ProbeResponse response) {
      String prefix = "step " + step.name() + ": ";
      Optional<CheckOutcome> ruled = firstMatch(spec.blockedWhen(), response, prefix);
      if (ruled.isEmpty()) {
        ruled = firstMatch(step.rules(), response, prefix);
      }
      if (ruled.isPresent()) {
        return ruled;
      }
      for (Map.Entry<String, Extractor> extraction : step.extract().entrySet()) {
        Optional<String> value = extraction.getValue().extract(response, cookies);
        if (value.isEmpty()) {
          return Optional.of(
              CheckOutcome.error(
                  prefix
                      + extraction.getKey()
                      + " not found ("
                      + extraction.getValue().describe()
                      + ", HTTP "
                      + response.status()
                      + ")"));
        }
        values.put(extraction.getKey(), value.get());
      }
      return Optional.empty();
    }

    private CheckOutcome decide(ProbeResponse response) {
      Optional<CheckOutcome> blocked = firstMatch(spec.blockedWhen(), response, "");
      if (blocked.isPresent()) {
        return blocked.get();
      }
      Optional<CheckOutcome> ruled = firstMatch(spec.rules(), response, "");
      if (ruled.isPresent()) {
        return ruled.get();
      }
      String why = response.truncated() ? ", body over " + spec.maxBodyBytes() + " bytes" : "";
      return CheckOutcome.error("unexpected answer: HTTP " + response.status() + why);
    }
  }

  private Optional<CheckOutcome> firstMatch(
      java.util.List<ResponseRule> rules, ProbeResponse response, String prefix) {
    for (ResponseRule rule : rules) {
      if (rule.matches(response)) {
        String detail = rule.detail().isEmpty() ? "HTTP " + response.status() : rule.detail();
        if (rule.result() == CheckStatus.RATE_LIMITED) {
          detail += backOff(response);
        }
        return Optional.of(new CheckOutcome(rule.result(), prefix + detail));
      }
    }
    return Optional.empty();
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
    String prefix = "";
    Throwable cause = e;
    if (e instanceof StepFailure step) {
      if (step.detail != null) {
        return CheckOutcome.error(step.prefix() + step.detail);
      }
      prefix = step.prefix();
      cause = step.getCause() == null ? e : step.getCause();
    }
    if (cause instanceof HttpTimeoutException) {
      return new CheckOutcome(
          CheckStatus.TIMEOUT, prefix + "no answer within " + DurationText.format(timeout));
    }
    if (cause instanceof TooManyRedirectsException) {
      return CheckOutcome.error(
          prefix + "too many redirects (more than " + ProbeSpec.MAX_REDIRECTS + ")");
    }
    if (cause instanceof ConnectException) {
      return CheckOutcome.error(prefix + "connection failed");
    }
    if (OverflowTransport.isStreamLimit(cause)) {
      return CheckOutcome.error(
          prefix + "the platform's HTTP/2 stream limit is reached (too many concurrent streams)");
    }
    if (cause instanceof IOException io && OverflowTransport.isLostConnection(io)) {
      return CheckOutcome.error(prefix + "the platform closed the connection before answering");
    }
    if (cause instanceof IOException) {
      return CheckOutcome.error(prefix + "I/O error: " + cause.getClass().getSimpleName());
    }
    if (cause instanceof IllegalArgumentException) {
      return CheckOutcome.error(prefix + "bad redirect");
    }
    return CheckOutcome.error(prefix + "probe failed: " + cause.getClass().getSimpleName());
  }

  @Override
  public String toString() {
    return "HttpProbeChecker["
        + spec.platformId()
        + ": "
        + (spec.steps().isEmpty() ? "" : spec.steps().size() + " steps, then ")
        + spec.request().method()
        + " "
        + spec.request().url()
        + "]";
  }

  /** Why a step (or the deciding request, step {@code null}) failed, for the detail's prefix. */
  private static final class StepFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final @Nullable String step;
    final @Nullable String detail;

    StepFailure(@Nullable String step, String detail) {
      super(detail, null, false, false);
      this.step = step;
      this.detail = detail;
    }

    StepFailure(@Nullable String step, Throwable cause) {
      super(null, cause, false, false);
      this.step = step;
      this.detail = null;
    }

    String prefix() {
      return step == null ? "" : "step " + step + ": ";
    }
  }

  private static final class TooManyRedirectsException extends IOException {
    private static final long serialVersionUID = 1L;

    TooManyRedirectsException() {
      super("too many redirects");
    }
  }
}
