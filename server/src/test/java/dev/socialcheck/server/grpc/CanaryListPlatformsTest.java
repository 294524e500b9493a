package dev.socialcheck.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Futures;
import dev.socialcheck.server.canary.Canary;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckObserver;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformDescription;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.server.testing.TickerClock;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.PlatformStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@code ListPlatforms} says of a platform the canary watches: its description, the canary's
 * findings, and, once the canary took it out of service, that it is unavailable and why; a call
 * then skips it.
 */
class CanaryListPlatformsTest {
  private static final EmailAddress EXISTS = EmailAddress.parse("known@example.com");
  private volatile CheckStatus existsAnswer = CheckStatus.FOUND;

  @Test
  void listPlatforms_showsTheCanary_andAPlatformOutOfService() throws Exception {
    Platform shop =
        new Platform(
            "shop",
            "Shop",
            0.5,
            Duration.ofSeconds(5),
            (email, context) ->
                Futures.immediateFuture(
                    new CheckOutcome(
                        email.equals(EXISTS) ? existsAnswer : CheckStatus.NOT_FOUND, "scripted")),
            Optional.of(new SelfCheckAddresses(EXISTS, EmailAddress.parse("unknown@example.com"))),
            new PlatformDescription("lookup", "https://shop.example/docs", "an account exists"));
    FakeScheduler canaryClock = new FakeScheduler();
    Canary canary =
        Canary.of(
            List.of(shop),
            new Canary.Settings(Duration.ofMinutes(10), 1),
            canaryClock,
            new TickerClock(canaryClock.ticker()));
    Catalog gated = new Catalog("test", canary.gated(List.of(shop)));
    try (canary;
        TestServer server =
            new TestServer(gated, CheckObserver.NONE, builder -> builder.canary(canary))) {
      canary.start();
      canaryClock.advance(Duration.ZERO);

      dev.socialcheck.v1.Platform healthy = only(server);
      assertThat(healthy.getKind()).isEqualTo("lookup");
      assertThat(healthy.getSource()).isEqualTo("https://shop.example/docs");
      assertThat(healthy.getNotes()).isEqualTo("an account exists");
      assertThat(healthy.getCanary().getOk()).isTrue();
      assertThat(healthy.getCanary().getLastResult()).isEqualTo("OK");
      assertThat(healthy.getCanary().hasLastSuccess()).isTrue();
      assertThat(healthy.getStats().getAvailable()).isTrue();
      assertThat(healthy.getStats().getUnavailableReason()).isEmpty();

      existsAnswer = CheckStatus.NOT_FOUND;
      canaryClock.advance(Duration.ofMinutes(10));

      dev.socialcheck.v1.Platform disabled = only(server);
      assertThat(disabled.getCanary().getOk()).isFalse();
      assertThat(disabled.getCanary().getDisabled()).isTrue();
      assertThat(disabled.getCanary().getConsecutiveFailures()).isEqualTo(1);
      assertThat(disabled.getStats().getAvailable()).isFalse();
      assertThat(disabled.getStats().getUnavailableReason())
          .startsWith("taken out of service by the canary after 1 failed self-checks in a row");
      HasSocialAccountResponse answer =
          server
              .blocking()
              .hasSocialAccount(
                  HasSocialAccountRequest.newBuilder().setEmail("someone@example.com").build());
      assertThat(answer.getResults(0).getStatus())
          .isEqualTo(PlatformStatus.PLATFORM_STATUS_SKIPPED);
    }
  }

  private static dev.socialcheck.v1.Platform only(TestServer server) {
    return server
        .blocking()
        .listPlatforms(ListPlatformsRequest.getDefaultInstance())
        .getPlatforms(0);
  }
}
