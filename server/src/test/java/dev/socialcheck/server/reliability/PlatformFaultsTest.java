package dev.socialcheck.server.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.google.common.base.Ticker;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Verdict;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A platform that fails in every way mid-run — HTTP 500s, hanging (no answer, or a FOUND body
 * dribbled slower than the timeout), 429 with Retry-After, garbage bodies and broken connections —
 * then recovers, behind the real catalog stack (HTTP probe, circuit breaker, rate limiter,
 * bulkhead) and the real server. Every answer must carry the right status for the fault, the
 * circuit breaker must open and close, no call may take much longer than the per-check timeout, and
 * a failing platform never turns into NOT_FOUND: the verdict is UNKNOWN until it recovers.
 */
@ExtendWith(QuietAccessLog.class)
class PlatformFaultsTest {
  @RegisterExtension
  static final WireMockExtension platforms =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static final Duration CHECK_TIMEOUT = Duration.ofMillis(400);
  private static final Duration OPEN_FOR = Duration.ofSeconds(1);

  /** A call never takes longer than the check timeout plus this (a busy machine's slack). */
  private static final Duration SLACK = Duration.ofSeconds(2);

  private static final String FOUND_BODY = "{\"exists\": true}";
  private static final String NOT_FOUND_BODY = "{\"exists\": false}";

  private final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();
  private final ExecutorService http = Executors.newFixedThreadPool(2);
  private final List<String> violations = new ArrayList<>();
  private int calls;
  private CircuitBreaker circuit;

  /** The circuit's states as seen after each call, consecutive repeats dropped. */
  private final List<String> transitions = new ArrayList<>();

  private SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub;

  private Catalog catalog() {
    String base = platforms.baseUrl();
    String yaml =
        """
        defaults:
          timeout: %2$dms
          rate_limit: {requests: 10000, per: 1s}
          concurrency: 1000
        platforms:
          - id: flaky
            name: Flaky
            prior: 0.6
            kind: api
            circuit_breaker: {failure_rate_percent: 50, window: 6, minimum_calls: 6, open_for: %3$dms}
            request: {url: "%1$s/flaky/{email_sha256}"}
            rules:
              - {status: 200, json: {pointer: /exists, equals: true}, result: FOUND}
              - {status: 200, json: {pointer: /exists, equals: false}, result: NOT_FOUND}
              - {status: 429, result: RATE_LIMITED}
          - id: steady
            name: Steady
            prior: 0.3
            kind: api
            request: {url: "%1$s/steady/{email_sha256}"}
            rules:
              - {status: 200, json: {pointer: /exists, equals: true}, result: FOUND}
              - {status: 200, json: {pointer: /exists, equals: false}, result: NOT_FOUND}
        """
            .formatted(base, CHECK_TIMEOUT.toMillis(), OPEN_FOR.toMillis());
    return CatalogLoader.parse(
        "faults.yaml",
        yaml,
        new CatalogLoader.Settings(
            CatalogLoader.newHttpClient(http),
            "socialcheck-reliability/1",
            ResultCache.disabled(),
            Ticker.systemTicker(),
            Clock.systemUTC(),
            name -> null,
            circuitBreakers));
  }

  private static void flakyAnswers(ResponseDefinitionBuilder response) {
    platforms.stubFor(get(urlPathMatching("/flaky/.*")).willReturn(response));
  }

