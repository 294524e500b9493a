package dev.socialcheck.client;

import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.v1.HasSocialAccountResponse;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry and hedging policies take effect on the channel the client creates: a real Netty
 * channel to a server on 127.0.0.1 that fails chosen attempts.
 *
 * <p>On the real clock: retry backoff and the hedging delay are timers of that channel, which runs
 * them on its own scheduler (no public channel builder lets the SDK pass another), and the deadline
 * ticker does not reach them. The delays are short (10 to 100 ms) and no outcome depends on their
 * length: a failed attempt is retried whenever its backoff ends, and the hedged call's first
 * attempt never answers, so the second one starts whenever the delay ends.
 */
class RetryTest {
  private static final Metadata.Key<String> PREVIOUS_ATTEMPTS =
      Metadata.Key.of("grpc-previous-rpc-attempts", Metadata.ASCII_STRING_MARSHALLER);
  private static final RetryPolicy FAST_RETRIES =
      new RetryPolicy(
          3, Duration.ofMillis(10), Duration.ofMillis(50), 2.0, Set.of(Status.Code.UNAVAILABLE));

  private final AttemptInterceptor attempts = new AttemptInterceptor();
  private TestServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.loopback(List.of("github"), InsecureServerCredentials.create(), attempts);
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  private SocialCheckClient client(SocialCheckSettings.Builder settings) {
    return SocialCheckClient.create(settings.setTarget(server.target()).setPlaintext(true).build());
  }

  @Test
  void defaultPolicy_firstAttemptUnavailable_isRetriedAndSucceeds() throws Exception {
    attempts.failFirst(1, Status.Code.UNAVAILABLE);

    try (SocialCheckClient client = client(SocialCheckSettings.newBuilder())) {
      assertThat(client.listPlatforms().get(10, TimeUnit.SECONDS).getPlatformsCount())
          .as("platforms")
          .isEqualTo(1);
    }

    assertThat(attempts.count()).as("attempts that reached the server").isEqualTo(2);
    assertThat(attempts.previousAttemptsHeaders())
        .as("grpc-previous-rpc-attempts of each attempt")
        .containsExactly("none", "1");
  }

  @Test
  void retriesDisabled_firstAttemptUnavailable_fails() throws Exception {
    attempts.failFirst(1, Status.Code.UNAVAILABLE);

    try (SocialCheckClient client = client(SocialCheckSettings.newBuilder().disableRetries())) {
      assertThat(failureOf(client.listPlatforms()).code())
          .as("code")
          .isEqualTo(Status.Code.UNAVAILABLE);
    }
    assertThat(attempts.count()).as("attempts that reached the server").isEqualTo(1);
  }

  @Test
  void retryPolicy_everyAttemptUnavailable_stopsAfterMaxAttempts() throws Exception {
    attempts.failFirst(Integer.MAX_VALUE, Status.Code.UNAVAILABLE);

    try (SocialCheckClient client =
        client(SocialCheckSettings.newBuilder().setRetryPolicy(FAST_RETRIES))) {
      SocialCheckException failure = failureOf(client.listPlatforms());

      assertThat(failure.code()).as("code").isEqualTo(Status.Code.UNAVAILABLE);
    }
    assertThat(attempts.count()).as("attempts that reached the server").isEqualTo(3);
  }

  @Test
  void retryPolicy_codeNotRetryable_isNotRetried() throws Exception {
    attempts.failFirst(1, Status.Code.RESOURCE_EXHAUSTED);

    try (SocialCheckClient client =
        client(SocialCheckSettings.newBuilder().setRetryPolicy(FAST_RETRIES))) {
      assertThat(failureOf(client.listPlatforms()).code())
          .as("code")
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
    assertThat(attempts.count()).as("attempts that reached the server").isEqualTo(1);
  }

  @Test
  void hedgingPolicy_slowFirstAttempt_secondAttemptWinsAndFirstIsCancelledOnTheServer()
      throws Exception {
    HedgingPolicy hedging =
        new HedgingPolicy(2, Duration.ofMillis(100), Set.of(Status.Code.UNAVAILABLE));

    try (SocialCheckClient client =
        client(SocialCheckSettings.newBuilder().setHedgingPolicy(hedging))) {
      ListenableFuture<HasSocialAccountResponse> answer = client.hasSocialAccount("user@email.com");
      ControllableChecker.Check first = server.checker("github").awaitCheck();
      ControllableChecker.Check second = server.checker("github").awaitCheck();

      second.complete(CheckOutcome.found("exists"));

      assertThat(answer.get(10, TimeUnit.SECONDS).getFoundOn()).as("found_on").isEqualTo("github");
      assertThat(first.awaitCancelled()).as("first attempt's check cancelled").isTrue();
    }
    assertThat(attempts.previousAttemptsHeaders())
        .as("grpc-previous-rpc-attempts of each attempt")
        .containsExactly("none", "1");
  }

  /** Fails the first attempts with a status; records every attempt. */
  private static final class AttemptInterceptor implements ServerInterceptor {
    private final AtomicInteger count = new AtomicInteger();
    private final List<String> previousAttempts = new CopyOnWriteArrayList<>();
    private volatile int failFirst;
    private volatile Status.Code failWith = Status.Code.UNAVAILABLE;

    void failFirst(int attempts, Status.Code code) {
      failFirst = attempts;
      failWith = code;
    }

    int count() {
      return count.get();
    }

    List<String> previousAttemptsHeaders() {
      return List.copyOf(previousAttempts);
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      String previous = headers.get(PREVIOUS_ATTEMPTS);
      previousAttempts.add(previous == null ? "none" : previous);
      if (count.incrementAndGet() <= failFirst) {
        call.close(Status.fromCode(failWith).withDescription("attempt refused"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }
}
