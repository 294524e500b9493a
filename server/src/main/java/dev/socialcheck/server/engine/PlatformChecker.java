package dev.socialcheck.server.engine;

import com.google.common.util.concurrent.ListenableFuture;

/**
 * Checks whether an e-mail address has an account on one platform.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li><b>Asynchronous.</b> {@link #check} returns at once; the work runs without holding a thread
 *       while it waits (non-blocking I/O, timers). The engine calls it from arbitrary threads,
 *       concurrently for different checks, so implementations are thread-safe.
 *   <li><b>Cancellable.</b> The engine cancels the returned future ({@code cancel(true)}) when the
 *       answer is already known, the check times out, or the caller went away. Cancelling must stop
 *       the underlying work (abort the HTTP request, cancel the timer).
 *   <li><b>Failures are outcomes.</b> Expected failures are reported as a {@link CheckOutcome} with
 *       a precise status. A thrown exception or a failed future becomes {@link CheckStatus#ERROR}
 *       with only the exception's type in the detail, because exception messages may carry personal
 *       data.
 *   <li><b>Privacy.</b> Never log the address or put it into {@link CheckOutcome#detail()}.
 * </ul>
 *
 * <p>A checker that wraps another (a cache, a limit) extends {@link ForwardingPlatformChecker}, so
 * that every method, those added later included, reaches the checker inside. Checker types from
 * other jars are added through {@code dev.socialcheck.server.spi.CheckerProvider}.
 */
@FunctionalInterface
public interface PlatformChecker {

  /**
   * Starts checking {@code email}.
   *
   * @return a future of the outcome; never {@code null}
   */
  ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context);

  /**
   * Whether a check started now would reach the platform: {@code false} when it would be refused
   * without a call, e.g. while the platform's circuit is open. {@link Strategy#ADAPTIVE} plans such
   * platforms last. Decorators pass it through. Default: {@code true}.
   */
  default boolean available() {
    return true;
  }

  /**
   * Why a check started now would be refused without a call ({@code "circuit open ..."}, {@code
   * "taken out of service by the canary ..."}), or empty while {@link #available()}. Decorators
   * pass it through. Default: a generic reason when not available.
   */
  default java.util.Optional<String> unavailableReason() {
    return available() ? java.util.Optional.empty() : java.util.Optional.of("unavailable");
  }

  /**
   * The status ({@code FOUND} or {@code NOT_FOUND}) that {@link #check} would answer at once from a
   * local cache, without a platform call, if it holds an answer for {@code email} now. The engine
   * starts such platforms first: a cached FOUND then answers the run before any call is made, and a
   * cached NOT_FOUND costs no wait. A hint: {@link #check} stays the authority. Must be cheap and
   * never block. Default: empty.
   */
  default java.util.Optional<CheckStatus> cachedAnswer(EmailAddress email) {
    return java.util.Optional.empty();
  }
}
