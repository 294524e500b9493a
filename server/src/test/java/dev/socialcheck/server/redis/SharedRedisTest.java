package dev.socialcheck.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.checkers.SharedResultStore.SharedResult;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedRedis} and its result store against a real redis-server. State changes are waited
 * for as they are announced (the log line of each, captured here rather than printed), never by
 * polling; the bounds on those waits only keep a broken test from hanging.
 */
class SharedRedisTest {
  private static RedisServer redis;
  private final List<SharedRedis> clients = new ArrayList<>();
  private final StateLog stateLog = new StateLog();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.startNew();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @BeforeEach
  void captureStateLog() {
    stateLog.attach();
  }

  @AfterEach
  void closeClients() throws Exception {
    clients.forEach(SharedRedis::close);
    stateLog.detach();
    redis.start(); // a test that killed it leaves it running for the next
    redis.resume();
    redis.command("FLUSHALL");
  }

  /**
   * Roomy timeouts: these tests are about behaviour, not about a busy machine's latency (a first
   * handshake slower than the connect timeout would add a DOWN and an UP to the log). A connection
   * refused, as by a killed Redis, fails at once whatever the timeout.
   */
  private SharedRedis connect(Duration commandTimeout) throws InterruptedException {
    SharedRedis client =
        SharedRedis.start(
            new SharedRedis.Settings(
                redis.uri(),
                "test:",
                commandTimeout,
                Duration.ofSeconds(10),
                Duration.ofMillis(100)));
    clients.add(client);
    return client;
  }

  private SharedRedis connectUp() throws InterruptedException {
    SharedRedis client = connect(Duration.ofSeconds(2));
    assertThat(client.awaitUp(Duration.ofSeconds(10))).as("connected").isTrue();
    return client;
  }

  private static SharedResult found(Instant at) {
    return new SharedResult(CheckStatus.FOUND, at, "profile exists");
  }

