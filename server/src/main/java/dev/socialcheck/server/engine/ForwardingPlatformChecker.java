package dev.socialcheck.server.engine;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.ListenableFuture;
import java.util.Optional;

/**
 * A {@link PlatformChecker} that forwards every method to another one: the base class of every
 * checker decorator (cache, resilience, shared budget, canary gate), in the manner of grpc-java's
 * {@code ForwardingServerCall}. A decorator overrides what it changes and inherits the rest, so a
 * method added to {@link PlatformChecker} is forwarded by every decorator from the day it is added
 * — it can never be dropped by one that implements the interface directly and forgets it (the
 * interface's defaults would answer for the whole stack instead of the checker inside).
 *
 * <p>When this class gains a method, {@code ForwardingPlatformCheckerTest} fails until it forwards
 * every method of the interface.
 *
 * <p>Thread-safe if the delegate is.
 */
public abstract class ForwardingPlatformChecker implements PlatformChecker {
  private final PlatformChecker delegate;

  /**
   * @param delegate the checker every method forwards to
   */
  protected ForwardingPlatformChecker(PlatformChecker delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /** The checker this one forwards to. */
  public PlatformChecker delegate() {
    return delegate;
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    return delegate.check(email, context);
  }

  @Override
  public boolean available() {
    return delegate.available();
  }

  @Override
  public Optional<String> unavailableReason() {
    return delegate.unavailableReason();
  }

  @Override
  public Optional<CheckStatus> cachedAnswer(EmailAddress email) {
    return delegate.cachedAnswer(email);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
