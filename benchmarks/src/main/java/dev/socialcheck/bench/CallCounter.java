package dev.socialcheck.bench;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.ForwardingPlatformChecker;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the calls that reach the (simulated) platforms: wraps each checker of a catalog, below the
 * result cache when there is one, so a cache hit is not counted and every call is. For each call it
 * also notes whether another call for the same platform and address was in flight (a duplicate
 * miss: the cache does not coalesce concurrent misses) or had been made before (a repeat: the
 * earlier call left no usable answer — cancelled, timed out — or the answer expired), and counts
 * the calls cancelled within {@link #AT_ONCE_NANOS} of their start: calls the engine made for a run
 * that had already answered (no platform of the mix answers that fast, so no race was lost).
 *
 * <p>Keeps per platform and address a small state in memory; prints only counts.
 */
final class CallCounter {
  /** A call cancelled this soon after it started was not cancelled by a faster platform. */
  static final long AT_ONCE_NANOS = 1_000_000;

  private final LongAdder calls = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder cancelledAtOnce = new LongAdder();
  private final LongAdder duplicatesInFlight = new LongAdder();
  private final LongAdder repeats = new LongAdder();
  private final Map<String, Key> keys = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> callsByPlatform = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> atOnceByPlatform = new ConcurrentHashMap<>();

  private static final class Key {
    @GuardedBy("this")
    int inFlight;

    @GuardedBy("this")
    int calls;
  }

  /** The same catalog with every checker counted. */
  Catalog wrap(Catalog catalog) {
    List<Platform> platforms = new ArrayList<>();
    for (Platform p : catalog.platforms()) {
      platforms.add(
          new Platform(
              p.id(),
              p.displayName(),
              p.prior(),
              p.timeout(),
              wrap(p.id(), p.checker()),
              p.selfCheck()));
    }
    return new Catalog(catalog.name(), platforms);
  }

  private PlatformChecker wrap(String platformId, PlatformChecker delegate) {
    return new ForwardingPlatformChecker(delegate) {
      @Override
      public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
        Key key = keys.computeIfAbsent(platformId + '\u0000' + email.value(), k -> new Key());
        calls.increment();
        callsByPlatform.computeIfAbsent(platformId, k -> new LongAdder()).increment();
        synchronized (key) {
          if (key.inFlight > 0) {
            duplicatesInFlight.increment();
          } else if (key.calls > 0) {
            repeats.increment();
          }
          key.inFlight++;
          key.calls++;
        }
        long start = System.nanoTime();
        ListenableFuture<CheckOutcome> future = super.check(email, context);
        future.addListener(
            () -> {
              if (future.isCancelled()) {
                cancelled.increment();
                if (System.nanoTime() - start < AT_ONCE_NANOS) {
                  cancelledAtOnce.increment();
                  atOnceByPlatform.computeIfAbsent(platformId, k -> new LongAdder()).increment();
                }
              }
              synchronized (key) {
                key.inFlight--;
              }
            },
            MoreExecutors.directExecutor());
        return future;
      }
    };
  }

  /** Counters as {@code name=value} pairs for the bench server's {@code stats} line. */
  String stats() {
    StringBuilder perPlatform = new StringBuilder();
    callsByPlatform.forEach(
        (id, n) -> perPlatform.append(" calls.").append(id).append('=').append(n.sum()));
    atOnceByPlatform.forEach(
        (id, n) -> perPlatform.append(" atOnce.").append(id).append('=').append(n.sum()));
    return perPlatform
        + " platformCalls="
        + calls.sum()
        + " platformCallsCancelled="
        + cancelled.sum()
        + " platformCallsCancelledAtOnce="
        + cancelledAtOnce.sum()
        + " duplicateCallsInFlight="
        + duplicatesInFlight.sum()
        + " repeatCalls="
        + repeats.sum()
        + " distinctKeys="
        + keys.size();
  }
}
