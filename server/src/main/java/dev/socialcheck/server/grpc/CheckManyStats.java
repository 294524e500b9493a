package dev.socialcheck.server.grpc;

import dev.socialcheck.server.metrics.CheckManyCounts;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of the server's {@code CheckMany} streams. Thread-safe; values are read without
 * locking.
 *
 * <p>An item is <em>held</em> from the moment the server reads it until its response has been
 * handed to the transport: while it waits for a rate-limit permit, while it is checked, and while
 * its response waits for a slow reader. A stream holds at most its concurrency limit of items, so
 * {@link #peakItemsHeldByOneStream()} never exceeds it.
 */
public final class CheckManyStats implements CheckManyCounts {
  private final AtomicLong streamsOpen = new AtomicLong();
  private final LongAdder itemsReceived = new LongAdder();
  private final LongAdder itemsAnswered = new LongAdder();
  private final LongAdder itemErrors = new LongAdder();
  private final LongAdder itemsCoalesced = new LongAdder();
  private final LongAdder permitWaits = new LongAdder();
  private final AtomicLong itemsHeld = new AtomicLong();
  private final AtomicLong peakHeldByOneStream = new AtomicLong();

  CheckManyStats() {}

  void streamOpened() {
    streamsOpen.incrementAndGet();
  }

  void streamClosed() {
    streamsOpen.decrementAndGet();
  }

  /** An item was read; {@code heldByStream} is its stream's count of held items, this one in. */
  void itemReceived(int heldByStream) {
    itemsReceived.increment();
    itemsHeld.incrementAndGet();
    peakHeldByOneStream.accumulateAndGet(heldByStream, Math::max);
  }

  /** Held items that will not be sent: the stream was cancelled. */
  void itemsDropped(int count) {
    itemsHeld.addAndGet(-count);
  }

  void itemAnswered() {
    itemsAnswered.increment();
    itemsHeld.decrementAndGet();
  }

  void itemFailed() {
    itemErrors.increment();
    itemsHeld.decrementAndGet();
  }

  void itemCoalesced() {
    itemsCoalesced.increment();
  }

  void permitWaited() {
    permitWaits.increment();
  }

  /** Streams started and not yet ended. */
  @Override
  public long streamsOpen() {
    return streamsOpen.get();
  }

  /** Items read from every stream so far. */
  public long itemsReceived() {
    return itemsReceived.sum();
  }

  /** Items whose answer (a {@code HasSocialAccountResponse}) was sent. */
  @Override
  public long itemsAnswered() {
    return itemsAnswered.sum();
  }

  /** Items whose error (a {@code google.rpc.Status}) was sent. */
  @Override
  public long itemErrors() {
    return itemErrors.sum();
  }

  /**
   * Items answered by the check of an identical item of the same stream (no check of their own).
   */
  @Override
  public long itemsCoalesced() {
    return itemsCoalesced.sum();
  }

  /** Times an item was refused a rate-limit permit and waited to ask again. */
  @Override
  public long permitWaits() {
    return permitWaits.sum();
  }

  /** Items read and not yet answered or dropped, over every stream. Zero when idle. */
  @Override
  public long itemsHeld() {
    return itemsHeld.get();
  }

  /** The most items one stream held at once since the server started. */
  public long peakItemsHeldByOneStream() {
    return peakHeldByOneStream.get();
  }
}
