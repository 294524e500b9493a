package dev.socialcheck.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.grpc.ConnectionLimits;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Verdict;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 rapid reset (CVE-2023-44487) against the production connection limits: a raw connection
 * that opens and resets streams as fast as it can is closed by the server, while a normal client on
 * another connection keeps being served; and a legitimate client that cancels many of its calls (as
 * {@code firstFound} does with every address but the winner) keeps its connection.
 */
@ExtendWith(QuietAccessLog.class)
class RapidResetTest {
  private static final String HAS_SOCIAL_ACCOUNT =
      "/" + SocialAccountServiceGrpc.SERVICE_NAME + "/HasSocialAccount";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final FakeChecker checker = new FakeChecker();

  private Catalog catalog() {
    return new Catalog("manual", List.of(new Platform("manual", "Manual", 0.5, TIMEOUT, checker)));
  }

  @Test
  @DisplayName("a connection that rapidly resets streams is closed; other clients are served")
  void rapidReset_closesTheAttacker_andOtherClientsAreServed() throws Exception {
    ConnectionLimits limits = ConnectionLimits.DEFAULTS;
    int attack = 5 * limits.maxRstFramesPerWindow();
    ExecutorService normalClient = Executors.newSingleThreadExecutor();
    try (RunningServer server =
        new RunningServer(
            timers ->
                new Catalog(
                    "steady",
                    List.of(
                        new Platform(
                            "steady",
                            "Steady",
                            0.5,
                            TIMEOUT,
                            ScriptedChecker.fixedLatency(
                                "steady", CheckStatus.FOUND, timers, Duration.ofMillis(1))))),
            b -> b.connectionLimits(limits))) {
      ManagedChannel channel = server.channel();
      SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub =
          SocialAccountServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertThat(stub.hasSocialAccount(request("before@email.com")).getVerdict())
          .isEqualTo(Verdict.VERDICT_FOUND);

      // The normal client calls all through the attack.
      Future<Integer> served =
          normalClient.submit(
              () -> {
                int ok = 0;
                for (int i = 0; i < 50; i++) {
                  HasSocialAccountResponse answer =
                      SocialAccountServiceGrpc.newBlockingStub(channel)
                          .withDeadlineAfter(30, TimeUnit.SECONDS)
                          .hasSocialAccount(request("during" + i + "@email.com"));
                  if (answer.getVerdict() == Verdict.VERDICT_FOUND) {
                    ok++;
                  }
                }
                return ok;
              });
      RawHttp2.Closing closing;
      int written;
      try (RawHttp2 attacker = new RawHttp2(server.port(), HAS_SOCIAL_ACCOUNT)) {
        written = attacker.rapidReset(attack);
        closing = attacker.readUntilClosed();
      }

      assertThat(closing.closed())
          .as("the server closed the attacking connection (%s)", closing)
          .isTrue();
      if (closing.goAway()) {
        assertThat(closing.goAwayError())
            .as("GOAWAY error code (%s)", closing)
            .isEqualTo(RawHttp2.ERROR_ENHANCE_YOUR_CALM);
      }
      assertThat(served.get(60, TimeUnit.SECONDS)).as("normal calls answered FOUND").isEqualTo(50);
      assertThat(stub.hasSocialAccount(request("after@email.com")).getVerdict())
          .isEqualTo(Verdict.VERDICT_FOUND);
      server.awaitIdle(Duration.ofSeconds(20));
      System.out.printf(
          "[reliability] rapid reset: %d HEADERS+RST_STREAM pairs written of %d; %s%n",
          written, attack, closing);
    } finally {
      normalClient.shutdownNow();
    }
  }

  @Test
  @DisplayName(
      "a client that cancels hundreds of calls keeps its connection, and its other calls live")
  void cancellingManyCalls_keepsTheConnection() throws Exception {
    int rounds = 10;
    int perRound = 40; // like firstFound over 41 addresses, ten times: 400 cancelled calls
    try (RunningServer server = new RunningServer(timers -> catalog(), b -> {})) {
      ManagedChannel channel = server.channel();
      SocialAccountServiceGrpc.SocialAccountServiceFutureStub stub =
          SocialAccountServiceGrpc.newFutureStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
      ListenableFuture<HasSocialAccountResponse> longCall =
          stub.hasSocialAccount(request("long@email.com"));
      FakeChecker.Call longCheck = checker.awaitCall();

      long cancelledBefore = server.callsEnded("CANCELLED");
      for (int round = 0; round < rounds; round++) {
        List<ListenableFuture<HasSocialAccountResponse>> losers = new ArrayList<>();
        int before = checker.callCount();
        for (int i = 0; i < perRound; i++) {
          losers.add(stub.hasSocialAccount(request("r" + round + "n" + i + "@email.com")));
        }
        // Cancel once the server runs their checks: each cancel is then a RST_STREAM.
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> checker.callCount() == before + perRound);
        losers.forEach(f -> f.cancel(true));
        await()
            .atMost(Duration.ofSeconds(20))
            .failFast("the long call on the same connection ended early", longCall::isDone)
            .untilAsserted(
                () -> assertThat(server.callsInFlight()).as("calls in flight").isEqualTo(1));
      }

      longCheck.complete(CheckOutcome.found("at last"));
      assertThat(longCall.get(30, TimeUnit.SECONDS).getVerdict())
          .as("the call left running on the same connection")
          .isEqualTo(Verdict.VERDICT_FOUND);
      assertThat(server.callsEnded("CANCELLED") - cancelledBefore)
          .as("calls the server saw cancelled")
          .isEqualTo((long) rounds * perRound);
      server.awaitIdle(Duration.ofSeconds(20));
    }
  }

  private static HasSocialAccountRequest request(String email) {
    return HasSocialAccountRequest.newBuilder().setEmail(email).build();
  }
}
