package dev.socialcheck.server.engine;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.AbstractFuture;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link CheckEngine}: the future of its report, and the state machine behind it.
 *
 * <p>Every event (a check completes, the hedge timer fires, the run is cancelled) updates the state
 * under {@link #lock} and collects what to do next in an {@link Effects}; the effects (calling
 * checkers, cancelling futures, notifying the listener, completing this future) run after the lock
 * is released, so no foreign code ever runs under it. The only calls made under the lock are
 * scheduling and cancelling the hedge timer, which run no callbacks.
 */
final class CheckRun extends AbstractFuture<CheckReport> {
  private static final Logger log = LoggerFactory.getLogger(CheckRun.class);

  /** A check whose future was cancelled by someone other than the engine. */
  private static final CheckOutcome CANCELLED_BY_CHECKER =
      CheckOutcome.error("checker cancelled its own check");

  private final CheckRequest request;
  private final Schedule schedule;
  private final CheckListener listener;
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final EngineStats stats;
  private final PlatformLearning learning;
  private final CheckObserver observer;
  private final RunObserver runObserver;
  private final long startNanos;
  private final @Nullable Long deadlineNanos;

  private final Object lock = new Object();

  @GuardedBy("lock")
  private final List<Slot> slots;

  @GuardedBy("lock")
  private int nextToStart;

  @GuardedBy("lock")
  private int running;

  @GuardedBy("lock")
  private @Nullable Future<?> hedgeTimer;

  /** Set once the report is fixed or the run is cancelled; nothing starts after that. */
  @GuardedBy("lock")
  private boolean decided;

  @GuardedBy("lock")
  private int notificationsInFlight;

  /** The platform whose FOUND completed first. */
  @GuardedBy("lock")
  private @Nullable String firstFound;

  /** The report, held back until the listener calls in flight have returned. */
  @GuardedBy("lock")
  private @Nullable CheckReport pendingReport;

  CheckRun(
      CheckRequest request,
      Schedule schedule,
      CheckListener listener,
      ScheduledExecutorService scheduler,
      Ticker ticker,
      EngineStats stats,
      PlatformLearning learning,
      CheckObserver observer,
      RunObserver runObserver) {
    this.request = request;
    this.schedule = schedule;
    this.listener = listener;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.stats = stats;
    this.learning = learning;
    this.observer = observer;
    this.runObserver = runObserver;
    this.startNanos = ticker.read();
    this.deadlineNanos = request.budget().map(b -> startNanos + b.toNanos()).orElse(null);
    List<Platform> order = schedule.order();
    Slot[] made = new Slot[order.size()];
    for (int i = 0; i < made.length; i++) {
      made[i] = new Slot(order.get(i));
    }
    this.slots = Arrays.asList(made);
  }

  /** Per-platform state. */
  private static final class Slot {
    final Platform platform;

    /** Claimed by the schedule: counts as running. */
    boolean started;

    /** Its checker was (about to be) called: a platform call was made. */
    boolean launched;

    StartReason reason = StartReason.FIRST;

    long startedAtNanos;
    Duration timeout = Duration.ZERO;
    @Nullable ListenableFuture<CheckOutcome> future;
    @Nullable PlatformResult result;

    Slot(Platform platform) {
      this.platform = platform;
    }
  }

  /**
   * What an event decided to do once the lock is released. Every event makes one (four or more per
   * run), most with nothing to cancel: the lists are made when first needed.
   */
  private static final class Effects {
    private @Nullable List<Slot> launches;
    private @Nullable List<Future<?>> cancellations;

    /** Observer calls, made after the lock is released (after {@link #settled}'s). */
    private @Nullable List<Runnable> observations;

    /**
     * The check this event settled (at most one per event): the observers hear of it, then the
     * listener. A field, not an observation, as every check of every run has one.
     */
    @Nullable PlatformResult settled;

    boolean settledFromCache;

