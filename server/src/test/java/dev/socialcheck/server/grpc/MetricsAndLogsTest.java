package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.checkers.CachingChecker;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.metrics.MetricsEndpoint;
import dev.socialcheck.server.metrics.ServiceMetrics;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Metrics move as calls happen, the endpoint serves them, and no log line holds an address. */
class MetricsAndLogsTest {
  private static final String EMAIL = "secret.person@email.com";

  private final FakeChecker a = new FakeChecker();
  private final FakeChecker b = new FakeChecker();
  private final FakeChecker c = new FakeChecker();
  private final Catalog catalog =
      new Catalog(
          "test", List.of(platform("a", 0.6, a), platform("b", 0.3, b), platform("c", 0.1, c)));
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level rootLevel = root.getLevel();

  MetricsAndLogsTest() {
    logs.start();
    root.addAppender(logs);
    root.setLevel(Level.DEBUG);
  }

  @AfterEach
  void detach() {
    root.detachAppender(logs);
    root.setLevel(rootLevel);
  }

  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private TestServer server() throws Exception {
    // Every call's access line, the successful ones too.
    TestServer server =
        new TestServer(catalog, metrics, builder -> builder.metrics(metrics).accessLogSample(1));
    catalog.platforms().forEach(p -> metrics.bindLearning(p.id(), server.engine.learning()));
    return server;
  }

