package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MixModelTest {
  private final MixModel model = new MixModel(42);

  @Test
  void draw_sameAddressAndPlatform_sameDraw() {
    MixModel.PlatformSpec facebook = MixModel.PLATFORMS.get(0);

    assertThat(model.draw("a@b.example", facebook))
        .as("draws are a function of seed, address and platform")
        .isEqualTo(new MixModel(42).draw("a@b.example", facebook));
  }

  @Test
  void simulate_race_startsEveryPlatform_andIsNeverSlowerThanSequential() {
    for (int i = 0; i < 200; i++) {
      String email = MixModel.address(i);
      MixModel.Simulated race = model.simulate(email, MixModel.uniformDelay(0));
      MixModel.Simulated sequential = model.simulate(email, MixModel.uniformDelay(Long.MAX_VALUE));

      assertThat(race.callsStarted()).as("RACE starts all platforms").isEqualTo(5);
      assertThat(race.latencyNanos())
          .as("RACE latency <= SEQUENTIAL")
          .isLessThanOrEqualTo(sequential.latencyNanos());
      assertThat(sequential.callsStarted()).as("SEQUENTIAL calls").isBetween(1, 5);
    }
  }

  @Test
  void earlyStarts_coverTheRangeFromSequentialToRace() {
    long[] never = MixModel.uniformDelay(Long.MAX_VALUE);
    for (int i = 0; i < 200; i++) {
      String email = MixModel.address(i);
      MixModel.Simulated race = model.simulate(email, MixModel.uniformDelay(0));
      MixModel.Simulated always = model.simulate(email, never, 1.0);
      MixModel.Simulated sequential = model.simulate(email, never, -1);
      MixModel.Simulated half = model.simulate(email, never, 0.5);

      assertThat(always).as("waste <= 1 always holds: everything starts at once").isEqualTo(race);
      assertThat(sequential).isEqualTo(model.simulate(email, never));
      assertThat(half.callsStarted()).isBetween(sequential.callsStarted(), race.callsStarted());
      assertThat(half.latencyNanos()).isLessThanOrEqualTo(sequential.latencyNanos());
    }
    // facebook (prior 0.6) runs alone; once it says NOT_FOUND, instagram (0.44) and linkedin start
    // together, and twitter waits while both run (1 - 0.56 * 0.78 = 0.56 > 0.5).
    MixModel.ModelSummary half = model.summarize(0, 2000, never, 0.5);
    MixModel.ModelSummary none = model.summarize(0, 2000, never);
    assertThat(half.callsPerRequest()).isGreaterThan(none.callsPerRequest());
    assertThat(half.p99Nanos()).isLessThan(none.p99Nanos());
  }

  @Test
  void latencyQuantile_isMonotonic() {
    MixModel.PlatformSpec facebook = MixModel.PLATFORMS.get(0);

    assertThat(model.latencyQuantileNanos(facebook, 0.5, 10_000))
        .as("p50 < p95")
        .isLessThan(model.latencyQuantileNanos(facebook, 0.95, 10_000));
  }
}