    /** The answer this event decided, for the observers (after every other observation). */
    @Nullable CheckReport answered;

    @Nullable CheckReport report;

    private long nowNanos;
    private boolean timeRead;

    /** The time of this event: read once, however many checks it starts or settles. */
    long now(Ticker ticker) {
      if (!timeRead) {
        nowNanos = ticker.read();
        timeRead = true;
      }
      return nowNanos;
    }

    /** From {@code startNanos} to the time of this event. */
    Duration since(Ticker ticker, long startNanos) {
      return Duration.ofNanos(now(ticker) - startNanos);
    }

    void launch(Slot slot) {
      launches = added(launches, slot);
    }

    void cancel(Future<?> future) {
      cancellations = added(cancellations, future);
    }

    void observe(Runnable observation) {
      observations = added(observations, observation);
    }

    private static <T> List<T> added(@Nullable List<T> list, T item) {
      List<T> to = list == null ? new ArrayList<>(4) : list;
      to.add(item);
      return to;
    }

    List<Slot> launches() {
      return launches == null ? List.of() : launches;
    }

    List<Future<?>> cancellations() {
      return cancellations == null ? List.of() : cancellations;
    }

    List<Runnable> observations() {
      return observations == null ? List.of() : observations;
    }
  }

  void start() {
    stats.runStarted();
    Effects effects = new Effects();
    synchronized (lock) {
      claimNext(effects, 0, StartReason.FIRST);
    }
    apply(effects);
  }

  /**
   * Starts the next check, then whatever the schedule allows right away (see {@link
   * #startWhileFreeOrLikelyNeeded}), then arms the hedge of the last step started: the next
   * platform starts after the schedule's delay (at once for a zero delay, as in RACE) if the budget
   * allows.
   */
  @GuardedBy("lock")
  private void claimNext(Effects effects, double waste, StartReason reason) {
    claim(effects, waste, reason);
    startWhileFreeOrLikelyNeeded(effects);
    armHedge(effects);
  }

  /**
   * Marks the next slot as started and schedules its launch; {@code waste} is the chance that its
   * call is not needed (0 when nothing else runs).
   */
  @GuardedBy("lock")
  private void claim(Effects effects, double waste, StartReason reason) {
    schedule.started(waste);
    Slot slot = slots.get(nextToStart++);
    slot.started = true;
    slot.reason = reason;
    slot.startedAtNanos = effects.now(ticker);
    slot.timeout = timeoutFor(slot.platform, slot.startedAtNanos);
    running++;
    effects.launch(slot);
  }

  /**
   * Starts the next checks while that costs nothing or little: when no check is running (as
   * SEQUENTIAL would), or when the checks running are unlikely enough to answer FOUND that the next
   * one's call is at least as likely to be needed as not (an "early start", if the schedule allows
   * them and the budget pays for it).
   */
  @GuardedBy("lock")
  private void startWhileFreeOrLikelyNeeded(Effects effects) {
    while (nextToStart < slots.size()) {
      if (running == 0) {
        claim(effects, 0, StartReason.NEXT);
        continue;
      }
      double waste = wasteIfStartedNow();
      if (waste <= schedule.earlyStartWaste() && schedule.allowHedge(waste)) {
        claim(effects, waste, StartReason.EARLY);
        continue;
      }
      return;
    }
  }

