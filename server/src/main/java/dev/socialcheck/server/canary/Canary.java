package dev.socialcheck.server.canary;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.FluentFuture;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-check of every platform, run in the background of a server ({@code serve
 * --canary-interval}): each platform with self-check addresses is asked about both of them once per
 * interval (the platforms spread over the interval; its two checks at once), bypassing the result
 * cache and the canary's own gate, but within the platform's rate limit and circuit breaker like
 * any check.
 *
 * <ul>
 *   <li>A passing canary (FOUND for the address with an account, NOT_FOUND for the other) sets the
 *       platform's state OK; a failing one (answers that no longer match, or no answer) counts a
 *       failure; one refused by our own limits changes nothing.
 *   <li>The first failure after a pass is logged once as a drift (WARN); the first pass after
 *       failures once as a recovery (INFO).
 *   <li>With {@code autoDisableAfter} N &gt; 0, N failures in a row take the platform out of
 *       service ({@link CanaryGate}) until a canary passes again.
 * </ul>
 *
 * <p>Nothing blocks: the checks are futures on the platforms' own clients, the timers run on the
 * given scheduler. Never logs an address. Thread-safe; {@link #close()} cancels the timers and the
 * canaries in flight.
 */
public final class Canary implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Canary.class);

  /**
   * How the canary runs.
   *
   * @param interval how often each platform is self-checked
   * @param autoDisableAfter failed canaries in a row that take a platform out of service; 0: never
   */
  public record Settings(Duration interval, int autoDisableAfter) {
    public Settings {
      checkArgument(!interval.isNegative() && !interval.isZero(), "interval must be positive");
      checkArgument(autoDisableAfter >= 0, "autoDisableAfter must not be negative");
    }
  }

  /** What the canary knows of one platform now. */
  public record State(
      String platform,
      @Nullable Boolean ok,
      @Nullable Instant lastSuccess,
      @Nullable Instant lastRun,
      int consecutiveFailures,
      String lastResult,
      boolean disabled) {}

  private final Settings settings;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Map<String, Watched> watched;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Set<ListenableFuture<?>> running =
      Collections.newSetFromMap(new IdentityHashMap<>());

  @GuardedBy("lock")
  private boolean closed;

  /** One watched platform: its gate and its state (guarded by the canary's lock). */
  private static final class Watched {
    final Platform platform;
    final CanaryGate gate;
    final SelfCheckAddresses addresses;
    @Nullable Boolean ok;
    @Nullable Instant lastSuccess;
    @Nullable Instant lastRun;
    int consecutiveFailures;
    String lastResult = "not run yet";
    @Nullable ScheduledFuture<?> timer;

    Watched(Platform platform, CanaryGate gate, SelfCheckAddresses addresses) {
      this.platform = platform;
      this.gate = gate;
      this.addresses = addresses;
    }
  }

  private Canary(
      Settings settings,
      ScheduledExecutorService scheduler,
      Clock clock,
      Map<String, Watched> watched) {
    this.settings = settings;
    this.scheduler = scheduler;
    this.clock = clock;
    this.watched = watched;
  }

  /**
   * A canary of {@code platforms} and the platforms to serve instead: the same, with the watched
   * ones (those with self-check addresses) behind a {@link CanaryGate}. Not started yet.
   */
  public static Canary of(
      List<Platform> platforms,
      Settings settings,
      ScheduledExecutorService scheduler,
      Clock clock) {
    Map<String, Watched> watched = new LinkedHashMap<>();
    for (Platform platform : platforms) {
      if (platform.selfCheck().isPresent()) {
        watched.put(
            platform.id(),
            new Watched(platform, new CanaryGate(platform.checker()), platform.selfCheck().get()));
      }
    }
    return new Canary(settings, scheduler, clock, Collections.unmodifiableMap(watched));
  }

  /** The platforms to serve: each watched one behind its gate, the others as they were. */
  public List<Platform> gated(List<Platform> platforms) {
    return platforms.stream()
        .map(p -> watched.containsKey(p.id()) ? p.withChecker(watched.get(p.id()).gate) : p)
        .toList();
  }

  /** The ids of the platforms the canary watches (those with self-check addresses). */
  public List<String> platforms() {
    return List.copyOf(watched.keySet());
  }

  /**
   * Schedules every watched platform, spread evenly over one interval; each platform's next canary
   * starts one interval after its last one ended (two canaries of a platform never overlap).
   */
  public void start() {
    List<Watched> all = List.copyOf(watched.values());
    long intervalNanos = settings.interval().toNanos();
    for (int i = 0; i < all.size(); i++) {
      schedule(all.get(i), intervalNanos * i / all.size());
    }
    log.info(
        "canary: self-checking {} every {}{}",
        watched.isEmpty()
            ? "no platform (none declares self-check addresses)"
            : String.join(", ", watched.keySet()),
        DurationText.format(settings.interval()),
        settings.autoDisableAfter() > 0
            ? "; "
                + settings.autoDisableAfter()
                + " failures in a row take a platform out of service"
            : "");
  }

  private void schedule(Watched w, long delayNanos) {
    synchronized (lock) {
      if (!closed) {
        w.timer = scheduler.schedule(() -> runScheduled(w), delayNanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  private void runScheduled(Watched w) {
    ListenableFuture<SelfCheckVerdict> verdict = run(w);
    verdict.addListener(() -> schedule(w, settings.interval().toNanos()), directExecutor());
  }

  @SuppressWarnings("CollectionUndefinedEquality") // running is an identity set
  private ListenableFuture<SelfCheckVerdict> run(Watched w) {
    ListenableFuture<CheckOutcome> exists = check(w, w.addresses.exists());
    ListenableFuture<CheckOutcome> missing = check(w, w.addresses.missing());
    ListenableFuture<SelfCheckVerdict> verdict =
        Futures.whenAllComplete(exists, missing)
            .call(
                () ->
                    new SelfCheckVerdict(
                        requireNonNull(Futures.getDone(exists)),
                        requireNonNull(Futures.getDone(missing))),
                directExecutor());
    synchronized (lock) {
      if (closed) {
        verdict.cancel(true);
        return verdict;
      }
      running.add(verdict);
    }
    verdict.addListener(
        () -> {
          synchronized (lock) {
            running.remove(verdict);
          }
          if (!verdict.isCancelled()) {
            record(w, requireNonNull(Futures.getUnchecked(verdict)));
          }
        },
        directExecutor());
    return verdict;
  }

  /** One fresh check through the gate's delegate, bounded by the platform's timeout. */
  private ListenableFuture<CheckOutcome> check(Watched w, EmailAddress email) {
    Duration timeout = w.platform.timeout();
    ListenableFuture<CheckOutcome> check;
    try {
      check = w.gate.delegate().check(email, new CheckContext(timeout, true));
    } catch (RuntimeException e) {
      check = Futures.immediateFailedFuture(e);
    }
    return FluentFuture.from(Futures.withTimeout(check, timeout, scheduler))
        .catching(
            Exception.class,
            e ->
                e instanceof TimeoutException
                    ? new CheckOutcome(
                        CheckStatus.TIMEOUT, "no answer within " + DurationText.format(timeout))
                    : CheckOutcome.error("the check failed: " + e.getClass().getSimpleName()),
            directExecutor());
  }

  private void record(Watched w, SelfCheckVerdict verdict) {
    String id = w.platform.id();
    Instant now = clock.instant();
    String logDrift = null;
    String logRecovery = null;
    String logDisabled = null;
    synchronized (lock) {
      w.lastRun = now;
      w.lastResult = verdict.describe();
      switch (verdict.state()) {
        case OK -> {
          if (Boolean.FALSE.equals(w.ok) || w.gate.disabled()) {
            logRecovery = w.gate.disabled() ? "back in service" : "answers as declared again";
          }
          w.ok = true;
          w.lastSuccess = now;
          w.consecutiveFailures = 0;
          w.gate.enable();
        }
        case CHANGED, NO_ANSWER -> {
          if (!Boolean.FALSE.equals(w.ok)) {
            logDrift = verdict.describe();
          }
          w.ok = false;
          w.consecutiveFailures++;
          if (settings.autoDisableAfter() > 0
              && w.consecutiveFailures >= settings.autoDisableAfter()
              && !w.gate.disabled()) {
            w.gate.disable(
                "taken out of service by the canary after "
                    + w.consecutiveFailures
                    + " failed self-checks in a row (last: "
                    + verdict.describe()
                    + ")");
            logDisabled = verdict.describe();
          }
        }
        case INCONCLUSIVE -> {
          // Our own limits refused the check: nothing learned about the platform.
        }
      }
    }
    if (logDrift != null) {
      log.warn(
          "canary drift: platform {} no longer answers as its catalog entry declares: {}",
          id,
          logDrift);
    }
    if (logDisabled != null) {
      log.warn(
          "canary: platform {} taken out of service after {} failed self-checks in a row; checks are"
              + " SKIPPED until a self-check passes again",
          id,
          settings.autoDisableAfter());
    }
    if (logRecovery != null) {
      log.info("canary: platform {} {}", id, logRecovery);
    }
  }

  /** One platform's state, if the canary watches it. */
  public Optional<State> state(String platformId) {
    synchronized (lock) {
      return Optional.ofNullable(watched.get(platformId)).map(Canary::state);
    }
  }

  /** The state of {@code w}; the caller holds the lock. */
  private static State state(Watched w) {
    return new State(
        w.platform.id(),
        w.ok,
        w.lastSuccess,
        w.lastRun,
        w.consecutiveFailures,
        w.lastResult,
        w.gate.disabled());
  }

  /** Cancels the timers and the canaries in flight. Idempotent. */
  @Override
  public void close() {
    List<ScheduledFuture<?>> stopTimers = new ArrayList<>();
    List<ListenableFuture<?>> stopRuns;
    synchronized (lock) {
      closed = true;
      for (Watched w : watched.values()) {
        if (w.timer != null) {
          stopTimers.add(w.timer);
          w.timer = null;
        }
      }
      stopRuns = List.copyOf(running);
      running.clear();
    }
    stopTimers.forEach(t -> t.cancel(false));
    stopRuns.forEach(r -> r.cancel(true));
  }
}
