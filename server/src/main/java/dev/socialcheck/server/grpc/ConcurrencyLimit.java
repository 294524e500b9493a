package dev.socialcheck.server.grpc;

import static com.google.common.base.Preconditions.checkArgument;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How many socialcheck calls may be in progress at once; beyond, calls are shed ({@link
 * InFlightCalls}).
 *
 * <ul>
 *   <li>{@link #fixed}: a constant limit ({@code --max-in-flight}).
 *   <li>{@link #adaptive}: Netflix concurrency-limits' {@code Gradient2Limit}, which compares the
 *       short-term average call latency with its long-term average and lowers the limit while
 *       latency grows (calls queue somewhere: at a saturated platform, in our executor, on the
 *       CPU), raising it again while latency stays flat and the limit is in use. Bounded by {@code
 *       max} and {@link #ADAPTIVE_MIN}.
 * </ul>
 *
 * <p>Why Gradient2 rather than Vegas: Vegas measures queueing against the <em>minimum</em> latency
 * ever seen, and socialcheck's latencies span four orders of magnitude by design (a cached answer
 * in microseconds, a slow platform in seconds): the minimum would read every ordinary call as
 * queued and pin the limit near its floor. Gradient2's baseline is a long-window average, which
 * follows the traffic mix and also drifts to a new normal when a platform slows down for good.
 *
 * <p>Immutable; {@link #newAdmission()} makes the live state of one server.
 */
public final class ConcurrencyLimit {
  /** The adaptive limit never goes below this many calls. */
  static final int ADAPTIVE_MIN = 10;

  /** The adaptive limit starts here (or at {@code max}, if lower). */
  static final int ADAPTIVE_INITIAL = 100;

  private final boolean adaptive;
  private final int max;
  private final @Nullable LongSupplier nanoClock;

  private ConcurrencyLimit(boolean adaptive, int max, @Nullable LongSupplier nanoClock) {
    checkArgument(max > 0, "the concurrency limit must be positive: %s", max);
    this.adaptive = adaptive;
    this.max = max;
    this.nanoClock = nanoClock;
  }

  /** At most {@code calls} in progress. */
  public static ConcurrencyLimit fixed(int calls) {
    return new ConcurrencyLimit(false, calls, null);
  }

  /** A limit that adapts to latency, never above {@code maxCalls}. */
  public static ConcurrencyLimit adaptive(int maxCalls) {
    return new ConcurrencyLimit(true, maxCalls, null);
  }

  /** {@link #adaptive(int)} on a clock the test drives (nanoseconds). */
  static ConcurrencyLimit adaptive(int maxCalls, LongSupplier nanoClock) {
    return new ConcurrencyLimit(true, maxCalls, nanoClock);
  }

  /** Whether the limit adapts. */
  public boolean isAdaptive() {
    return adaptive;
  }

  /** The fixed limit, or the adaptive limit's ceiling. */
  public int max() {
    return max;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s(max %d)", adaptive ? "adaptive" : "fixed", max);
  }

  /** Fresh state: nothing in progress, the initial limit. */
  Admission newAdmission() {
    if (!adaptive) {
      return new Fixed(max);
    }
    Gradient2Limit limit =
        Gradient2Limit.newBuilder()
            .initialLimit(Math.min(ADAPTIVE_INITIAL, max))
            .minLimit(Math.min(ADAPTIVE_MIN, max))
            .maxConcurrency(max)
            .build();
    SimpleLimiter.Builder limiter = SimpleLimiter.newBuilder().named("socialcheck").limit(limit);
    if (nanoClock != null) {
      limiter.nanoClock(nanoClock);
    }
    return new Adaptive(limiter.build());
  }

  /** How a call ended, for the limit. */
  enum Outcome {
    /** Completed; its duration is a latency sample. */
    SAMPLE,
    /** Ended in a way that says nothing about load (refused early, cancelled by the client). */
    IGNORE,
    /** Ended too late: the caller's deadline passed, a sign of overload. */
    DROPPED
  }

  /** Live admission state of one server. Thread-safe. */
  interface Admission {
    /** A permit for one call, or {@code null}: shed it. */
    @Nullable Permit tryAcquire();

    /** The current limit. */
    int limit();
  }

  /** One admitted call; released exactly once. */
  interface Permit {
    void release(Outcome outcome);
  }

  private static final class Fixed implements Admission {
    private final int limit;
    private final AtomicInteger active = new AtomicInteger();
    private final Permit permit = outcome -> active().decrementAndGet();

    Fixed(int limit) {
      this.limit = limit;
    }

    private AtomicInteger active() {
      return active;
    }

    @Override
    public @Nullable Permit tryAcquire() {
      while (true) {
        int now = active.get();
        if (now >= limit) {
          return null;
        }
        if (active.compareAndSet(now, now + 1)) {
          return permit;
        }
      }
    }

    @Override
    public int limit() {
      return limit;
    }
  }

  private static final class Adaptive implements Admission {
    private final SimpleLimiter<Void> limiter;

    Adaptive(SimpleLimiter<Void> limiter) {
      this.limiter = limiter;
    }

    @Override
    public @Nullable Permit tryAcquire() {
      Optional<Limiter.Listener> listener = limiter.acquire(null);
      if (listener.isEmpty()) {
        return null;
      }
      Limiter.Listener acquired = listener.get();
      return outcome -> {
        switch (outcome) {
          case SAMPLE -> acquired.onSuccess();
          case IGNORE -> acquired.onIgnore();
          case DROPPED -> acquired.onDropped();
        }
      };
    }

    @Override
    public int limit() {
      return limiter.getLimit();
    }
  }
}
