package dev.socialcheck.server.metrics;

/**
 * What {@link ServiceMetrics#bindCheckMany} exports about the server's {@code CheckMany} streams.
 * The gRPC layer counts (it sits above the metrics, which must not depend on it); implementations
 * are thread-safe and read without locking.
 */
public interface CheckManyCounts {
  /** Streams started and not yet ended. */
  long streamsOpen();

  /** Items whose answer was sent. */
  long itemsAnswered();

  /** Items whose error was sent. */
  long itemErrors();

  /** Items answered by the check of an identical item of the same stream. */
  long itemsCoalesced();

  /** Times an item was refused a rate-limit permit and waited to ask again. */
  long permitWaits();

  /** Items read and not yet answered or dropped, over every stream. */
  long itemsHeld();
}
