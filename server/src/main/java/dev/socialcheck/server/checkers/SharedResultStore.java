package dev.socialcheck.server.checkers;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A second level of the {@link ResultCache}, shared by every replica (Redis). Keys are the result
 * cache's keys ({@code platformId:<HMAC-SHA256 of the address>}, see {@link CacheKeys}), never an
 * address nor its plain hash.
 *
 * <p>Contract: both methods return at once and never throw. {@link #get} never fails and completes
 * within the store's own bound: a miss, an error, a timeout or a store that is down all read as
 * {@code Optional.empty()}, so a check never waits on the store longer than that bound and never
 * fails because of it. Thread-safe.
 */
public interface SharedResultStore {

  /** Looks a result up; empty on a miss or whenever the store cannot answer in time. */
  ListenableFuture<Optional<SharedResult>> get(String key);

  /** Stores a result for {@code ttl}, best effort (failures are counted, not reported). */
  void put(String key, SharedResult result, Duration ttl);

  /**
   * A definite answer as shared between replicas.
   *
   * @param status {@link CheckStatus#FOUND} or {@link CheckStatus#NOT_FOUND}
   * @param storedAt when the answer was obtained (wall clock: replicas share no ticker)
   * @param detail the checker's detail, which never holds personal data
   */
  record SharedResult(CheckStatus status, Instant storedAt, String detail) {}
}