  @Test
  void resultWrittenByOneClient_isReadByAnother_withItsTtl() throws Exception {
    SharedRedis a = connectUp();
    SharedRedis b = connectUp();
    Instant storedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    a.resultStore().put("github:abc123", found(storedAt), Duration.ofMinutes(10));
    assertThat(a.resultStore().get("github:abc123").get(10, TimeUnit.SECONDS))
        .as("read back on the writer's connection, which Redis answers in order: the SET is done")
        .contains(found(storedAt));
    Optional<SharedResult> read = b.resultStore().get("github:abc123").get(10, TimeUnit.SECONDS);

    assertThat(read).as("read through the other client").contains(found(storedAt));
    long pttl = Long.parseLong(redis.command("PTTL test:cache:github:abc123").substring(1));
    assertThat(pttl).as("SET ... PX with the TTL").isBetween(1L, 600_000L).isGreaterThan(590_000L);
    assertThat(b.resultStore().get("github:other").get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(b.stats().cacheHits()).isEqualTo(1);
    assertThat(b.stats().cacheMisses()).isEqualTo(1);
  }

  @Test
  void encoding_isCompact_andUnreadableValuesAreMisses() {
    SharedResult result =
        new SharedResult(CheckStatus.NOT_FOUND, Instant.ofEpochMilli(1_700_000_000_123L), "a|b");

    String encoded = RedisResultStore.encode(result);

    assertThat(encoded).isEqualTo("1|N|1700000000123|a|b");
    assertThat(RedisResultStore.decode(encoded)).contains(result);
    assertThat(RedisResultStore.decode("2|N|1|x")).as("unknown version").isEmpty();
    assertThat(RedisResultStore.decode("1|X|1|x")).as("unknown status").isEmpty();
    assertThat(RedisResultStore.decode("1|F|soon|x")).as("bad time").isEmpty();
    assertThat(RedisResultStore.decode(null)).isEmpty();
  }

  @Test
  void redisDownAtStart_answersAtOnceAsMiss_thenComesUpByItself() throws Exception {
    redis.kill();
    SharedRedis client = connect(Duration.ofSeconds(2));
    List<Boolean> transitions = new CopyOnWriteArrayList<>();
    client.addStateListener(transitions::add);

    ListenableFuture<Optional<SharedResult>> read = client.resultStore().get("github:abc");
    assertThat(read).as("a Redis that is not UP is not waited for: answered within get()").isDone();
    assertThat(Futures.getDone(read)).as("answered as a miss").isEmpty();
    client.resultStore().put("github:abc", found(Instant.now()), Duration.ofMinutes(1));
    assertThat(client.stats().fallbacks(RedisStats.Use.CACHE_GET)).isEqualTo(1);
    assertThat(client.stats().fallbacks(RedisStats.Use.CACHE_PUT)).isEqualTo(1);
    assertThat(stateLog.awaitNext())
        .as("the first connection attempt fails")
        .startsWith("redis DOWN at")
        .contains("cannot connect");

    redis.start();
    assertThat(client.awaitUp(RedisServer.noticeWithin())).as("recovered by itself").isTrue();
    assertThat(transitions)
        .as("DOWN (cannot connect, unless already told), then UP")
        .endsWith(true);
    assertThat(stateLog.all())
        .as("one line per change: later failed attempts while DOWN log nothing")
        .hasSize(2)
        .last()
        .asString()
        .startsWith("redis UP at");
  }

  @Test
  void redisKilled_goesDown_thenBack_goesUp_loggingEachChangeOnce() throws Exception {
    SharedRedis client = connectUp();
    stateLog.forget();
    List<Boolean> transitions = new CopyOnWriteArrayList<>();
    client.addStateListener(transitions::add);

    redis.kill();
    assertThat(stateLog.awaitNext()).as("the lost connection").startsWith("redis DOWN at");
    assertThat(client.isUp()).as("up").isFalse();
    assertThat(client.resultStore().get("github:abc").get(1, TimeUnit.SECONDS)).isEmpty();
    redis.start();
    assertThat(client.awaitUp(RedisServer.noticeWithin())).as("recovered by itself").isTrue();

    client.resultStore().put("github:abc", found(Instant.now()), Duration.ofMinutes(1));
    assertThat(client.resultStore().get("github:abc").get(10, TimeUnit.SECONDS))
        .as("written and read back (one connection, answered in order)")
        .isPresent();
    assertThat(transitions).containsExactly(false, true);
    assertThat(stateLog.all())
        .as("one line per change since connected")
        .hasSize(2)
        .last()
        .asString()
        .startsWith("redis UP at");
  }

  @Test
  void frozenRedis_neverHoldsALookupLongerThanTheTimeout_andTurnsDown() throws Exception {
    SharedRedis client = connect(Duration.ofMillis(200));
    assertThat(client.awaitUp(Duration.ofSeconds(10))).isTrue();
    stateLog.forget();
    redis.pause();
    try {
      for (int i = 0; i < SharedRedis.FAILURES_TO_GO_DOWN; i++) {
        ListenableFuture<Optional<SharedResult>> read = client.resultStore().get("github:" + i);
        assertThat(read.get(5, TimeUnit.SECONDS))
            .as("a frozen Redis never answers: the command timeout ends the lookup, as a miss")
            .isEmpty();
      }
      assertThat(stateLog.awaitNext())
          .as("DOWN after %s timeouts in a row", SharedRedis.FAILURES_TO_GO_DOWN)
          .startsWith("redis DOWN at")
          .containsAnyOf("no answer within the command timeout", "RedisCommandTimeoutException");
      ListenableFuture<Optional<SharedResult>> read = client.resultStore().get("github:x");
      assertThat(read)
          .as("once down, not even the timeout is waited: answered within get()")
          .isDone();
      assertThat(Futures.getDone(read)).as("answered as a miss").isEmpty();
    } finally {
      redis.resume();
    }
    assertThat(client.awaitUp(RedisServer.noticeWithin())).as("back after the freeze").isTrue();
  }

  @Test
  void awaitUp_whenUpAlready_returnsTrueWithoutWaiting() throws Exception {
    SharedRedis client = connectUp();

    assertThat(client.awaitUp(Duration.ZERO)).as("awaitUp with no time to wait").isTrue();
  }

  /**
   * On the real clock: awaitUp's timeout is a real-time bound by contract ({@code serve} starts
   * without Redis once it passes). The test waits it out (200 ms) and asserts only the answer.
   */
  @Test
  void awaitUp_redisDown_returnsFalseOnceTheTimeoutPasses() throws Exception {
    redis.kill();
    SharedRedis client = connect(Duration.ofSeconds(2));

    assertThat(client.awaitUp(Duration.ofMillis(200))).as("up within 200 ms").isFalse();
    assertThat(client.isUp()).as("up").isFalse();
  }

  @Test
  void awaitUp_closedWhileWaiting_returnsFalse() throws Exception {
    redis.kill();
    SharedRedis client = connect(Duration.ofSeconds(2));
    ExecutorService waiter = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> up = waiter.submit(() -> client.awaitUp(Duration.ofHours(1)));

      client.close();

      assertThat(up.get(RedisServer.noticeWithin().toSeconds(), TimeUnit.SECONDS))
          .as("awaitUp(1 hour), woken by close()")
          .isFalse();
    } finally {
      waiter.shutdownNow();
    }
  }

