package dev.socialcheck.server.canary;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.ForwardingPlatformChecker;
import dev.socialcheck.server.engine.PlatformChecker;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Takes a platform out of service while its canary says its catalog entry no longer reads it right:
 * checks are then {@code SKIPPED} with the reason, without a call, and {@link #available()} is
 * false (ADAPTIVE plans it last, {@code ListPlatforms} shows why). The canary itself checks through
 * {@link #delegate()}, around the gate, so it notices when the platform is right again.
 *
 * <p>Thread-safe.
 */
public final class CanaryGate extends ForwardingPlatformChecker {
  private final AtomicReference<@Nullable String> disabledBecause = new AtomicReference<>();

  public CanaryGate(PlatformChecker delegate) {
    super(delegate);
  }

  /** Takes the platform out of service, with a reason for people. */
  void disable(String reason) {
    disabledBecause.set(reason);
  }

  /** Puts the platform back in service. */
  void enable() {
    disabledBecause.set(null);
  }

  /** Whether the canary took the platform out of service. */
  public boolean disabled() {
    return disabledBecause.get() != null;
  }

  @Override
  public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
    String reason = disabledBecause.get();
    if (reason != null) {
      return Futures.immediateFuture(new CheckOutcome(CheckStatus.SKIPPED, reason));
    }
    return super.check(email, context);
  }

  @Override
  public boolean available() {
    return disabledBecause.get() == null && super.available();
  }

  @Override
  public Optional<String> unavailableReason() {
    String reason = disabledBecause.get();
    return reason != null ? Optional.of(reason) : super.unavailableReason();
  }

  @Override
  public Optional<CheckStatus> cachedAnswer(EmailAddress email) {
    return disabled() ? Optional.empty() : super.cachedAnswer(email);
  }
}
