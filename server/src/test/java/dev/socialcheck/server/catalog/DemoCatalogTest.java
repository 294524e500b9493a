package dev.socialcheck.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformResult;
import dev.socialcheck.server.engine.Strategy;
import dev.socialcheck.server.engine.Verdict;
import dev.socialcheck.server.testing.FakeScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reference scenario on a fake clock: exact latencies, no waiting. */
class DemoCatalogTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final CheckEngine engine = new CheckEngine(scheduler, scheduler.ticker());
  private final Catalog demo = DemoCatalog.create(scheduler, 1.0);

  @AfterEach
  void nothingLeftBehind() {
    assertThat(engine.stats().checksInFlight()).isZero();
    assertThat(scheduler.pendingTasks()).as("simulated answers left scheduled").isZero();
  }

  private ListenableFuture<CheckReport> run(String email, Strategy strategy) {
    return engine.run(
        CheckRequest.builder(EmailAddress.parse(email), demo.platforms())
            .strategy(strategy)
            .build());
  }

  @Test
  void platforms_orderedByPrior() {
    assertThat(demo.platforms())
        .extracting(Platform::id)
        .containsExactly("facebook", "twitter", "github");
  }

  @Test
  void race_answersFoundOnGithubAfterOneSecond_andCancelsTheOthers() throws Exception {
    ListenableFuture<CheckReport> run = run("user@email.com", Strategy.RACE);

    scheduler.advance(Duration.ofMillis(999));
    assertThat(run).isNotDone();
    scheduler.advance(Duration.ofMillis(1));

    CheckReport report = Futures.getDone(run);
    assertThat(report.verdict()).isEqualTo(Verdict.FOUND);
    assertThat(report.foundOn()).contains("github");
    assertThat(report.elapsed()).isEqualTo(Duration.ofSeconds(1));
    assertThat(report.results())
        .filteredOn(r -> !r.platformId().equals("github"))
        .extracting(PlatformResult::status)
        .containsOnly(CheckStatus.CANCELLED);
    assertThat(engine.stats().checksCancelled()).isEqualTo(2);
  }

  @Test
  void sequential_answersFoundOnFacebookAfterFiveSeconds_withOneCall() throws Exception {
    ListenableFuture<CheckReport> run = run("user@email.com", Strategy.SEQUENTIAL);

    scheduler.advance(Duration.ofSeconds(5));

    CheckReport report = Futures.getDone(run);
    assertThat(report.foundOn()).contains("facebook");
    assertThat(engine.stats().checksStarted()).isEqualTo(1);
  }

  @Test
  void nobodyTag_givesNotFoundEverywhere() throws Exception {
    ListenableFuture<CheckReport> run = run("user+nobody@email.com", Strategy.RACE);

    scheduler.advance(Duration.ofSeconds(5));

    assertThat(Futures.getDone(run).verdict()).isEqualTo(Verdict.NOT_FOUND);
  }

  @Test
  void flakyTag_givesUnknown_withTwitterInError() throws Exception {
    ListenableFuture<CheckReport> run = run("user+flaky@email.com", Strategy.RACE);

    scheduler.advance(Duration.ofSeconds(5));

    CheckReport report = Futures.getDone(run);
    assertThat(report.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(report.resultOf("twitter").orElseThrow().status()).isEqualTo(CheckStatus.ERROR);
  }

  @Test
  void slowTag_makesGithubTimeOut() throws Exception {
    ListenableFuture<CheckReport> run =
        engine.run(
            CheckRequest.builder(
                    EmailAddress.parse("user+slow@email.com"),
                    demo.select(java.util.List.of("github")))
                .build());

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(Futures.getDone(run).resultOf("github").orElseThrow().status())
        .isEqualTo(CheckStatus.TIMEOUT);
  }

  @Test
  void timeScale_scalesLatenciesAndTimeouts() throws Exception {
    Catalog fast = DemoCatalog.create(scheduler, 0.01);
    assertThat(fast.find("facebook").orElseThrow().timeout()).isEqualTo(Duration.ofMillis(100));
    ListenableFuture<CheckReport> run =
        engine.run(
            CheckRequest.builder(EmailAddress.parse("user@email.com"), fast.platforms()).build());

    scheduler.advance(Duration.ofMillis(10));

    assertThat(Futures.getDone(run).foundOn()).contains("github");
  }

  @Test
  void timeScale_mustBePositive() {
    assertThatThrownBy(() -> DemoCatalog.create(scheduler, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DemoCatalog.create(scheduler, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
