package dev.socialcheck.bench;

import dev.socialcheck.server.engine.CheckEngine;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one check's timeout timer costs when the check is already done: {@code Futures.withTimeout}
 * schedules a task on the engine's scheduler and the completed check cancels it at once
 * (remove-on-cancel). This isolates that schedule + cancel pair, the part of {@link
 * EngineRaceBenchmark} that an instant checker cannot avoid today.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TimerChurnBenchmark {
  private ScheduledExecutorService scheduler;

  @Setup(Level.Trial)
  public void setUp() {
    scheduler = CheckEngine.newScheduler();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    scheduler.shutdownNow();
  }

  @Benchmark
  public boolean scheduleThenCancel() {
    ScheduledFuture<?> timer = scheduler.schedule(() -> {}, 10, TimeUnit.SECONDS);
    return timer.cancel(false);
  }
}
