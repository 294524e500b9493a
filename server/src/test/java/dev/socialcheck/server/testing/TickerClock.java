package dev.socialcheck.server.testing;

import com.google.common.base.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A wall clock that follows a (fake) ticker, starting at an arbitrary fixed instant. */
public final class TickerClock extends Clock {
  private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");
  private final Ticker ticker;
  private final long start;

  /** A clock reading {@code 2026-01-01T00:00:00Z} now, and moving with {@code ticker}. */
  public TickerClock(Ticker ticker) {
    this.ticker = ticker;
    this.start = ticker.read();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return ORIGIN.plusNanos(ticker.read() - start);
  }
}
