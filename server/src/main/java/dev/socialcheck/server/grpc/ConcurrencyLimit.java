package dev.socialcheck.server.grpc;

import static com.google.common.base.Preconditions.checkArgument;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * How many socialcheck calls may be in progress at once; beyond, calls are shed ({@link
 * InFlightCalls}).
 *
 * <ul>
 *   <li>{@link #fixed}: a constant limit ({@code --max-in-flight}).
 *   <li>{@link #adaptive}: Netflix concurrency-limits' {@code VegasLimit} (TCP Vegas): it estimates
 *       how many admitted calls are queued, {@code limit × (1 − noLoadLatency / latency)}, and
 *       lowers the limit while that queue is long (calls wait somewhere: at a saturated platform,
 *       in our executor, on the CPU), raising it while the queue is short and the limit is in use.
 *       It changes nothing while under half the limit is in use. At most {@code max}.
 * </ul>
 *
 * <p>Why Vegas rather than Gradient2: both were simulated on a fake clock against the two cases
 * that matter here (see {@code ConcurrencyLimitTest}). When a platform's capacity halves under
 * steady arrivals, Gradient2, which compares the short-term latency with a long-term average of a
 * few hundred samples, follows the growing queue into its own baseline and climbs back to {@code
 * max}: the queue and the latency stay long. Vegas holds the queue near its small target. And with
 * the mixed latencies socialcheck has by design (cached answers in microseconds, platforms in
 * milliseconds to seconds) but no overload, Gradient2 read the spread as congestion and shed more
 * than half of the healthy calls, while Vegas shed none.
 *
 * <p>Immutable; {@link #newAdmission()} makes the live state of one server.
 */
public final class ConcurrencyLimit {
  /** The adaptive limit starts here (or at {@code max}, if lower). */
  static final int ADAPTIVE_INITIAL = 100;

  private final boolean adaptive;
  private final int max;
  private final @Nullable LongSupplier nanoClock;
  private final @Nullable Supplier<Admission> custom;

  private ConcurrencyLimit(
      boolean adaptive,
      int max,
      @Nullable LongSupplier nanoClock,
      @Nullable Supplier<Admission> custom) {
    checkArgument(max > 0, "the concurrency limit must be positive: %s", max);
    this.adaptive = adaptive;
    this.max = max;
    this.nanoClock = nanoClock;
    this.custom = custom;
  }

  /** At most {@code calls} in progress. */
  public static ConcurrencyLimit fixed(int calls) {
    return new ConcurrencyLimit(false, calls, null, null);
  }

  /** A limit that adapts to latency, never above {@code maxCalls}. */
  public static ConcurrencyLimit adaptive(int maxCalls) {
    return new ConcurrencyLimit(true, maxCalls, null, null);
  }

  /** {@link #adaptive(int)} on a clock the test drives (nanoseconds). */
  static ConcurrencyLimit adaptive(int maxCalls, LongSupplier nanoClock) {
    return new ConcurrencyLimit(true, maxCalls, nanoClock, null);
  }

  /** A limit whose admission the test controls. */
  static ConcurrencyLimit custom(Supplier<Admission> admission) {
    return new ConcurrencyLimit(true, Integer.MAX_VALUE, null, admission);
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
    if (custom != null) {
      return custom.get();
    }
    if (!adaptive) {
      return new Fixed(max);
    }
    VegasLimit limit =
        VegasLimit.newBuilder()
            .initialLimit(Math.min(ADAPTIVE_INITIAL, max))
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

    /** Whether outcomes matter: {@code false} lets the caller skip watching how calls end. */
    default boolean learns() {
      return true;
    }
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

    @Override
    public boolean learns() {
      return false;
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
