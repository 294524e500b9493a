package dev.socialcheck.server.reliability;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * A simulated platform whose answer is a timer (no thread held while a check is in flight, like the
 * demo catalog), driven by plus-address tags so that every call of a scenario is scripted by its
 * address alone:
 *
 * <ul>
 *   <li>latency: a fixed one, or pseudo-random in {@code [0, maxLatency)} from a hash of the
 *       address and the platform id (the same address always gets the same latencies);
 *   <li>{@code +nobody}: NOT_FOUND instead of the platform's answer;
 *   <li>{@code +hang-ID}: the platform {@code ID} never answers (only a cancel or the timeout ends
 *       the check).
 * </ul>
 *
 * <p>It counts checks whose future is not done yet ({@link #outstanding()}): after a scenario that
 * is zero, or some check was neither completed nor cancelled.
 */
final class ScriptedChecker implements PlatformChecker {
  private final String id;
  private final CheckStatus answer;
  private final ScheduledExecutorService timers;
  private final Duration maxLatency;
  private final boolean randomLatency;
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private volatile BiConsumer<String, Boolean> onFound = (email, delivered) -> {};

  private ScriptedChecker(
      String id,
      CheckStatus answer,
      ScheduledExecutorService timers,
      Duration maxLatency,
      boolean randomLatency) {
    this.id = id;
    this.answer = answer;
    this.timers = timers;
    this.maxLatency = maxLatency;
    this.randomLatency = randomLatency;
  }

  /** Answers after a latency drawn (per address) from {@code [0, maxLatency)}. */
  static ScriptedChecker randomLatency(
      String id, CheckStatus answer, ScheduledExecutorService timers, Duration maxLatency) {
    return new ScriptedChecker(id, answer, timers, maxLatency, true);
  }

  /** Answers after exactly {@code latency}. */
  static ScriptedChecker fixedLatency(
      String id, CheckStatus answer, ScheduledExecutorService timers, Duration latency) {
    return new ScriptedChecker(id, answer, timers, latency, false);
  }

  /**
   * Runs {@code hook} with the address just before a FOUND answer is delivered ({@code false}) and
   * just after ({@code true}), on the thread that delivers it: a scenario uses it to cancel the
   * call at the very moment the server is about to answer, or is answering.
   */
  void onFound(BiConsumer<String, Boolean> hook) {
    this.onFound = hook;
  }

  /** Checks started and not yet completed or cancelled. */
  long outstanding() {
    return outstanding.get();
  }

  /** Checks started. */
  long started() {
    return started.get();
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    started.incrementAndGet();
    outstanding.incrementAndGet();
    SettableFuture<CheckOutcome> result = SettableFuture.create();
    result.addListener(outstanding::decrementAndGet, directExecutor());
    Set<String> tags = tagsOf(email);
    if (tags.contains("hang-" + id)) {
      return result;
    }
    CheckStatus status = tags.contains("nobody") ? CheckStatus.NOT_FOUND : answer;
    CheckOutcome outcome = new CheckOutcome(status, "scripted " + status);
    String address = email.value();
    ScheduledFuture<?> timer =
        timers.schedule(
            () -> {
              if (status == CheckStatus.FOUND) {
                onFound.accept(address, false);
              }
              result.set(outcome);
              if (status == CheckStatus.FOUND) {
                onFound.accept(address, true);
              }
            },
            latencyMicros(address),
            TimeUnit.MICROSECONDS);
    result.addListener(
        () -> {
          if (result.isCancelled()) {
            timer.cancel(false);
          }
        },
        directExecutor());
    return result;
  }

  private long latencyMicros(String address) {
    long max = Math.max(1, maxLatency.toNanos() / 1000);
    if (!randomLatency) {
      return max;
    }
    return Math.floorMod((address + "/" + id).hashCode() * 2654435761L, max);
  }

  private static Set<String> tagsOf(EmailAddress email) {
    return Arrays.stream(email.localPart().split("\\+")).skip(1).collect(Collectors.toSet());
  }
}
