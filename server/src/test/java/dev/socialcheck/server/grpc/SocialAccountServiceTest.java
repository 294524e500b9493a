package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Duration;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.Platform;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.Strategy;
import dev.socialcheck.v1.Verdict;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** HasSocialAccount and ListPlatforms through an in-process server, with hand-driven checkers. */
class SocialAccountServiceTest {
  private static final String EMAIL = "user@email.com";

  private final FakeChecker a = new FakeChecker();
  private final FakeChecker b = new FakeChecker();
  private final FakeChecker c = new FakeChecker();
  private final TestServer server =
      new TestServer(
          new Catalog(
              "test",
              List.of(platform("a", 0.6, a), platform("b", 0.3, b), platform("c", 0.1, c))));

  SocialAccountServiceTest() throws Exception {}

  @AfterEach
  void tearDown() throws Exception {
    server.close();
  }

  private static HasSocialAccountRequest.Builder request() {
    return HasSocialAccountRequest.newBuilder().setEmail(EMAIL);
  }

  @Test
  void unaryAnswer_isSentByTheThreadThatDecides_withoutWaitingForTheServerPool() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server.future().hasSocialAccount(request().build());
    a.awaitCall();
    b.awaitCall();
    FakeChecker.Call last = c.awaitCall();
    server.awaitPoolIdle();
    // Occupy every server thread: an answer that needed one would wait for the latch.
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch busy =
        new java.util.concurrent.CountDownLatch(server.executor.getMaximumPoolSize());
    for (int i = 0; i < server.executor.getMaximumPoolSize(); i++) {
      server.executor.execute(
          () -> {
            busy.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      last.complete(CheckOutcome.found("account exists"));

      assertThat(call.get(10, TimeUnit.SECONDS).getFoundOn())
          .as("answered while every server thread is busy")
          .isEqualTo("c");
    } finally {
      release.countDown();
    }
  }

  @Test
  void race_firstFoundAnswers_andTheOtherChecksAreCancelled() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server.future().hasSocialAccount(request().build());
    a.awaitCall();
    b.awaitCall();
    c.awaitCall().complete(CheckOutcome.found("account exists"));

    HasSocialAccountResponse response = call.get(10, TimeUnit.SECONDS);

    assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
    assertThat(response.getHasAccount()).isTrue();
    assertThat(response.getFoundOn()).isEqualTo("c");
    assertThat(response.getResultsList())
        .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", PlatformStatus.PLATFORM_STATUS_CANCELLED),
            org.assertj.core.groups.Tuple.tuple("b", PlatformStatus.PLATFORM_STATUS_CANCELLED),
            org.assertj.core.groups.Tuple.tuple("c", PlatformStatus.PLATFORM_STATUS_FOUND));
    assertThat(response.getResults(2).getDetail()).isEqualTo("account exists");
    assertThat(a.lastCall().wasCancelledWithInterrupt()).as("a cancelled(true)").isTrue();
    assertThat(b.lastCall().wasCancelledWithInterrupt()).as("b cancelled(true)").isTrue();
    assertThat(a.lastCall().email().value()).isEqualTo(EMAIL);
  }

  @Test
  void sequential_startsWithTheLikeliestPlatformOnly() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server
            .future()
            .hasSocialAccount(request().setStrategy(Strategy.STRATEGY_SEQUENTIAL).build());

    a.awaitCall().complete(CheckOutcome.found("yes"));
    HasSocialAccountResponse response = call.get(10, TimeUnit.SECONDS);

    assertThat(response.getFoundOn()).isEqualTo("a");
    assertThat(b.wasCalled() || c.wasCalled()).isFalse();
    assertThat(response.getResultsList())
        .extracting(PlatformResult::getStatus)
        .containsExactly(
            PlatformStatus.PLATFORM_STATUS_FOUND,
            PlatformStatus.PLATFORM_STATUS_SKIPPED,
            PlatformStatus.PLATFORM_STATUS_SKIPPED);
  }

  @Test
  void hedged_usesTheRequestedDelay() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server
            .future()
            .hasSocialAccount(
                request()
                    .setStrategy(Strategy.STRATEGY_HEDGED)
                    .setHedgeDelay(Duration.newBuilder().setNanos(250_000_000))
                    .build());
    a.awaitCall();

    server.scheduler.advance(java.time.Duration.ofMillis(249));
    assertThat(b.wasCalled()).isFalse();
    server.scheduler.advance(java.time.Duration.ofMillis(1));
    b.awaitCall().complete(CheckOutcome.found("yes"));

    assertThat(call.get(10, TimeUnit.SECONDS).getFoundOn()).isEqualTo("b");
    assertThat(c.wasCalled()).isFalse();
  }

  @Test
  void adaptive_withHedgeDelay_usesItForPlatformsWithoutHistory() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server
            .future()
            .hasSocialAccount(
                request()
                    .setStrategy(Strategy.STRATEGY_ADAPTIVE)
                    .setHedgeDelay(Duration.newBuilder().setNanos(400_000_000))
                    .build());
    a.awaitCall();
    server.awaitTimers(2); // a's timeout and the hedge timer

    server.scheduler.advance(java.time.Duration.ofMillis(399));
    assertThat(b.wasCalled()).as("b before the caller's hedge delay").isFalse();
    server.scheduler.advance(java.time.Duration.ofMillis(1));
    b.awaitCall().complete(CheckOutcome.found("yes"));

    assertThat(call.get(10, TimeUnit.SECONDS).getFoundOn()).isEqualTo("b");
  }

  @Test
  void platformsSubset_checksOnlyThose() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server.future().hasSocialAccount(request().addPlatforms("b").build());

    b.awaitCall().complete(CheckOutcome.notFound("no"));

    HasSocialAccountResponse response = call.get(10, TimeUnit.SECONDS);
    assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_NOT_FOUND);
    assertThat(response.getHasAccount()).isFalse();
    assertThat(response.getFoundOn()).isEmpty();
    assertThat(response.getResultsList())
        .extracting(PlatformResult::getPlatform)
        .containsExactly("b");
    assertThat(a.wasCalled() || c.wasCalled()).isFalse();
  }

  @Test
  void platformTimeout_isReportedAsTimeout_andGivesUnknown() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server.future().hasSocialAccount(request().addPlatforms("b").build());
    b.awaitCall();
    server.awaitTimers(1);

    server.scheduler.advance(java.time.Duration.ofSeconds(10));

    HasSocialAccountResponse response = call.get(10, TimeUnit.SECONDS);
    assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_UNKNOWN);
    assertThat(response.getResults(0).getStatus())
        .isEqualTo(PlatformStatus.PLATFORM_STATUS_TIMEOUT);
    assertThat(response.getResults(0).getLatency().getSeconds()).isEqualTo(10);
    assertThat(b.lastCall().wasCancelledWithInterrupt()).isTrue();
  }

  @Test
  void throwingChecker_isAnErrorResult_notAFailedCall() throws Exception {
    PlatformChecker broken =
        (email, context) -> {
          throw new IllegalStateException("bug");
        };
    try (TestServer other = new TestServer(new Catalog("t", List.of(platform("x", 0.5, broken))))) {
      HasSocialAccountResponse response = other.blocking().hasSocialAccount(request().build());

      assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_UNKNOWN);
      assertThat(response.getResults(0).getStatus())
          .isEqualTo(PlatformStatus.PLATFORM_STATUS_ERROR);
      assertThat(response.getResults(0).getDetail())
          .isEqualTo("checker failed: IllegalStateException");
    }
  }

  @Test
  void clientCancel_cancelsEveryCheckInFlight_andFreesTheServerThreads() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server.future().hasSocialAccount(request().build());
    List<FakeChecker.Call> checks = List.of(a.awaitCall(), b.awaitCall(), c.awaitCall());

    call.cancel(true);

    for (FakeChecker.Call check : checks) {
      check.awaitCancelled();
      assertThat(check.wasCancelledWithInterrupt()).isTrue();
    }
    server.awaitPoolIdle();
    assertThat(server.engine.stats().checksCancelled()).isEqualTo(3);
  }

  @Test
  void clientDeadline_cancelsEveryCheckInFlight_andTheClientSeesDeadlineExceeded()
      throws Exception {
    // A real deadline (the server enforces it on its own clock), long enough that the three
    // checks have started even on a loaded machine: the test is about what the deadline cancels.
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                server
                    .blocking()
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .hasSocialAccount(request().build()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    for (FakeChecker checker : List.of(a, b, c)) {
      checker.lastCall().awaitCancelled();
    }
    server.awaitPoolIdle();
  }

  @Test
  void clientDeadline_capsEveryCheckTimeout() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server.future().withDeadlineAfter(5, TimeUnit.SECONDS).hasSocialAccount(request().build());

    java.time.Duration timeout = a.awaitCall().context().timeout();

    assertThat(timeout).isLessThanOrEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(timeout).isGreaterThan(java.time.Duration.ofSeconds(1));
    call.cancel(true);
  }

  @Test
  void checkTimeout_capsEveryCheckTimeout() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server
            .future()
            .hasSocialAccount(
                request().setCheckTimeout(Duration.newBuilder().setSeconds(2)).build());

    assertThat(a.awaitCall().context().timeout()).isEqualTo(java.time.Duration.ofSeconds(2));
    call.cancel(true);
  }

  static Stream<Arguments> invalidRequests() {
    HasSocialAccountRequest ok = request().build();
    return Stream.of(
        Arguments.of(ok.toBuilder().clearEmail().build(), "email is required"),
        Arguments.of(ok.toBuilder().setEmail("not-an-address").build(), "email has no '@'"),
        Arguments.of(
            ok.toBuilder().setEmail("a@" + "b".repeat(60) + ".c".repeat(100)).build(),
            "email is longer than 254 characters"),
        Arguments.of(
            ok.toBuilder().addPlatforms("myspace").build(),
            "unknown platform 'myspace'; known platforms: a, b, c"),
        Arguments.of(
            ok.toBuilder().setStrategyValue(42).build(),
            "strategy 42 is unknown to this server version"),
        Arguments.of(
            ok.toBuilder()
                .setStrategy(Strategy.STRATEGY_HEDGED)
                .setHedgeDelay(Duration.newBuilder().setSeconds(-1))
                .build(),
            "hedge_delay must not be negative"),
        Arguments.of(
            ok.toBuilder()
                .setStrategy(Strategy.STRATEGY_HEDGED)
                .setHedgeDelay(Duration.newBuilder().setSeconds(3600))
                .build(),
            "hedge_delay must be at most 60s"),
        Arguments.of(
            ok.toBuilder()
                .setStrategy(Strategy.STRATEGY_HEDGED)
                .setHedgeDelay(Duration.newBuilder().setSeconds(1).setNanos(-5))
                .build(),
            "hedge_delay is not a valid google.protobuf.Duration"),
        Arguments.of(
            ok.toBuilder().setHedgeDelay(Duration.newBuilder().setSeconds(1)).build(),
            "hedge_delay is only used by STRATEGY_HEDGED and STRATEGY_ADAPTIVE"),
        Arguments.of(
            ok.toBuilder()
                .setStrategy(Strategy.STRATEGY_SEQUENTIAL)
                .setHedgeDelay(Duration.newBuilder().setSeconds(1))
                .build(),
            "hedge_delay is only used by STRATEGY_HEDGED and STRATEGY_ADAPTIVE"),
        Arguments.of(
            ok.toBuilder().setCheckTimeout(Duration.getDefaultInstance()).build(),
            "check_timeout must be positive"));
  }

  @ParameterizedTest
  @MethodSource("invalidRequests")
  void invalidRequest_isInvalidArgument_withAClearMessage(
      HasSocialAccountRequest request, String message) {
    assertThatThrownBy(() -> server.blocking().hasSocialAccount(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).isEqualTo(message);
            });
    assertThat(a.wasCalled() || b.wasCalled() || c.wasCalled()).as("no check started").isFalse();
  }

  @Test
  void checkEach_validatesLikeHasSocialAccount() {
    CheckEachRequest bad = CheckEachRequest.newBuilder().setEmail("x@y").build();

    assertThatThrownBy(() -> server.blocking().checkEach(bad).hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("at least two labels");
            });
  }

  @Test
  void listPlatforms_describesTheCatalog_likeliestFirst() {
    List<Platform> platforms =
        server
            .blocking()
            .listPlatforms(ListPlatformsRequest.getDefaultInstance())
            .getPlatformsList();

    assertThat(platforms).extracting(Platform::getId).containsExactly("a", "b", "c");
    assertThat(platforms.get(0).getDisplayName()).isEqualTo("A");
    assertThat(platforms.get(0).getPrior()).isEqualTo(0.6);
    assertThat(platforms.get(0).getTimeout().getSeconds()).isEqualTo(10);
  }

  @Test
  void adaptive_isAccepted_andListPlatformsShowsWhatWasLearned() throws Exception {
    ListenableFuture<HasSocialAccountResponse> call =
        server.future().hasSocialAccount(request().setStrategy(Strategy.STRATEGY_ADAPTIVE).build());
    FakeChecker.Call check = a.awaitCall();
    server.awaitTimers(2); // a's timeout and the hedge timer
    server.scheduler.advance(java.time.Duration.ofMillis(250));
    check.complete(CheckOutcome.found("yes"));
    assertThat(call.get(10, TimeUnit.SECONDS).getFoundOn()).isEqualTo("a");

    List<Platform> platforms =
        server
            .blocking()
            .listPlatforms(ListPlatformsRequest.getDefaultInstance())
            .getPlatformsList();

    Platform first = platforms.get(0);
    assertThat(first.getId()).isEqualTo("a");
    assertThat(first.getStats().getSamples()).isEqualTo(1);
    assertThat(first.getStats().getFoundRate()).isEqualTo(1.0);
    com.google.protobuf.Duration p50 = first.getStats().getLatencyP50();
    assertThat(java.time.Duration.ofSeconds(p50.getSeconds(), p50.getNanos()))
        .isBetween(java.time.Duration.ofMillis(240), java.time.Duration.ofMillis(260));
    assertThat(first.getStats().getLearned()).as("one sample is not enough").isFalse();
    assertThat(first.getStats().getAvailable()).as("no circuit breaker: always available").isTrue();
    assertThat(platforms)
        .extracting(p -> p.getStats().getAdaptiveRank())
        .containsExactlyInAnyOrder(1, 2, 3);
    assertThat(first.getStats().getAdaptiveHedgeDelay().getSeconds())
        .as("the default hedge delay while not learned")
        .isEqualTo(1);
  }
}
