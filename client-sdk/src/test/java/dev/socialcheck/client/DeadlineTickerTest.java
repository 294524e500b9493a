package dev.socialcheck.client;

import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.CheckManyResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SocialCheckSettings.Builder#setDeadlineTicker}: every deadline the SDK computes is read
 * from the configured ticker, so a test on fake time knows each call's deadline to the nanosecond.
 * The deadlines are looked at as the SDK hands them to the channel, which leads nowhere (the calls
 * fail with {@code UNAVAILABLE}, and no server is left with work at the end).
 */
class DeadlineTickerTest {
  /** The client's default timeout in these tests. */
  private static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  /** The per-call timeout in these tests. */
  private static final Duration CALL_TIMEOUT = Duration.ofHours(2);

  private static final HasSocialAccountRequest REQUEST =
      HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build();
  private static final CheckEachRequest EACH_REQUEST =
      CheckEachRequest.newBuilder().setEmail("user@email.com").build();

  private final FakeTime time = new FakeTime();
  private final DeadlineRecorder deadlines = new DeadlineRecorder();
  private final ManagedChannel nowhere =
      InProcessChannelBuilder.forName(InProcessServerBuilder.generateName())
          .scheduledExecutorService(time.timers())
          .build();
  private final SocialCheckClient client =
      SocialCheckClient.create(
          SocialCheckSettings.newBuilder()
              .setChannel(ClientInterceptors.intercept(nowhere, deadlines))
              .setDeadlineTicker(time.ticker())
              .setDefaultTimeout(DEFAULT_TIMEOUT)
              .build());

