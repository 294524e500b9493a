package dev.socialcheck.client;

import dev.socialcheck.server.testing.FakeScheduler;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Fake time for the client side of calls: the {@link Deadline.Ticker} of the SDK's deadlines
 * ({@link SocialCheckSettings.Builder#setDeadlineTicker}) and the timers of an in-process channel
 * ({@code InProcessChannelBuilder.scheduledExecutorService}) on one {@link FakeScheduler}. A call's
 * deadline timer is then scheduled on it, and fires only when the test {@link #advance}s past the
 * deadline, on the test's thread.
 *
 * <p>It reaches only the client. The server gets the remaining time as {@code grpc-timeout} and
 * counts it on the real clock: tests on fake time give calls long timeouts (an hour), so that the
 * server's copy of the deadline never fires during a test and the client's fake one decides.
 */
final class FakeTime {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final Deadline.Ticker ticker =
      new Deadline.Ticker() {
        @Override
        public long nanoTime() {
          return scheduler.ticker().read();
        }
      };

  /** The ticker for {@link SocialCheckSettings.Builder#setDeadlineTicker}. */
  Deadline.Ticker ticker() {
    return ticker;
  }

  /** The timers for a channel's {@code scheduledExecutorService}. */
  ScheduledExecutorService timers() {
    return scheduler;
  }

  /** Moves time forward, running on this thread every timer that falls due. */
  void advance(Duration duration) {
    scheduler.advance(duration);
  }
}
