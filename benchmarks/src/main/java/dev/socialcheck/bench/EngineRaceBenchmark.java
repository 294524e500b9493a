package dev.socialcheck.bench;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The engine's hot path without gRPC: one RACE run over N instant checkers (already-completed
 * futures), from {@code engine.run} to the report. Run with the GC profiler for the allocation rate
 * per run ({@code gc.alloc.rate.norm}).
 *
 * <p>{@code answer}: {@code NOT_FOUND} (every check completes: N launches, N timeout timers
 * scheduled and cancelled) or {@code FOUND_FIRST} (the likeliest platform answers FOUND at once:
 * the run is decided during the first launch; the other N-1 checkers are still called, after the
 * decision, and their results reported as cancelled).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineRaceBenchmark {
  @Param({"1", "3", "10"})
  public int platforms;

  @Param({"NOT_FOUND", "FOUND_FIRST"})
  public String answer;

  private ScheduledExecutorService scheduler;
  private CheckEngine engine;
  private CheckRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    scheduler = CheckEngine.newScheduler();
    engine = new CheckEngine(scheduler, Ticker.systemTicker());
    List<Platform> list = new ArrayList<>();
    for (int i = 0; i < platforms; i++) {
      boolean found = answer.equals("FOUND_FIRST") && i == 0;
      ListenableFuture<CheckOutcome> outcome =
          Futures.immediateFuture(
              found ? CheckOutcome.found("instant") : CheckOutcome.notFound("instant"));
      list.add(
          new Platform(
              "p" + i, "P" + i, 0.9 - i * 0.01, Duration.ofSeconds(10), (e, c) -> outcome));
    }
    request = CheckRequest.builder(EmailAddress.parse("user@example.com"), list).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    scheduler.shutdownNow();
  }

  @Benchmark
  public CheckReport race() throws InterruptedException, ExecutionException {
    return engine.run(request).get();
  }
}