  @Test
  void aRace_movesTheCounters_started3_cancelled2() throws Exception {
    try (TestServer server = server()) {
      ListenableFuture<HasSocialAccountResponse> call =
          server
              .future()
              .hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail(EMAIL).build());
      a.awaitCall();
      b.awaitCall();
      c.awaitCall().complete(CheckOutcome.found("yes"));
      call.get(10, TimeUnit.SECONDS);
      server.awaitPoolIdle();

      String scrape = metrics.scrape();

      double started =
          value(scrape, "socialcheck_checks_started_total{platform=\"a\"}")
              + value(scrape, "socialcheck_checks_started_total{platform=\"b\"}")
              + value(scrape, "socialcheck_checks_started_total{platform=\"c\"}");
      double cancelled =
          value(scrape, "socialcheck_checks_cancelled_total{platform=\"a\"}")
              + value(scrape, "socialcheck_checks_cancelled_total{platform=\"b\"}");
      assertThat(started).isEqualTo(3);
      assertThat(cancelled).isEqualTo(2);
      assertThat(value(scrape, "socialcheck_checks_total{platform=\"c\",status=\"found\"}"))
          .isEqualTo(1);
      assertThat(value(scrape, "socialcheck_verdicts_total{strategy=\"race\",verdict=\"found\"}"))
          .isEqualTo(1);
      assertThat(
              value(
                  scrape,
                  "socialcheck_rpc_requests_total{code=\"OK\",method=\"HasSocialAccount\","
                      + "strategy=\"race\"}"))
          .isEqualTo(1);
      assertThat(value(scrape, "socialcheck_checks_in_flight")).isZero();
      assertThat(scrape).contains("socialcheck_check_duration_seconds_bucket{");
      assertThat(value(scrape, "socialcheck_platform_samples{platform=\"c\"}")).isEqualTo(1);
      assertThat(value(scrape, "socialcheck_platform_found_ratio{platform=\"c\"}")).isEqualTo(1);
      assertThat(scrape)
          .contains("socialcheck_platform_latency_seconds{platform=\"c\",quantile=\"0.95\"}");
      assertThat(scrape).doesNotContain("secret.person");
    }
  }

  @Test
  void checkEach_isLabelledEach_inEveryMetric() throws Exception {
    try (TestServer server = server()) {
      Iterator<CheckEachResponse> stream =
          server.blocking().checkEach(CheckEachRequest.newBuilder().setEmail(EMAIL).build());
      a.awaitCall().complete(CheckOutcome.found("yes"));
      b.awaitCall().complete(CheckOutcome.notFound("no"));
      c.awaitCall().complete(CheckOutcome.notFound("no"));
      stream.forEachRemaining(response -> {});
      server.awaitPoolIdle();

      String scrape = metrics.scrape();

      assertThat(value(scrape, "socialcheck_verdicts_total{strategy=\"each\",verdict=\"found\"}"))
          .isEqualTo(1);
      assertThat(scrape).contains("socialcheck_answer_duration_seconds_count{strategy=\"each\"}");
      assertThat(
              value(
                  scrape,
                  "socialcheck_rpc_requests_total{code=\"OK\",method=\"CheckEach\","
                      + "strategy=\"each\"}"))
          .isEqualTo(1);
      assertThat(scrape)
          .as("CheckEach has no strategy: never counted under one")
          .doesNotContain(
              "socialcheck_verdicts_total{strategy=\"race\"",
              "socialcheck_answer_duration_seconds_count{strategy=\"race\"}",
              "method=\"CheckEach\",strategy=\"race\"");
    }
  }

  @Test
  void accessLog_ofAnEmptyAddress_saysDash_withoutAFakeFingerprint() throws Exception {
    try (TestServer server = server()) {
      assertThatExceptionOfType(StatusRuntimeException.class)
          .isThrownBy(
              () ->
                  server.blocking().hasSocialAccount(HasSocialAccountRequest.getDefaultInstance()));
      server.awaitPoolIdle();
    }

    assertThat(logs.list)
        .filteredOn(e -> e.getLoggerName().equals("socialcheck.access"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getKeyValuePairs())
                    .anySatisfy(
                        kv -> {
                          assertThat(kv.key).isEqualTo("email");
                          assertThat(kv.value).isEqualTo("-");
                        }));
  }

  @Test
  void coalescedChecks_areCountedPerPlatform() throws Exception {
    ResultCache cache =
        new ResultCache(Duration.ofHours(1), Duration.ofMinutes(10), 100, Ticker.systemTicker());
    FakeChecker platform = new FakeChecker();
    CachingChecker checker = new CachingChecker("x", platform, cache);
    metrics.bindResultCache("x", cache);
    CheckContext context = new CheckContext(Duration.ofSeconds(5));

    checker.check(EmailAddress.parse(EMAIL), context);
    checker.check(EmailAddress.parse(EMAIL), context);
    platform.lastCall().complete(CheckOutcome.notFound("no"));

    String scrape = metrics.scrape();
    assertThat(value(scrape, "socialcheck_cache_coalesced_total{platform=\"x\"}")).isEqualTo(1);
    assertThat(scrape).doesNotContain("secret.person");
  }

  @Test
  void refusedCalls_areCountedWithTheirCode() throws Exception {
    try (TestServer server = server()) {
      assertThatExceptionOfType(StatusRuntimeException.class)
          .isThrownBy(
              () ->
                  server.blocking().hasSocialAccount(HasSocialAccountRequest.getDefaultInstance()));

      assertThat(
              value(
                  metrics.scrape(),
                  "socialcheck_rpc_requests_total{code=\"INVALID_ARGUMENT\","
                      + "method=\"HasSocialAccount\",strategy=\"race\"}"))
          .isEqualTo(1);
    }
  }

  @Test
  void endpoint_servesTheScrape_overHttp() throws Exception {
    metrics.checkStarted("x");
    try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + endpoint.port();
      HttpResponse<String> ok =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> missing =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/other")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      assertThat(ok.body()).contains("socialcheck_checks_started_total{platform=\"x\"} 1.0");
      assertThat(missing.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void logs_neverContainTheAddress_butTheAccessLogHasItsHash() throws Exception {
    try (TestServer server = server()) {
      ListenableFuture<HasSocialAccountResponse> call =
          server
              .future()
              .hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail(EMAIL).build());
      a.awaitCall().complete(CheckOutcome.found("yes"));
      call.get(10, TimeUnit.SECONDS);
      assertThatExceptionOfType(StatusRuntimeException.class)
          .isThrownBy(
              () ->
                  server
                      .blocking()
                      .hasSocialAccount(
                          HasSocialAccountRequest.newBuilder()
                              .setEmail("secret.person@@x")
                              .build()));
      assertThatExceptionOfType(StatusRuntimeException.class)
          .isThrownBy(
              () ->
                  server
                      .blocking()
                      .checkEach(
                          CheckEachRequest.newBuilder().setEmail("secret.person(x)@e.com").build())
                      .hasNext());
      server.awaitPoolIdle();
    }

    List<String> lines =
        logs.list.stream()
            .map(
                e ->
                    e.getFormattedMessage()
                        + " "
                        + e.getKeyValuePairs()
                        + " "
                        + e.getThrowableProxy())
            .toList();
    assertThat(lines)
        .as("log lines")
        .isNotEmpty()
        .noneMatch(line -> line.contains("secret.person"));
    assertThat(logs.list)
        .filteredOn(e -> e.getLoggerName().equals("socialcheck.access"))
        .hasSizeGreaterThanOrEqualTo(3)
        .anySatisfy(
            e ->
                assertThat(String.valueOf(e.getKeyValuePairs()))
                    .contains("hmac:" + EmailAddress.parse(EMAIL).fingerprint())
                    .contains("OK"));
  }
}
