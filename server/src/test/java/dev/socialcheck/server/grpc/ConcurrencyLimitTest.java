package dev.socialcheck.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit (Vegas over Netflix concurrency-limits) driven deterministically: a fake
 * nanosecond clock advanced in 1 ms ticks, arrivals at a steady rate, and a simulated platform the
 * test controls. No real time passes.
 */
class ConcurrencyLimitTest {
  private static final long MS = 1_000_000L;

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final ConcurrencyLimit.Admission adaptive =
      ConcurrencyLimit.adaptive(1000, nanos::get).newAdmission();

  /** What one simulated period measured. */
  private record Period(long accepted, long shed, long maxLatencyMs, int queuedAtEnd) {}

  /**
   * A platform with {@code workers} calls served at once, each for {@code serviceMs}; the rest wait
   * in its FIFO queue. Every admitted call goes there.
   */
  private final class SaturablePlatform {
    final int workers;
    long serviceMs;
    final Deque<long[]> queued = new ArrayDeque<>(); // {admitted at, permit index}
    final List<long[]> serving = new ArrayList<>(); // {ends at, admitted at, permit index}
    final List<ConcurrencyLimit.Permit> permits = new ArrayList<>();

    SaturablePlatform(int workers, long serviceMs) {
      this.workers = workers;
      this.serviceMs = serviceMs;
    }

    /** Runs {@code seconds} of arrivals at {@code perSecond} through {@code admission}. */
    Period run(ConcurrencyLimit.Admission admission, int perSecond, int seconds) {
      long accepted = 0;
      long shed = 0;
      long maxLatency = 0;
      double due = 0;
      for (int tick = 0; tick < seconds * 1000; tick++) {
        long now = nanos.addAndGet(MS);
        for (Iterator<long[]> it = serving.iterator(); it.hasNext(); ) {
          long[] call = it.next();
          if (call[0] <= now) {
            it.remove();
            maxLatency = Math.max(maxLatency, (now - call[1]) / MS);
            permits.get((int) call[2]).release(ConcurrencyLimit.Outcome.SAMPLE);
          }
        }
        for (due += perSecond / 1000.0; due >= 1; due--) {
          ConcurrencyLimit.Permit permit = admission.tryAcquire();
          if (permit == null) {
            shed++;
            continue;
          }
          accepted++;
          permits.add(permit);
          queued.add(new long[] {now, permits.size() - 1});
        }
        while (serving.size() < workers && !queued.isEmpty()) {
          long[] call = queued.remove();
          serving.add(new long[] {now + serviceMs * MS, call[0], call[1]});
        }
      }
      return new Period(accepted, shed, maxLatency, queued.size());
    }
  }

  @Test
  void adaptive_startsAtItsInitialLimit() {
    assertThat(adaptive.limit()).isEqualTo(ConcurrencyLimit.ADAPTIVE_INITIAL);
  }

  @Test
  void capacityHalves_adaptive_shedsTheExcess_andKeepsAcceptedCallsFromQueueing() {
    // 32 workers at 20 ms: 1600 calls/s; 1200 arrive per second.
    SaturablePlatform platform = new SaturablePlatform(32, 20);
    Period normal = platform.run(adaptive, 1200, 10);
    platform.serviceMs = 40; // capacity halves: 800 calls/s
    platform.run(adaptive, 1200, 5);
    Period overloaded = platform.run(adaptive, 1200, 10);

    assertThat(normal.shed()).as("calls shed below capacity").isZero();
    assertThat(overloaded.shed()).as("calls shed over capacity (of 12000)").isGreaterThan(2000);
    assertThat(overloaded.maxLatencyMs())
        .as("worst accepted latency once settled (service time 40 ms)")
        .isLessThan(200);
  }

  @Test
  void capacityHalves_fixedLimit_letsTheQueueGrowToTheLimit() {
    ConcurrencyLimit.Admission fixed = ConcurrencyLimit.fixed(1000).newAdmission();
    SaturablePlatform platform = new SaturablePlatform(32, 20);
    platform.run(fixed, 1200, 10);
    platform.serviceMs = 40;
    platform.run(fixed, 1200, 5);
    Period overloaded = platform.run(fixed, 1200, 10);

    assertThat(overloaded.queuedAtEnd()).as("calls waiting at the platform").isGreaterThan(900);
    assertThat(overloaded.maxLatencyMs()).as("worst accepted latency").isGreaterThan(1000);
  }

  @Test
  void mixedLatenciesWithoutOverload_adaptive_shedsNothing() {
    // Unbounded platform; a third of the answers are cached (1 ms), the rest take 5 or 300 ms.
    Random random = new Random(7);
    PriorityQueueOfCalls calls = new PriorityQueueOfCalls();
    long shed = 0;
    double due = 0;
    for (int tick = 0; tick < 20_000; tick++) {
      long now = nanos.addAndGet(MS);
      calls.completeUntil(now);
      for (due += 1.2; due >= 1; due--) {
        ConcurrencyLimit.Permit permit = adaptive.tryAcquire();
        if (permit == null) {
          shed++;
          continue;
        }
        double draw = random.nextDouble();
        long latencyMs = draw < 0.3 ? 1 : draw < 0.65 ? 5 : 300;
        calls.add(now + latencyMs * MS, permit);
      }
    }

    assertThat(shed).as("healthy calls shed (of 24000)").isZero();
  }

  /** Calls of an unbounded platform, completed in order of their end time. */
  private static final class PriorityQueueOfCalls {
    private final java.util.PriorityQueue<Object[]> queue =
        new java.util.PriorityQueue<>((x, y) -> Long.compare((long) x[0], (long) y[0]));

    void add(long endsAt, ConcurrencyLimit.Permit permit) {
      queue.add(new Object[] {endsAt, permit});
    }

    void completeUntil(long now) {
      while (!queue.isEmpty() && (long) queue.peek()[0] <= now) {
        ((ConcurrencyLimit.Permit) queue.remove()[1]).release(ConcurrencyLimit.Outcome.SAMPLE);
      }
    }
  }

  @Test
  void adaptive_beyondTheLimit_refusesAtOnce() {
    int limit = adaptive.limit();
    for (int i = 0; i < limit; i++) {
      assertThat(adaptive.tryAcquire()).as("permit %d", i).isNotNull();
    }

    assertThat(adaptive.tryAcquire()).as("one more than the limit").isNull();
  }

  @Test
  void fixed_refusesBeyondItsLimit_andAdmitsAgainAfterARelease() {
    ConcurrencyLimit.Admission fixed = ConcurrencyLimit.fixed(2).newAdmission();
    ConcurrencyLimit.Permit first = fixed.tryAcquire();
    assertThat(fixed.tryAcquire()).isNotNull();
    assertThat(fixed.tryAcquire()).as("third of 2").isNull();

    first.release(ConcurrencyLimit.Outcome.SAMPLE);

    assertThat(fixed.tryAcquire()).as("after a release").isNotNull();
    assertThat(fixed.limit()).isEqualTo(2);
  }
}
