package dev.socialcheck.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.checkers.OutgoingRequest;
import dev.socialcheck.server.checkers.ProbeResponse;
import dev.socialcheck.server.checkers.ProbeTransport;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Strategy;
import dev.socialcheck.server.engine.Verdict;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.TestPlatforms;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Meters bound once per method, strategy, platform and status expose the same series. */
class ServiceMetricsTest {
  private final ServiceMetrics metrics = new ServiceMetrics();

  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void callMeters_areBoundOnce_andCountEachCodeInItsOwnSeries() {
    ServiceMetrics.CallMeters race = metrics.callMeters("HasSocialAccount", "race");
    race.record("OK", 2_000_000);
    race.record("OK", 3_000_000);
    metrics.recordCall("HasSocialAccount", "race", "INVALID_ARGUMENT", Duration.ofMillis(1));

    String scrape = metrics.scrape();
    assertThat(metrics.callMeters("HasSocialAccount", "race")).as("same meters").isSameAs(race);
    assertThat(
            value(
                scrape,
                "socialcheck_rpc_requests_total{code=\"OK\",method=\"HasSocialAccount\","
                    + "strategy=\"race\"}"))
        .isEqualTo(2);
    assertThat(
            value(
                scrape,
                "socialcheck_rpc_requests_total{code=\"INVALID_ARGUMENT\","
                    + "method=\"HasSocialAccount\",strategy=\"race\"}"))
        .isEqualTo(1);
    assertThat(
            value(
                scrape,
                "socialcheck_rpc_duration_seconds_count{method=\"HasSocialAccount\","
                    + "strategy=\"race\"}"))
        .isEqualTo(3);
    assertThat(scrape).as("codes never seen").doesNotContain("code=\"UNAVAILABLE\"");
  }

  @Test
  void probeTransportCounters_readTheTransport() {
    ProbeTransport transport =
        new ProbeTransport() {
          @Override
          public com.google.common.util.concurrent.ListenableFuture<ProbeResponse> send(
              OutgoingRequest request, int maxBodyBytes) {
            throw new UnsupportedOperationException();
          }

          @Override
          public long lostConnectionRetries() {
            return 7;
          }

          @Override
          public long streamLimitRefusals() {
            return 3;
          }
        };

    metrics.bindProbeTransport(transport);

    String scrape = metrics.scrape();
    assertThat(value(scrape, "socialcheck_probe_requests_resent_total")).isEqualTo(7);
    assertThat(value(scrape, "socialcheck_probe_stream_limit_refusals_total")).isEqualTo(3);
  }

  @Test
  void checkMeters_perPlatformAndStatus_registeredOnFirstUse() {
    metrics.checkStarted("a");
    metrics.checkEnded("a", CheckStatus.FOUND, Duration.ofMillis(5));
    metrics.checkEnded("a", CheckStatus.CANCELLED, Duration.ofMillis(6));
    metrics.checkEnded("a", CheckStatus.CANCELLED, Duration.ofMillis(7));
    metrics.checkAnsweredFromCache("b", CheckStatus.NOT_FOUND);
    metrics.checkWasted("a");
    CheckRequest.Builder request =
        CheckRequest.builder(
                EmailAddress.parse("user@email.com"),
                List.of(TestPlatforms.platform("a", 0.5, new FakeChecker())))
            .strategy(Strategy.HEDGED);
    metrics.runAnswered(request.build(), Verdict.FOUND, Duration.ofMillis(8));
    metrics.runAnswered(
        request.stopAtFirstFound(false).build(), Verdict.NOT_FOUND, Duration.ofMillis(9));

    String scrape = metrics.scrape();
    assertThat(value(scrape, "socialcheck_checks_started_total{platform=\"a\"}")).isEqualTo(1);
    assertThat(value(scrape, "socialcheck_checks_total{platform=\"a\",status=\"found\"}"))
        .isEqualTo(1);
    assertThat(value(scrape, "socialcheck_checks_total{platform=\"a\",status=\"cancelled\"}"))
        .isEqualTo(2);
    assertThat(value(scrape, "socialcheck_checks_cancelled_total{platform=\"a\"}")).isEqualTo(2);
    assertThat(
            value(
                scrape,
                "socialcheck_check_duration_seconds_count{platform=\"a\",status=\"cancelled\"}"))
        .isEqualTo(2);
    assertThat(value(scrape, "socialcheck_cache_hits_total{platform=\"b\",status=\"not_found\"}"))
        .isEqualTo(1);
    assertThat(value(scrape, "socialcheck_checks_wasted_total{platform=\"a\"}")).isEqualTo(1);
    assertThat(value(scrape, "socialcheck_verdicts_total{strategy=\"hedged\",verdict=\"found\"}"))
        .isEqualTo(1);
    assertThat(value(scrape, "socialcheck_verdicts_total{strategy=\"each\",verdict=\"not_found\"}"))
        .as("a run with no early stop (CheckEach) is labelled each")
        .isEqualTo(1);
    assertThat(value(scrape, "socialcheck_answer_duration_seconds_count{strategy=\"hedged\"}"))
        .isEqualTo(1);
    assertThat(scrape)
        .as("statuses and platforms never seen")
        .doesNotContain("status=\"timeout\"")
        .doesNotContain("socialcheck_checks_started_total{platform=\"b\"}");
  }
}
