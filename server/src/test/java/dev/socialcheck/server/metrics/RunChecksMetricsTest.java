package dev.socialcheck.server.metrics;

import static dev.socialcheck.server.testing.TestPlatforms.EMAIL;
import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.Strategy;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code socialcheck_run_checks_total{strategy,start}}: why each check started when it did. */
class RunChecksMetricsTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final CheckEngine engine = new CheckEngine(scheduler, scheduler.ticker(), metrics);
  private final FakeChecker a = new FakeChecker();
  private final FakeChecker b = new FakeChecker();
  private final List<Platform> platforms = List.of(platform("a", 0.6, a), platform("b", 0.3, b));

  private double value(String strategy, String start) {
    String series =
        "socialcheck_run_checks_total{start=\"" + start + "\",strategy=\"" + strategy + "\"}";
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$")
            .matcher(metrics.scrape());
    assertThat(m.find()).as("series %s", series).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void hedgedRun_countsTheFirstCheckAndTheHedge() {
    var run =
        engine.run(
            CheckRequest.builder(EMAIL, platforms)
                .strategy(Strategy.HEDGED)
                .hedgeDelay(Duration.ofSeconds(1))
                .build());
    scheduler.advance(Duration.ofSeconds(1));
    b.lastCall().complete(CheckOutcome.found("yes"));

    assertThat(run).isDone();
    assertThat(value("hedged", "first")).isEqualTo(1);
    assertThat(value("hedged", "hedge")).isEqualTo(1);
    assertThat(value("hedged", "parallel")).isZero();
  }

  @Test
  void runOfEveryPlatform_isLabelledEach() {
    var run = engine.run(CheckRequest.builder(EMAIL, platforms).stopAtFirstFound(false).build());
    a.lastCall().complete(CheckOutcome.notFound("no"));
    b.lastCall().complete(CheckOutcome.notFound("no"));

    assertThat(run).isDone();
    assertThat(value("each", "first")).isEqualTo(1);
    assertThat(value("each", "parallel")).isEqualTo(1);
    assertThat(value("race", "first")).as("not counted as race").isZero();
  }
}
