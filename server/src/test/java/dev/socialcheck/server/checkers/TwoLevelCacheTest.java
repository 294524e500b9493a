package dev.socialcheck.server.checkers;

import static dev.socialcheck.server.testing.TestPlatforms.EMAIL;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import dev.socialcheck.server.checkers.SharedResultStore.SharedResult;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.server.testing.TickerClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The result cache with a shared level (a hand-driven fake store here; the Redis one is tested
 * against a real Redis in {@code SharedRedisTest} and {@code ScaleOutTest}).
 */
class TwoLevelCacheTest {
  private static final CheckContext CONTEXT = new CheckContext(Duration.ofSeconds(5));
  private static final CacheKeys KEYS =
      CacheKeys.withSecret("two-level-test-secret".getBytes(StandardCharsets.UTF_8));
  private static final String KEY = KEYS.key("p", EMAIL);

  private final FakeScheduler clock = new FakeScheduler();
  private final FakeChecker delegate = new FakeChecker();
  private final FakeStore store = new FakeStore();
  private final ResultCache cache =
      new ResultCache(
          Duration.ofHours(1),
          Duration.ofMinutes(10),
          100,
          clock.ticker(),
          KEYS,
          store,
          new TickerClock(clock.ticker()));
  private final CachingChecker checker = new CachingChecker("p", delegate, cache);

  /** A store over the network that always answers at once: what was written, nothing else. */
  private static final class MapStore implements SharedResultStore {
    final Map<String, SharedResult> entries = new HashMap<>();

    @Override
    public synchronized ListenableFuture<Optional<SharedResult>> get(String key) {
      return Futures.immediateFuture(Optional.ofNullable(entries.get(key)));
    }

    @Override
    public synchronized void put(String key, SharedResult result, Duration ttl) {
      entries.put(key, result);
    }
  }

  /**
   * A replica's cache: its own local level and keys under {@code secret}, in front of {@code
   * store}.
   */
  private ResultCache replicaCache(String secret, SharedResultStore store) {
    return new ResultCache(
        Duration.ofHours(1),
        Duration.ofMinutes(10),
        100,
        clock.ticker(),
        CacheKeys.withSecret(secret.getBytes(StandardCharsets.UTF_8)),
        store,
        new TickerClock(clock.ticker()));
  }

  /** Lookups wait until the test answers them, as a store over the network would. */
  private static final class FakeStore implements SharedResultStore {
    final List<SettableFuture<Optional<SharedResult>>> lookups = new ArrayList<>();
    final Map<String, SharedResult> written = new HashMap<>();
    final Map<String, Duration> ttls = new HashMap<>();

    @Override
    public synchronized ListenableFuture<Optional<SharedResult>> get(String key) {
      SettableFuture<Optional<SharedResult>> lookup = SettableFuture.create();
      lookups.add(lookup);
      return lookup;
    }

    @Override
    public synchronized void put(String key, SharedResult result, Duration ttl) {
      written.put(key, result);
      ttls.put(key, ttl);
    }

    synchronized SettableFuture<Optional<SharedResult>> last() {
      return lookups.get(lookups.size() - 1);
    }
  }

  private Instant now() {
    return new TickerClock(clock.ticker()).instant();
  }

  @Test
  void localMiss_sharedHit_answersWithoutACall_andFillsTheLocalLevel() throws Exception {
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    assertThat(first).as("waits for the shared level").isNotDone();
    store.last().set(Optional.of(new SharedResult(CheckStatus.FOUND, now(), "profile exists")));

    assertThat(Futures.getDone(first))
        .isEqualTo(new CheckOutcome(CheckStatus.FOUND, "cached 0ms ago: profile exists", true));
    clock.advance(Duration.ofMinutes(2));
    ListenableFuture<CheckOutcome> second = checker.check(EMAIL, CONTEXT);
    assertThat(second).as("the local level answers now").isDone();
    assertThat(Futures.getDone(second).detail()).isEqualTo("cached 2m0s ago: profile exists");
    assertThat(store.lookups).hasSize(1);
    assertThat(delegate.callCount()).isZero();
  }

  @Test
  void sharedEntry_keepsItsAge_andExpiresLocallyWhenItsTtlEnds() throws Exception {
    Instant storedAt = now();
    clock.advance(Duration.ofMinutes(8));
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    store.last().set(Optional.of(new SharedResult(CheckStatus.NOT_FOUND, storedAt, "no")));
    assertThat(Futures.getDone(first).detail()).isEqualTo("cached 8m0s ago: no");

    clock.advance(Duration.ofMinutes(2));
    checker.check(EMAIL, CONTEXT);

    assertThat(store.lookups).as("the 10 min NOT_FOUND TTL ended: asked again").hasSize(2);
  }

  @Test
  void sharedEntryOlderThanThisReplicasTtl_isAMiss() {
    Instant storedAt = now();
    clock.advance(Duration.ofMinutes(11));
    checker.check(EMAIL, CONTEXT);
    store.last().set(Optional.of(new SharedResult(CheckStatus.NOT_FOUND, storedAt, "no")));

    assertThat(delegate.callCount()).isEqualTo(1);
    delegate.lastCall().complete(CheckOutcome.notFound("no"));
  }

