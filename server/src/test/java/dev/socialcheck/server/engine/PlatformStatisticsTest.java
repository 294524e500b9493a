package dev.socialcheck.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.testing.FakeScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PlatformStatisticsTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final PlatformStatistics stats =
      new PlatformStatistics(clock.ticker(), Duration.ofSeconds(60), 6);

  @Test
  void percentilesAndRates_overTheWindow() {
    for (int ms = 1; ms <= 100; ms++) {
      stats.record(ms <= 30 ? CheckStatus.FOUND : CheckStatus.NOT_FOUND, Duration.ofMillis(ms));
    }
    stats.record(CheckStatus.TIMEOUT, Duration.ofMillis(500));

    PlatformStatistics.Snapshot snapshot = stats.snapshot();

    assertThat(snapshot.samples()).isEqualTo(101);
    assertThat(snapshot.p50().toMillis()).isBetween(49L, 52L);
    assertThat(snapshot.p95().toMillis()).isBetween(94L, 97L);
    assertThat(stats.snapshot(100).atPercentile().toMillis()).isBetween(498L, 502L);
    assertThat(snapshot.foundRate()).isEqualTo(30 / 101.0);
    assertThat(snapshot.failureRate()).isEqualTo(1 / 101.0);
  }

  @Test
  void oldObservations_dropOut_inSteps() {
    stats.record(CheckStatus.FOUND, Duration.ofMillis(10));
    clock.advance(Duration.ofSeconds(30));
    stats.record(CheckStatus.NOT_FOUND, Duration.ofMillis(900));

    clock.advance(Duration.ofSeconds(35));
    PlatformStatistics.Snapshot later = stats.snapshot();

    assertThat(later.samples()).as("the first observation is older than the window").isEqualTo(1);
    assertThat(later.foundRate()).isZero();
    assertThat(later.p50().toMillis()).isBetween(895L, 905L);

    clock.advance(Duration.ofSeconds(60));
    assertThat(stats.snapshot().samples()).isZero();
    assertThat(stats.snapshot().p50()).isZero();
  }

  @Test
  void aRingSlotReusedOneWindowLater_countsOnlyTheNewObservations() {
    for (int i = 0; i < 50; i++) {
      stats.record(CheckStatus.FOUND, Duration.ofMillis(10));
    }
    clock.advance(Duration.ofSeconds(60)); // the same slot of the ring, one window later
    stats.record(CheckStatus.NOT_FOUND, Duration.ofMillis(700));

    PlatformStatistics.Snapshot snapshot = stats.snapshot();
    assertThat(snapshot.samples()).isEqualTo(1);
    assertThat(snapshot.foundRate()).isZero();
    assertThat(snapshot.p50().toMillis()).isBetween(695L, 705L);
  }

  /** Expiry runs once per bucket epoch: observations after it in the same epoch all count. */
  @Test
  void observationsAfterAnExpiry_inTheSameEpoch_allCount() {
    stats.record(CheckStatus.FOUND, Duration.ofMillis(10));
    clock.advance(Duration.ofSeconds(61));
    assertThat(stats.snapshot().samples()).isZero(); // expires, in the new epoch
    for (int i = 0; i < 5; i++) {
      stats.record(CheckStatus.NOT_FOUND, Duration.ofMillis(20));
    }
    clock.advance(Duration.ofSeconds(5)); // still the same bucket: nothing more expires
    assertThat(stats.snapshot().samples()).isEqualTo(5);
    clock.advance(Duration.ofSeconds(60));
    assertThat(stats.snapshot().samples()).isZero();
  }
}
