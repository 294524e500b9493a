package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.SettableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.server.testing.FakeServerStream;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.CheckManyResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CheckManyStream} against an observer whose readiness the test controls, on fake time, with
 * rate-limit decisions the test makes. Every task runs on the test's thread.
 */
class CheckManyStreamTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final CheckEngine engine = new CheckEngine(scheduler, scheduler.ticker());
  private final FakeChecker checker = new FakeChecker();
  private final Catalog catalog = new Catalog("test", List.of(platform("a", 0.5, checker)));
  private final CheckManyStats stats = new CheckManyStats();
  private final FakeObserver observer = new FakeObserver();

  /** Decisions handed out in order; empty queue: granted. */
  private final Queue<SettableFuture<Optional<Duration>>> decisions = new ArrayDeque<>();

  private final List<SettableFuture<Optional<Duration>>> asked = new ArrayList<>();

  private CheckManyStream start(int concurrency) {
    ItemPermits permits =
        key -> {
          SettableFuture<Optional<Duration>> decision = decisions.poll();
          if (decision == null) {
            decision = SettableFuture.create();
            decision.set(Optional.empty());
          }
          asked.add(decision);
          return decision;
        };
    return CheckManyStream.start(
        observer,
        new CheckManyStream.Settings(
            engine,
            new RequestParser(catalog, CheckRequest.DEFAULT_HEDGE_DELAY),
            permits,
            concurrency,
            stats,
            MoreExecutors.directExecutor()),
        null,
        null,
        ConcurrentHashMap.newKeySet());
  }

  private static CheckManyRequest item(String id) {
    return CheckManyRequest.newBuilder().setId(id).setEmail(id + "@email.com").build();
  }

  private static SettableFuture<Optional<Duration>> refusedFor(Duration wait) {
    SettableFuture<Optional<Duration>> decision = SettableFuture.create();
    decision.set(Optional.of(wait));
    return decision;
  }

  @AfterEach
  void nothingLeft() {
    assertThat(engine.stats().checksInFlight()).as("checks in flight").isZero();
    assertThat(scheduler.pendingTasks()).as("timers left").isZero();
  }

  @Test
  void requestsItsConcurrency_thenOneMorePerAnswerSent_andNoneWhileAnswersWait() {
    CheckManyStream stream = start(3);
    assertThat(observer.requested).as("asked for at the start").isEqualTo(3);
    observer.ready = false;

    for (String id : List.of("a", "b", "c")) {
      stream.onNext(item(id));
    }
    for (int i = 0; i < 3; i++) {
      checker.call(i).complete(CheckOutcome.notFound("no"));
    }
    assertThat(observer.sent).as("sent while not ready").isEmpty();
    assertThat(observer.requested).as("asked for while three answers wait").isEqualTo(3);
    assertThat(stats.itemsHeld()).as("items held").isEqualTo(3);

    observer.readyFor = 2;
    observer.ready = true;
    observer.onReady.run();
    assertThat(observer.sent).as("sent").containsExactly("a", "b");
    assertThat(observer.requested).as("asked for: one more per answer sent").isEqualTo(5);

    observer.readyFor = Integer.MAX_VALUE;
    stream.onCompleted();
    observer.onReady.run();
    assertThat(observer.sent).as("sent").containsExactly("a", "b", "c");
    assertThat(observer.requested).as("nothing asked for after the half-close").isEqualTo(5);
    assertThat(observer.completed).as("completed").isTrue();
  }

  @Test
  void refusedPermit_itemWaitsOnTheScheduler_andIsCheckedOnceGranted() {
    decisions.add(refusedFor(Duration.ofSeconds(2)));
    decisions.add(refusedFor(Duration.ofSeconds(1)));
    CheckManyStream stream = start(4);

    stream.onNext(item("a"));
    assertThat(checker.callCount()).as("checks before the permit").isZero();
    assertThat(stats.permitWaits()).as("waits").isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(2));
    assertThat(asked).as("permits asked for").hasSize(2);
    assertThat(checker.callCount()).as("checks after a second refusal").isZero();

    scheduler.advance(Duration.ofSeconds(1));
    assertThat(checker.callCount()).as("checks once granted").isOne();
    checker.lastCall().complete(CheckOutcome.found("yes"));
    stream.onCompleted();
    assertThat(observer.sent).as("answered, not failed").containsExactly("a");
    assertThat(observer.errors).as("item errors").isZero();
    assertThat(observer.completed).as("completed").isTrue();
  }

  @Test
  void permitDecidedLater_itemGoesWhenTheDecisionComes() {
    SettableFuture<Optional<Duration>> slow = SettableFuture.create();
    decisions.add(slow);
    CheckManyStream stream = start(4);

    stream.onNext(item("a"));
    assertThat(checker.callCount()).as("checks before the decision").isZero();
    slow.set(Optional.empty());

    assertThat(checker.callCount()).as("checks after it").isOne();
    checker.lastCall().complete(CheckOutcome.notFound("no"));
    stream.onCompleted();
    assertThat(observer.completed).as("completed").isTrue();
  }

  @Test
  void cancelWhileWaitingForAPermit_cancelsTheWait_andNothingIsChecked() {
    decisions.add(refusedFor(Duration.ofSeconds(30)));
    CheckManyStream stream = start(4);
    stream.onNext(item("a"));
    assertThat(scheduler.pendingTasks()).as("the wait").isOne();

    observer.onCancel.run();

    assertThat(scheduler.pendingTasks()).as("waits after the cancel").isZero();
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(checker.callCount()).as("checks").isZero();
    assertThat(stats.itemsHeld()).as("items held").isZero();
    assertThat(observer.sent).as("sent").isEmpty();
  }

  @Test
  void drain_readsNothingMore_answersWhatItHolds_thenUnavailable() {
    CheckManyStream stream = start(4);
    stream.onNext(item("a"));
    int requestedBefore = observer.requested;

    stream.drain();
    checker.lastCall().complete(CheckOutcome.notFound("no"));

    assertThat(observer.sent).as("sent").containsExactly("a");
    assertThat(observer.requested).as("asked for after the drain").isEqualTo(requestedBefore);
    assertThat(observer.error).as("end").isNotNull();
    assertThat(io.grpc.Status.fromThrowable(observer.error).getCode())
        .isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
  }

  /** A server observer with readiness under test control; records what was sent and asked. */
  private static final class FakeObserver extends FakeServerStream<CheckManyResponse> {
    int errors;

    @Override
    protected int delivered() {
      return sent.size() + errors;
    }

    @Override
    public void disableAutoRequest() {}

    @Override
    protected void deliver(CheckManyResponse value) {
      if (value.hasError()) {
        errors++;
      } else {
        sent.add(value.getId());
      }
    }
  }
}