  @Test
  @DisplayName(
      "a platform that fails, hangs, rate-limits and answers garbage, then recovers: right"
          + " statuses, circuit opens and closes, no hang, never a wrong NOT_FOUND")
  void faultsMidRun_rightStatuses_circuitOpensAndCloses_noWrongVerdict() throws Exception {
    platforms.stubFor(
        get(urlPathMatching("/steady/.*")).willReturn(aResponse().withBody(NOT_FOUND_BODY)));
    flakyAnswers(aResponse().withBody(FOUND_BODY));
    long started = System.nanoTime();
    try (RunningServer server = new RunningServer(timers -> catalog(), b -> {})) {
      stub =
          SocialAccountServiceGrpc.newBlockingStub(server.channel())
              .withDeadlineAfter(60, TimeUnit.SECONDS);
      CircuitBreaker circuit = circuitBreakers.circuitBreaker("flaky");
      this.circuit = circuit;
      ResourceMonitor monitor = ResourceMonitor.start();

      // Healthy.
      for (int i = 0; i < 3; i++) {
        HasSocialAccountResponse answer = call(EnumSet.of(PlatformStatus.PLATFORM_STATUS_FOUND));
        assertThat(answer.getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
      }

      // HTTP 500: ERROR until the circuit opens, then SKIPPED without a request.
      flakyAnswers(aResponse().withStatus(500));
      Set<PlatformStatus> failing =
          EnumSet.of(PlatformStatus.PLATFORM_STATUS_ERROR, PlatformStatus.PLATFORM_STATUS_SKIPPED);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> flakyStatus(call(failing)) == PlatformStatus.PLATFORM_STATUS_SKIPPED);
      assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.OPEN);
      int requests = flakyRequests();
      call(failing);
      assertThat(flakyRequests()).as("no request while the circuit is open").isEqualTo(requests);

      // Hanging: no answer at all, or a FOUND body dribbled over 5 s. TIMEOUT, never FOUND.
      platforms.resetAll();
      platforms.stubFor(
          get(urlPathMatching("/steady/.*")).willReturn(aResponse().withBody(NOT_FOUND_BODY)));
      platforms.stubFor(
          get(urlPathMatching("/flaky/.*"))
              .inScenario("hang")
              .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
              .willSetStateTo("dribble")
              .willReturn(aResponse().withBody(FOUND_BODY).withFixedDelay(5_000)));
      platforms.stubFor(
          get(urlPathMatching("/flaky/.*"))
              .inScenario("hang")
              .whenScenarioStateIs("dribble")
              .willSetStateTo(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
              .willReturn(aResponse().withBody(FOUND_BODY).withChunkedDribbleDelay(8, 5_000)));
      Set<PlatformStatus> hanging =
          EnumSet.of(
              PlatformStatus.PLATFORM_STATUS_TIMEOUT, PlatformStatus.PLATFORM_STATUS_SKIPPED);
      await() // half-open after OPEN_FOR: the probes time out and the circuit opens again
          .atMost(Duration.ofSeconds(20))
          .until(() -> flakyStatus(call(hanging)) == PlatformStatus.PLATFORM_STATUS_TIMEOUT);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> flakyStatus(call(hanging)) == PlatformStatus.PLATFORM_STATUS_SKIPPED);

      // 429 with Retry-After: RATE_LIMITED (not a failure: the circuit closes), then back-off.
      flakyAnswers(aResponse().withStatus(429).withHeader("Retry-After", "1"));
      Set<PlatformStatus> limited =
          EnumSet.of(
              PlatformStatus.PLATFORM_STATUS_RATE_LIMITED, PlatformStatus.PLATFORM_STATUS_SKIPPED);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                call(limited);
                return circuit.getState() == CircuitBreaker.State.CLOSED;
              });

      // Garbage: a body that is not JSON, random bytes, a reset connection, a broken chunk.
      List<ResponseDefinitionBuilder> garbage =
          List.of(
              aResponse().withBody("<html>oops</html>"),
              aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE),
              aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
              aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
              aResponse().withFault(Fault.EMPTY_RESPONSE));
      await() // the back-off from the 429 ends first (RATE_LIMITED until then)
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                for (ResponseDefinitionBuilder response : garbage) {
                  flakyAnswers(response);
                  call(
                      EnumSet.of(
                          PlatformStatus.PLATFORM_STATUS_ERROR,
                          PlatformStatus.PLATFORM_STATUS_RATE_LIMITED,
                          PlatformStatus.PLATFORM_STATUS_SKIPPED));
                }
                return circuit.getState() == CircuitBreaker.State.OPEN;
              });

      // Recovery: the circuit half-opens after OPEN_FOR, the probes succeed, FOUND again.
      flakyAnswers(aResponse().withBody(FOUND_BODY));
      Set<PlatformStatus> recovering =
          EnumSet.of(PlatformStatus.PLATFORM_STATUS_FOUND, PlatformStatus.PLATFORM_STATUS_SKIPPED);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  call(recovering).getVerdict() == Verdict.VERDICT_FOUND
                      && circuit.getState() == CircuitBreaker.State.CLOSED);
      assertThat(violations).as("answers that broke the rules").isEmpty();
      server.awaitIdle(Duration.ofSeconds(20));
      monitor.close();
      long opened = transitions.stream().filter(t -> t.equals("OPEN")).count();
      long closed = transitions.stream().filter(t -> t.equals("CLOSED")).count();
      assertThat(opened).as("circuit openings: %s", transitions).isGreaterThanOrEqualTo(3);
      assertThat(closed).as("circuit closings: %s", transitions).isGreaterThanOrEqualTo(2);
      Scenario.report(
          "platform faults",
          calls,
          0,
          0,
          monitor.maxHeapBytes(),
          monitor.maxThreads(),
          Duration.ofNanos(System.nanoTime() - started),
          "500, hang, dribbled body, 429, garbage, recovery; circuit opened "
              + opened
              + "x, closed "
              + closed
              + "x");
    } finally {
      http.shutdownNow();
    }
  }

  /**
   * One call; records a violation if the flaky platform's status is not one of {@code expected}, if
   * a failing platform's verdict is NOT_FOUND, or if the call took too long.
   */
  private HasSocialAccountResponse call(Set<PlatformStatus> expected) {
    long start = System.nanoTime();
    HasSocialAccountResponse answer =
        stub.hasSocialAccount(
            HasSocialAccountRequest.newBuilder().setEmail("someone@email.com").build());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    calls++;
    String state = circuit.getState().name();
    if (transitions.isEmpty() || !transitions.get(transitions.size() - 1).equals(state)) {
      transitions.add(state);
    }
    PlatformStatus flaky = flakyStatus(answer);
    if (!expected.contains(flaky)) {
      violations.add("flaky " + flaky + ", expected one of " + expected + ": " + answer);
    }
    if (answer.getVerdict() == Verdict.VERDICT_NOT_FOUND) {
      violations.add("NOT_FOUND although flaky said " + flaky + ": " + answer);
    }
    Verdict consistent =
        flaky == PlatformStatus.PLATFORM_STATUS_FOUND
            ? Verdict.VERDICT_FOUND
            : Verdict.VERDICT_UNKNOWN;
    if (answer.getVerdict() != consistent) {
      violations.add("verdict does not follow from the results: " + answer);
    }
    if (took.compareTo(CHECK_TIMEOUT.plus(SLACK)) > 0) {
      violations.add("took " + took.toMillis() + " ms: " + answer);
    }
    return answer;
  }

  private static PlatformStatus flakyStatus(HasSocialAccountResponse answer) {
    return answer.getResultsList().stream()
        .filter(r -> r.getPlatform().equals("flaky"))
        .map(PlatformResult::getStatus)
        .findFirst()
        .orElseThrow();
  }

  private static int flakyRequests() {
    return platforms
        .countRequestsMatching(getRequestedFor(urlPathMatching("/flaky/.*")).build())
        .getCount();
  }
}
