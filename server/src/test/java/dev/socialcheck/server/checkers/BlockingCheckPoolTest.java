package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool that runs blocking checker code: interrupted on cancel and on timeout, bounded (full is
 * RATE_LIMITED at once), exceptions as ERROR. Latches and a fake clock; nothing sleeps.
 */
class BlockingCheckPoolTest {
  private static final EmailAddress EMAIL = EmailAddress.parse("user@example.com");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final FakeScheduler clock = new FakeScheduler();
  private final BlockingCheckPool pool = new BlockingCheckPool(1, 1, clock);

  /** Released by the tests (and at the end) to let blocked checks return. */
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    release.countDown();
    pool.close();
  }

  /** Blocks until released or interrupted; counts both ways out. */
  private static final class Blocker {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);
    final AtomicInteger runs = new AtomicInteger();
  }

  private PlatformChecker blocking(Blocker blocker) {
    return pool.checker(
        (email, context) -> {
          blocker.runs.incrementAndGet();
          blocker.started.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            blocker.interrupted.countDown();
            throw e;
          }
          return CheckOutcome.found("released");
        });
  }

  private static ListenableFuture<CheckOutcome> check(PlatformChecker checker) {
    return checker.check(EMAIL, new CheckContext(TIMEOUT));
  }

  @Test
  void check_answersWhatTheBlockingCodeReturns() throws Exception {
    PlatformChecker checker =
        pool.checker((email, context) -> CheckOutcome.notFound("no row for it"));

    assertThat(check(checker).get(10, TimeUnit.SECONDS))
        .as("the outcome of the blocking code")
        .isEqualTo(CheckOutcome.notFound("no row for it"));
  }

  @Test
  void cancel_interruptsTheThreadRunningTheCheck() throws Exception {
    Blocker blocker = new Blocker();
    ListenableFuture<CheckOutcome> future = check(blocking(blocker));
    assertThat(blocker.started.await(10, TimeUnit.SECONDS)).as("check started").isTrue();

    future.cancel(true);

    assertThat(blocker.interrupted.await(10, TimeUnit.SECONDS))
        .as("the blocking code saw an interrupt")
        .isTrue();
  }

  @Test
  void timeout_interruptsTheCheck_andAnswersTimeout() throws Exception {
    Blocker blocker = new Blocker();
    ListenableFuture<CheckOutcome> future = check(blocking(blocker));
    assertThat(blocker.started.await(10, TimeUnit.SECONDS)).as("check started").isTrue();

    clock.advance(TIMEOUT);

    assertThat(future.get(10, TimeUnit.SECONDS).status())
        .as("a check past its timeout")
        .isEqualTo(CheckStatus.TIMEOUT);
    assertThat(blocker.interrupted.await(10, TimeUnit.SECONDS))
        .as("the blocking code saw an interrupt")
        .isTrue();
  }

  @Test
  void fullPoolAndQueue_answerRateLimited_atOnce() throws Exception {
    Blocker running = new Blocker();
    Blocker waiting = new Blocker();
    Blocker refused = new Blocker();
    ListenableFuture<CheckOutcome> first = check(blocking(running));
    assertThat(running.started.await(10, TimeUnit.SECONDS)).as("first check running").isTrue();
    ListenableFuture<CheckOutcome> second = check(blocking(waiting));

    ListenableFuture<CheckOutcome> third = check(blocking(refused));

    assertThat(third.isDone()).as("refused at once, without waiting").isTrue();
    assertThat(third.get().status()).isEqualTo(CheckStatus.RATE_LIMITED);
    assertThat(third.get().detail()).startsWith(BlockingCheckPool.FULL);
    assertThat(refused.runs).as("the refused check never ran").hasValue(0);
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(CheckStatus.FOUND);
    assertThat(second.get(10, TimeUnit.SECONDS).status())
        .as("the queued check ran once a thread was free")
        .isEqualTo(CheckStatus.FOUND);
  }

  @Test
  void cancelWhileQueued_leavesTheQueue_andNeverRuns() throws Exception {
    Blocker running = new Blocker();
    Blocker queued = new Blocker();
    check(blocking(running));
    assertThat(running.started.await(10, TimeUnit.SECONDS)).as("first check running").isTrue();
    ListenableFuture<CheckOutcome> second = check(blocking(queued));
    assertThat(pool.queued()).as("second check waiting").isEqualTo(1);

    second.cancel(true);

    assertThat(pool.queued()).as("its place in the queue is free again").isZero();
    ListenableFuture<CheckOutcome> third = check(blocking(new Blocker()));
    assertThat(third.isDone()).as("a new check takes the freed place, not refused").isFalse();
    release.countDown();
    assertThat(third.get(10, TimeUnit.SECONDS).status()).isEqualTo(CheckStatus.FOUND);
    assertThat(queued.runs).as("the cancelled check never ran").hasValue(0);
  }

  @Test
  void exception_isError_withItsTypeOnly() throws Exception {
    PlatformChecker checker =
        pool.checker(
            (email, context) -> {
              throw new IOException("lookup of " + email.value() + " failed");
            });

    CheckOutcome outcome = check(checker).get(10, TimeUnit.SECONDS);

    assertThat(outcome.status()).isEqualTo(CheckStatus.ERROR);
    assertThat(outcome.detail())
        .as("the type, never the message (it may carry the address)")
        .contains("IOException")
        .doesNotContain("user@example.com");
  }
}