  /** (Re)arms the hedge timer for the step started last. */
  @GuardedBy("lock")
  private void armHedge(Effects effects) {
    cancelHedgeTimer();
    if (nextToStart >= slots.size()) {
      return;
    }
    Optional<Duration> hedge = schedule.hedgeAfter().get(nextToStart - 1);
    if (hedge.isEmpty()) {
      return;
    }
    if (hedge.get().isZero()) {
      double waste = wasteIfStartedNow();
      if (schedule.allowHedge(waste)) {
        claimNext(effects, waste, StartReason.PARALLEL);
      }
    } else {
      hedgeTimer =
          scheduler.schedule(this::onHedgeTimer, hedge.get().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The chance that a check started now is not needed: that one of the checks running answers FOUND
   * (answers taken as independent, rates from the schedule).
   */
  @GuardedBy("lock")
  private double wasteIfStartedNow() {
    double noneFound = 1;
    for (int i = 0; i < nextToStart; i++) {
      Slot slot = slots.get(i);
      if (slot.started && slot.result == null) {
        noneFound *= 1 - schedule.foundRates().get(i);
      }
    }
    return 1 - noneFound;
  }

  @GuardedBy("lock")
  private void cancelHedgeTimer() {
    if (hedgeTimer != null) {
      hedgeTimer.cancel(false);
      hedgeTimer = null;
    }
  }

  private Duration timeoutFor(Platform platform, long nowNanos) {
    Duration timeout = platform.timeout();
    if (request.checkTimeout().isPresent() && request.checkTimeout().get().compareTo(timeout) < 0) {
      timeout = request.checkTimeout().get();
    }
    if (deadlineNanos != null) {
      Duration left = Duration.ofNanos(Math.max(0, deadlineNanos - nowNanos));
      if (left.compareTo(timeout) < 0) {
        timeout = left;
      }
    }
    return timeout;
  }

  private void onHedgeTimer() {
    Effects effects = new Effects();
    synchronized (lock) {
      hedgeTimer = null;
      if (decided || nextToStart >= slots.size()) {
        return;
      }
      double waste = wasteIfStartedNow();
      if (!schedule.allowHedge(waste)) {
        return;
      }
      claimNext(effects, waste, StartReason.HEDGE);
    }
    apply(effects);
  }

  /** Calls the checker and watches its future. Runs without the lock. */
  private void launch(Slot slot) {
    synchronized (lock) {
      // An earlier launch of the same event may already have decided the run (a checker that
      // answers at once, e.g. from a cache): then this check is never made.
      if (slot.result != null) {
        return;
      }
      slot.launched = true;
      stats.checkStarted();
    }
    observer.checkStarted(slot.platform.id());
    CheckTrace trace = runObserver.checkStarted(slot.platform.id(), slot.reason);
    ListenableFuture<CheckOutcome> outcome = invokeChecker(slot.platform, slot.timeout, trace);
    // An answer already there (a cache hit, a local refusal) needs no timeout timer.
    ListenableFuture<CheckOutcome> timed =
        outcome.isDone()
            ? outcome
            : Futures.withTimeout(outcome, slot.timeout.toNanos(), TimeUnit.NANOSECONDS, scheduler);
    boolean keep;
    synchronized (lock) {
      // The run may have been decided while the checker was being called.
      keep = slot.result == null;
      if (keep) {
        slot.future = timed;
      }
    }
    if (!keep) {
      timed.cancel(true);
      return;
    }
    if (timed.isDone()) {
      onCheckDone(slot, timed); // what a callback would do at once, without one
      return;
    }
    // A listener, not Futures.addCallback: the callback would read a cancelled check (every loser
    // of a race) through get(), which builds a CancellationException and its stack trace each
    // time; outcomeOf asks isCancelled() first.
    timed.addListener(() -> onCheckDone(slot, timed), directExecutor());
  }

  private ListenableFuture<CheckOutcome> invokeChecker(
      Platform platform, Duration timeout, CheckTrace trace) {
    try {
      ListenableFuture<CheckOutcome> future =
          platform.checker().check(request.email(), new CheckContext(timeout, trace));
      if (future == null) {
        return Futures.immediateFailedFuture(new NullPointerException("checker returned null"));
      }
      return future;
    } catch (RuntimeException e) {
      return Futures.immediateFailedFuture(e);
    }
  }

  private void onCheckDone(Slot slot, ListenableFuture<CheckOutcome> future) {
    CheckOutcome outcome = outcomeOf(future, slot.timeout);
    Effects effects = new Effects();
    synchronized (lock) {
      if (slot.result == null) {
        settleCompleted(slot, outcome, effects);
      } else if (!future.isCancelled()) {
        // The engine had already cancelled this check, but it completed anyway: the checker did
        // not stop in time, and its platform call was wasted.
        String id = slot.platform.id();
        effects.observe(() -> observer.checkWasted(id));
      }
    }
    apply(effects);
  }

  @GuardedBy("lock")
  private void settleCompleted(Slot slot, CheckOutcome outcome, Effects effects) {
    PlatformResult result =
        new PlatformResult(
            slot.platform.id(),
            outcome.status(),
            effects.since(ticker, slot.startedAtNanos),
            outcome.detail());
    slot.result = result;
    running--;
    stats.checkCompleted();
    effects.settled = result;
    effects.settledFromCache = outcome.cached();
    notificationsInFlight++;
    if (outcome.status() == CheckStatus.FOUND && firstFound == null) {
      firstFound = slot.platform.id();
    }
    if (outcome.status() == CheckStatus.FOUND && request.stopAtFirstFound()) {
      decide(effects, "found on " + slot.platform.id() + " first");
    } else if (allSettled()) {
      decide(effects, "");
    } else if (nextToStart < slots.size()) {
      int before = nextToStart;
      startWhileFreeOrLikelyNeeded(effects);
      if (nextToStart != before) {
        armHedge(effects);
      }
    }
  }

  @GuardedBy("lock")
  private boolean allSettled() {
    for (int i = 0; i < slots.size(); i++) {
      if (slots.get(i).result == null) {
        return false;
      }
    }
    return true;
  }

  private static CheckOutcome outcomeOf(ListenableFuture<CheckOutcome> future, Duration timeout) {
    if (future.isCancelled()) {
      return CANCELLED_BY_CHECKER;
    }
    try {
      CheckOutcome outcome = Futures.getDone(future);
      return outcome != null ? outcome : CheckOutcome.error("checker returned no outcome");
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException) {
        return new CheckOutcome(
            CheckStatus.TIMEOUT, "no answer within " + DurationText.format(timeout));
      }
      // The exception's message may carry personal data: report its type only.
      String type = cause == null ? "unknown" : cause.getClass().getSimpleName();
      return CheckOutcome.error("checker failed: " + type);
    } catch (CancellationException e) {
      return CANCELLED_BY_CHECKER; // cancelled after isCancelled() was asked
    }
  }

  /**
   * Fixes the outcome: cancels running checks, skips the rest, and builds the report (handed out
   * once the listener calls in flight have returned).
   */
  @GuardedBy("lock")
  private void decide(Effects effects, String reason) {
    decided = true;
    settleUnfinished(effects, reason);
    // A loop, not a stream: the lambda would read the slots outside what @GuardedBy can see.
    PlatformResult[] collected = new PlatformResult[slots.size()];
    List<Platform> order = schedule.order();
    List<Platform> reportOrder = schedule.reportOrder();
    for (int i = 0; i < collected.length; i++) {
      int slot = reportOrder == order ? i : order.indexOf(reportOrder.get(i));
      collected[i] = requireNonNull(slots.get(slot).result, "settled");
    }
    List<PlatformResult> results = List.of(collected);
    CheckReport answer =
        new CheckReport(
            Verdict.of(results),
            Optional.ofNullable(firstFound),
            results,
            effects.since(ticker, startNanos));
    effects.answered = answer;
    if (notificationsInFlight == 0) {
      effects.report = answer;
    } else {
      pendingReport = answer;
    }
  }

  @GuardedBy("lock")
  private void settleUnfinished(Effects effects, String reason) {
    cancelHedgeTimer();
    for (int i = 0; i < slots.size(); i++) {
      Slot slot = slots.get(i);
      if (slot.result != null) {
        continue;
      }
      if (slot.started && !slot.launched) {
        // Claimed in the same event that decided the run, but its checker was never called.
        slot.result =
            new PlatformResult(
                slot.platform.id(), CheckStatus.SKIPPED, Duration.ZERO, "not started: " + reason);
        running--;
      } else if (slot.started) {
        slot.result =
            new PlatformResult(
                slot.platform.id(),
                CheckStatus.CANCELLED,
                effects.since(ticker, slot.startedAtNanos),
                "cancelled: " + reason);
        running--;
        stats.checkCancelled();
        PlatformResult cancelled = slot.result;
        effects.observe(
            () -> {
              observer.checkEnded(
                  cancelled.platformId(), CheckStatus.CANCELLED, cancelled.latency());
              runObserver.checkCancelled(cancelled.platformId(), reason, cancelled.latency());
            });
        if (slot.future != null) {
          effects.cancel(slot.future);
        }
      } else {
        slot.result =
            new PlatformResult(
                slot.platform.id(), CheckStatus.SKIPPED, Duration.ZERO, "not started: " + reason);
      }
    }
    stats.runEnded();
  }

  private void apply(Effects effects) {
    // Order matters: the observers hear of the settled check before the checks this event
    // cancelled and before its answer; the listener hears about this result before anything this
    // event starts can complete, and the report is published last. Indexed loops: no iterator
    // per list per event.
    observe(effects);
    if (effects.settled != null) {
      notifyListener(effects.settled, effects);
    }
    cancelAll(effects);
    List<Slot> launches = effects.launches();
    for (int i = 0; i < launches.size(); i++) {
      launch(launches.get(i));
    }
    if (effects.report != null) {
      set(effects.report);
    }
  }

  /** The observer calls of an event, in order: the settled check, the others, the answer. */
  private void observe(Effects effects) {
    PlatformResult settled = effects.settled;
    if (settled != null) {
      if (effects.settledFromCache) {
        // A cached answer teaches the learning nothing: no platform call was made.
        observer.checkAnsweredFromCache(settled.platformId(), settled.status());
      } else {
        learning.record(
            settled.platformId(), settled.status(), settled.latency(), effects.now(ticker));
        observer.checkEnded(settled.platformId(), settled.status(), settled.latency());
      }
      runObserver.checkEnded(
          settled.platformId(), settled.status(), settled.latency(), effects.settledFromCache);
    }
    List<Runnable> observations = effects.observations();
    for (int i = 0; i < observations.size(); i++) {
      observations.get(i).run();
    }
    CheckReport answer = effects.answered;
    if (answer != null) {
      observer.runAnswered(request, answer.verdict(), answer.elapsed());
      runObserver.answerDecided(answer.verdict(), answer.foundOn(), answer.elapsed());
    }
  }

  private void notifyListener(PlatformResult result, Effects effects) {
    try {
      listener.onResult(result);
    } catch (RuntimeException e) {
      log.warn(
          "check listener failed on a {} result of {}", result.status(), result.platformId(), e);
    } finally {
      synchronized (lock) {
        notificationsInFlight--;
        if (notificationsInFlight == 0 && pendingReport != null) {
          effects.report = pendingReport;
          pendingReport = null;
        }
      }
    }
  }

  @Override
  protected void afterDone() {
    if (!isCancelled()) {
      return;
    }
    Effects effects = new Effects();
    synchronized (lock) {
      if (decided) {
        return;
      }
      decided = true;
      settleUnfinished(effects, "the call was cancelled");
    }
    observe(effects);
    runObserver.runCancelled();
    cancelAll(effects);
  }

  /** Cancels the checks an event cancelled (their futures), with interrupt. */
  private static void cancelAll(Effects effects) {
    List<Future<?>> cancellations = effects.cancellations();
    for (int i = 0; i < cancellations.size(); i++) {
      cancellations.get(i).cancel(true);
    }
  }
}