  @Test
  void sharedMiss_callsThePlatform_andWritesBothLevels() throws Exception {
    ListenableFuture<CheckOutcome> result = checker.check(EMAIL, CONTEXT);
    store.last().set(Optional.empty());
    delegate.lastCall().complete(CheckOutcome.found("profile exists"));

    assertThat(Futures.getDone(result).detail()).isEqualTo("profile exists");
    assertThat(store.written)
        .containsEntry(KEY, new SharedResult(CheckStatus.FOUND, now(), "profile exists"));
    assertThat(store.ttls).containsEntry(KEY, Duration.ofHours(1));
    assertThat(checker.check(EMAIL, CONTEXT)).as("local hit").isDone();
  }

  @Test
  void sharedLevelFailing_readsAsAMiss_andThePlatformAnswers() throws Exception {
    ListenableFuture<CheckOutcome> result = checker.check(EMAIL, CONTEXT);
    store.last().setException(new IllegalStateException("store broke its contract"));
    delegate.lastCall().complete(CheckOutcome.notFound("no"));

    assertThat(Futures.getDone(result).status()).isEqualTo(CheckStatus.NOT_FOUND);
  }

  @Test
  void cancelledWhileAskingTheSharedLevel_cancelsTheLookup_andNeverCallsThePlatform() {
    ListenableFuture<CheckOutcome> result = checker.check(EMAIL, CONTEXT);

    result.cancel(true);

    assertThat(store.last()).isCancelled();
    assertThat(delegate.callCount()).isZero();
  }

  @Test
  void errorsAreNotShared() {
    checker.check(EMAIL, CONTEXT);
    store.last().set(Optional.empty());
    delegate.lastCall().complete(CheckOutcome.error("HTTP 500"));

    assertThat(store.written).isEmpty();
  }

  @Test
  void replicasSharingTheSecret_shareEntries_aReplicaWithAnotherSecretDoesNot() throws Exception {
    MapStore redis = new MapStore();
    FakeChecker platformA = new FakeChecker();
    FakeChecker platformB = new FakeChecker();
    FakeChecker platformC = new FakeChecker();
    CachingChecker a =
        new CachingChecker("p", platformA, replicaCache("the-shared-secret-0123", redis));
    CachingChecker b =
        new CachingChecker("p", platformB, replicaCache("the-shared-secret-0123", redis));
    CachingChecker c =
        new CachingChecker("p", platformC, replicaCache("another-secret-456789", redis));

    a.check(EMAIL, CONTEXT);
    platformA.lastCall().complete(CheckOutcome.found("profile exists"));
    ListenableFuture<CheckOutcome> onB = b.check(EMAIL, CONTEXT);
    c.check(EMAIL, CONTEXT);

    assertThat(redis.entries).as("one entry, under the HMAC of the shared secret").hasSize(1);
    String key = redis.entries.keySet().iterator().next();
    assertThat(key).matches("p:[0-9a-f]{64}").isNotEqualTo("p:" + EMAIL.sha256Hex());
    assertThat(Futures.getDone(onB))
        .as("B finds A's entry: same secret, same key")
        .isEqualTo(new CheckOutcome(CheckStatus.FOUND, "cached 0ms ago: profile exists", true));
    assertThat(platformB.callCount()).isZero();
    assertThat(platformC.callCount()).as("C's key differs: a miss, its own call").isEqualTo(1);
    platformC.lastCall().complete(CheckOutcome.found("profile exists"));
    assertThat(redis.entries).as("C's answer under its own key").hasSize(2);
  }

  @Test
  void concurrentMisses_shareOneLookup_andOneCall() throws Exception {
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    ListenableFuture<CheckOutcome> second = checker.check(EMAIL, CONTEXT);
    store.last().set(Optional.empty());
    delegate.lastCall().complete(CheckOutcome.notFound("no"));

    assertThat(store.lookups).hasSize(1);
    assertThat(delegate.callCount()).isEqualTo(1);
    assertThat(Futures.getDone(first)).isEqualTo(CheckOutcome.notFound("no"));
    assertThat(Futures.getDone(second)).isEqualTo(CheckOutcome.notFound("no"));
    assertThat(cache.coalescedChecks("p")).isEqualTo(1);
  }

  @Test
  void oneWaiterCancelledDuringTheLookup_theOtherStillGetsTheSharedAnswer() throws Exception {
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    ListenableFuture<CheckOutcome> second = checker.check(EMAIL, CONTEXT);

    first.cancel(true);
    assertThat(store.last()).as("still needed by the second").isNotCancelled();
    store.last().set(Optional.of(new SharedResult(CheckStatus.FOUND, now(), "profile exists")));

    assertThat(Futures.getDone(second).detail()).isEqualTo("cached 0ms ago: profile exists");
    assertThat(delegate.callCount()).isZero();
  }

  @Test
  void allWaitersCancelledDuringTheLookup_cancelTheLookup_andNeverCallThePlatform() {
    ListenableFuture<CheckOutcome> first = checker.check(EMAIL, CONTEXT);
    ListenableFuture<CheckOutcome> second = checker.check(EMAIL, CONTEXT);

    first.cancel(true);
    second.cancel(true);

    assertThat(store.last()).isCancelled();
    assertThat(delegate.callCount()).isZero();
    assertThat(checker.inFlight()).isZero();
  }
}
