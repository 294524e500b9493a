package dev.socialcheck.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.socialcheck.server.testing.FakeScheduler;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link CoarseClock}: the wall time as of the last refresh, refreshed on the timers until closed.
 */
class CoarseClockTest {
  private final FakeScheduler timers = new FakeScheduler();
  private final AtomicLong wall = new AtomicLong(1_000_000);

  @Test
  void wallTime_isTheSourceAsOfTheLastRefresh() {
    CoarseClock clock = CoarseClock.start(timers, Duration.ofMillis(100), wall::get);
    assertThat(clock.wallTime()).as("read at start").isEqualTo(1_000_000);

    wall.set(1_000_050);
    timers.advance(Duration.ofMillis(99));
    assertThat(clock.wallTime()).as("before the next refresh").isEqualTo(1_000_000);

    timers.advance(Duration.ofMillis(1));
    assertThat(clock.wallTime()).as("at the refresh").isEqualTo(1_000_050);

    wall.set(1_000_300);
    timers.advance(Duration.ofMillis(200));
    assertThat(clock.wallTime()).isEqualTo(1_000_300);
    clock.close();
  }

  @Test
  void close_stopsTheRefresh_andLeavesNoTask() {
    CoarseClock clock = CoarseClock.start(timers, Duration.ofMillis(100), wall::get);
    assertThat(timers.pendingTasks()).isEqualTo(1);

    clock.close();
    wall.set(2_000_000);
    timers.advance(Duration.ofSeconds(1));

    assertThat(timers.pendingTasks()).as("no refresh left behind").isZero();
    assertThat(clock.wallTime()).as("the last value").isEqualTo(1_000_000);
  }

  @Test
  void shutDownTimers_leaveTheLastValue() {
    timers.shutdown();
    CoarseClock clock = CoarseClock.start(timers, Duration.ofMillis(100), wall::get);
    assertThat(clock.wallTime()).isEqualTo(1_000_000);
    clock.close();
  }

  @Test
  void monotonicTime_isTheSystems() {
    CoarseClock clock = CoarseClock.start(timers, Duration.ofMillis(100), wall::get);
    long before = System.nanoTime();
    long read = clock.monotonicTime();
    assertThat(read).isBetween(before, System.nanoTime());
    clock.close();
  }

  @Test
  void resolution_mustBePositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CoarseClock.start(timers, Duration.ZERO, wall::get))
        .withMessageContaining("resolution must be positive");
  }

  /**
   * The registry's timers keep their window maximum by this clock, and rotate it with the refresh.
   */
  @Test
  void serviceMetrics_timersRotateTheirMaximumOnTheCoarseWallTime() {
    CoarseClock clock = CoarseClock.start(timers, Duration.ofMillis(100), wall::get);
    ServiceMetrics metrics = new ServiceMetrics(clock);
    Timer timer = metrics.registry().timer("coarse.clock.test");
    timer.record(5, TimeUnit.SECONDS);
    assertThat(timer.max(TimeUnit.SECONDS)).isEqualTo(5);

    // Micrometer's default window: 2 minutes, in 3 steps. Past it, the maximum is forgotten.
    wall.addAndGet(Duration.ofMinutes(3).toMillis());
    assertThat(timer.max(TimeUnit.SECONDS))
        .as("before the refresh: the old wall time")
        .isEqualTo(5);
    timers.advance(Duration.ofMillis(100));
    assertThat(timer.max(TimeUnit.SECONDS)).as("after it").isZero();
    assertThat(timer.count()).as("counts are not windowed").isEqualTo(1);
    clock.close();
  }
}