  @Test
  void sharedRate_isOneBucketForEveryClient_withARetryHint() throws Exception {
    SharedRedis a = connectUp();
    SharedRedis b = connectUp();
    RedisRateLimiter.Rate rate = RedisRateLimiter.Rate.of(2, Duration.ofSeconds(60));

    List<RedisRateLimiter.Decision> decisions = new ArrayList<>();
    for (SharedRedis client : List.of(a, b, a, b)) {
      decisions.add(
          client
              .rateLimiter()
              .acquire("quota:caller", rate, RedisStats.Limit.CALLER)
              .get(10, TimeUnit.SECONDS)
              .orElseThrow());
    }

    assertThat(decisions)
        .extracting(RedisRateLimiter.Decision::allowed)
        .containsExactly(true, true, false, false);
    assertThat(decisions.get(2).retryAfter())
        .as("one call per 30 s comes back")
        .isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
    assertThat(redis.keys()).containsExactly("test:quota:caller");
  }

  @Test
  void rateScript_isLoadedAgain_afterRedisForgotIt() throws Exception {
    SharedRedis client = connectUp();
    RedisRateLimiter.Rate rate = RedisRateLimiter.Rate.perSecond(100);
    assertThat(
            client
                .rateLimiter()
                .acquire("budget:p", rate, RedisStats.Limit.PLATFORM)
                .get(10, TimeUnit.SECONDS))
        .isPresent();

    assertThat(redis.command("SCRIPT FLUSH")).isEqualTo("+OK");
    Optional<RedisRateLimiter.Decision> after =
        client
            .rateLimiter()
            .acquire("budget:p", rate, RedisStats.Limit.PLATFORM)
            .get(10, TimeUnit.SECONDS);

    assertThat(after)
        .as("NOSCRIPT, then EVAL")
        .map(RedisRateLimiter.Decision::allowed)
        .contains(true);
    assertThat(client.isUp()).isTrue();
    assertThat(client.stats().fallbacks(RedisStats.Use.PLATFORM_BUDGET)).isZero();
    assertThat(client.stats().allowed(RedisStats.Limit.PLATFORM)).isEqualTo(2);
  }

  @Test
  void rates_matchTheLocalLimiter() {
    assertThat(RedisRateLimiter.Rate.perSecond(20))
        .isEqualTo(new RedisRateLimiter.Rate(50_000, 20));
    assertThat(RedisRateLimiter.Rate.perSecond(0.5))
        .isEqualTo(new RedisRateLimiter.Rate(2_000_000, 1));
    assertThat(RedisRateLimiter.Rate.of(10, Duration.ofMinutes(1)))
        .isEqualTo(new RedisRateLimiter.Rate(6_000_000, 10));
  }

  /**
   * Captures the log lines of {@link SharedRedis} (one per state change) instead of printing them,
   * and hands them to the test in order, as they are written.
   */
  private static final class StateLog extends AppenderBase<ILoggingEvent> {
    private final Logger logger = (Logger) LoggerFactory.getLogger(SharedRedis.class);
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> all = new CopyOnWriteArrayList<>();
    private @Nullable Level previousLevel;

    void attach() {
      previousLevel = logger.getLevel();
      logger.setLevel(Level.INFO);
      logger.setAdditive(false);
      logger.addAppender(this);
      start();
    }

    void detach() {
      stop();
      logger.detachAppender(this);
      logger.setAdditive(true);
      logger.setLevel(previousLevel);
    }

    @Override
    protected void append(ILoggingEvent event) {
      String line = event.getFormattedMessage();
      all.add(line);
      unread.add(line);
    }

    /** The next line not yet taken, waiting for it to be written. */
    String awaitNext() throws InterruptedException {
      String line = unread.poll(RedisServer.noticeWithin().toSeconds(), TimeUnit.SECONDS);
      assertThat(line)
          .as("a state change logged within %s", RedisServer.noticeWithin())
          .isNotNull();
      return line;
    }

    /** Every line written so far (since {@link #forget}). */
    List<String> all() {
      return List.copyOf(all);
    }

    /** Forgets the lines written so far: the test looks at what follows. */
    void forget() {
      unread.clear();
      all.clear();
    }
  }

  @Test
  void describe_namesHostAndPort_neverThePassword() {
    SharedRedis client =
        SharedRedis.start(SharedRedis.Settings.of("redis://:s3cret-pass@127.0.0.1:1/0"));
    clients.add(client);

    assertThat(client.describe()).contains("127.0.0.1:1").doesNotContain("s3cret");
  }
}