  @AfterEach
  void closeChannel() throws Exception {
    client.close();
    nowhere.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** One way to start a call, and to stop it once its deadline has been looked at. */
  private record Call(
      String name,
      Duration timeout,
      BiFunction<SocialCheckClient, CallSettings, AutoCloseable> start) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Iterator<CheckManyRequest> oneItem() {
    return List.of(CheckManyRequest.newBuilder().setId("1").setEmail("user@email.com").build())
        .iterator();
  }

  private static AutoCloseable cancelling(ListenableFuture<?> future) {
    return () -> future.cancel(false);
  }

  static Stream<Arguments> calls() {
    return Stream.of(
            new Call(
                "hasSocialAccount(email)",
                DEFAULT_TIMEOUT,
                (c, s) -> cancelling(c.hasSocialAccount("user@email.com"))),
            new Call(
                "hasSocialAccount(request, callSettings)",
                CALL_TIMEOUT,
                (c, s) -> cancelling(c.hasSocialAccount(REQUEST, s))),
            new Call(
                "checkEach(request, listener)",
                DEFAULT_TIMEOUT,
                (c, s) -> cancelling(c.checkEach(EACH_REQUEST, new IgnoringListener()))),
            new Call(
                "checkEachBlocking(request)",
                DEFAULT_TIMEOUT,
                (c, s) -> c.checkEachBlocking(EACH_REQUEST)),
            new Call(
                "checkEachToList(request, callSettings)",
                CALL_TIMEOUT,
                (c, s) -> cancelling(c.checkEachToList(EACH_REQUEST, s))),
            new Call(
                "screen(items, callSettings, listener)",
                CALL_TIMEOUT,
                (c, s) -> cancelling(c.screen(oneItem(), s, new IgnoringScreenListener()))),
            new Call(
                "screenBlocking(items, callSettings)",
                CALL_TIMEOUT,
                (c, s) -> c.screenBlocking(oneItem(), s)),
            new Call("listPlatforms()", DEFAULT_TIMEOUT, (c, s) -> cancelling(c.listPlatforms())))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void deadline_isTheTimeoutFromTheCallsStart_onTheConfiguredTicker(Call call) throws Exception {
    CallSettings callSettings = CallSettings.newBuilder().setTimeout(CALL_TIMEOUT).build();

    AutoCloseable running = call.start().apply(client, callSettings);
    try {
      Deadline deadline = deadlines.last();

      assertThat(deadline.timeRemaining(TimeUnit.NANOSECONDS))
          .as("time remaining, read on the fake ticker that has not moved")
          .isEqualTo(call.timeout().toNanos());
      time.advance(call.timeout().minusNanos(1));
      assertThat(deadline.isExpired()).as("expired a nanosecond before its time").isFalse();
      time.advance(Duration.ofNanos(1));
      assertThat(deadline.isExpired()).as("expired at its time").isTrue();
    } finally {
      running.close();
    }
  }

  @Test
  void firstFound_timeout_isOneDeadlineOnTheTicker_sharedByEveryCall() {
    ListenableFuture<?> race =
        client.firstFound(
            List.of("a@email.com", "b@email.com"),
            CallSettings.newBuilder().setTimeout(CALL_TIMEOUT).build());
    try {
      List<Deadline> both = deadlines.last(2);

      assertThat(both.get(1)).as("the second call's deadline").isSameAs(both.get(0));
      assertThat(both.get(0).timeRemaining(TimeUnit.NANOSECONDS))
          .as("time remaining on the fake ticker")
          .isEqualTo(CALL_TIMEOUT.toNanos());
    } finally {
      race.cancel(false);
    }
  }

  @Test
  void screen_withoutCallSettings_hasNoDeadline() {
    ListenableFuture<?> done = client.screen(oneItem(), new IgnoringScreenListener());
    try {
      assertThat(deadlines.lastHadDeadline()).as("screen's deadline").isFalse();
    } finally {
      done.cancel(false);
    }
  }

  /** The example of {@link SocialCheckSettings.Builder#setDeadlineTicker}'s Javadoc, as written. */
  @Test
  void sharedDeadline_spentOnTheFakeTicker_failsTheNextCallWithoutSendingIt() throws Exception {
    TestServer server = TestServer.inProcess(List.of("github"));
    try {
      Channel channel = server.newInProcessChannel();
      HasSocialAccountRequest request = REQUEST;

      AtomicLong now = new AtomicLong(); // nanoseconds, moved by the test
      Deadline.Ticker ticker =
          new Deadline.Ticker() {
            @Override
            public long nanoTime() {
              return now.get();
            }
          };
      try (SocialCheckClient client =
          SocialCheckClient.create(
              SocialCheckSettings.newBuilder()
                  .setChannel(channel)
                  .setDeadlineTicker(ticker)
                  .build())) {
        Deadline budget = Deadline.after(5, TimeUnit.SECONDS, ticker); // shared by several calls
        now.addAndGet(TimeUnit.SECONDS.toNanos(5)); // five seconds pass, at once
        ListenableFuture<HasSocialAccountResponse> late =
            client.hasSocialAccount(request, CallSettings.newBuilder().setDeadline(budget).build());

        assertThat(failureOf(late).code()).as("code").isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(server.checker("github").checks()).as("checks started").isEmpty();
      }
    } finally {
      server.close();
    }
  }

  @Test
  void callInsideAContextWithASystemDeadline_onAFakeTicker_isRefusedWithAClearMessage() {
    Context.CancellableContext handler =
        Context.current().withDeadline(Deadline.after(1, TimeUnit.HOURS), time.timers());
    try {
      assertThatThrownBy(() -> handler.call(() -> client.hasSocialAccount("user@email.com")))
          .as("a call whose deadline gRPC could not compare with the Context's")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("different tickers")
          .hasMessageContaining("setDeadlineTicker");
    } finally {
      handler.cancel(null);
    }
  }

  @Test
  void callInsideAContextWithADeadlineOnTheSameTicker_isMade() throws Exception {
    Context.CancellableContext handler =
        Context.current()
            .withDeadline(Deadline.after(1, TimeUnit.HOURS, time.ticker()), time.timers());
    try {
      ListenableFuture<?> call = handler.call(() -> client.listPlatforms());

      assertThat(failureOf(call).code())
          .as("code of the call made (to nowhere)")
          .isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      handler.cancel(null);
    }
  }

  private static final class IgnoringListener implements CheckEachListener {
    @Override
    public void onResult(PlatformResult result) {}

    @Override
    public void onCompleted() {}

    @Override
    public void onError(SocialCheckException error) {}
  }

  private static final class IgnoringScreenListener implements ScreenListener {
    @Override
    public void onResult(CheckManyResponse answer) {}

    @Override
    public void onCompleted() {}

    @Override
    public void onError(SocialCheckException error) {}
  }
}
