package dev.socialcheck.server.canary;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import dev.socialcheck.server.metrics.ServiceMetrics;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.server.testing.TickerClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The canary on fake time with a platform that answers as the test says: it passes, then the
 * platform starts failing (the drift is logged once), the platform is taken out of service after N
 * failures, and it is back as soon as a canary passes again. Checks refused by our own limits
 * change nothing.
 */
class CanaryTest {
  private static final Duration INTERVAL = Duration.ofMinutes(10);
  private static final EmailAddress EXISTS = EmailAddress.parse("known@example.com");
  private static final EmailAddress MISSING = EmailAddress.parse("unknown@example.com");

  private final FakeScheduler clock = new FakeScheduler();
  private final ScriptedPlatform platform = new ScriptedPlatform();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger canaryLogger = (Logger) LoggerFactory.getLogger(Canary.class);
  private Canary canary;

  CanaryTest() {
    logs.start();
    canaryLogger.addAppender(logs);
    canaryLogger.setLevel(Level.INFO);
    // The drifts these tests provoke are captured here, not printed: a green build reads green.
    canaryLogger.setAdditive(false);
  }

  @AfterEach
  void tearDown() {
    if (canary != null) {
      canary.close();
    }
    canaryLogger.detachAppender(logs);
    canaryLogger.setLevel(null);
    canaryLogger.setAdditive(true);
    assertThat(clock.pendingTasks()).as("no timer left after close").isZero();
  }

  /** A platform whose answers the test sets: FOUND/NOT_FOUND as declared, or else. */
  private static final class ScriptedPlatform implements PlatformChecker {
    volatile CheckStatus existsAnswer = CheckStatus.FOUND;
    volatile CheckStatus missingAnswer = CheckStatus.NOT_FOUND;
    final List<CheckContext> contexts = new ArrayList<>();

    @Override
    public synchronized ListenableFuture<CheckOutcome> check(
        EmailAddress email, CheckContext context) {
      contexts.add(context);
      CheckStatus status = email.equals(EXISTS) ? existsAnswer : missingAnswer;
      return Futures.immediateFuture(new CheckOutcome(status, "scripted " + status));
    }
  }

  private Platform watched() {
    return new Platform(
        "shop",
        "Shop",
        0.5,
        Duration.ofSeconds(5),
        platform,
        Optional.of(new SelfCheckAddresses(EXISTS, MISSING)));
  }

  private Platform start(int autoDisableAfter) {
    Platform plain = new Platform("plain", "Plain", 0.1, Duration.ofSeconds(5), platform);
    canary =
        Canary.of(
            List.of(watched(), plain),
            new Canary.Settings(INTERVAL, autoDisableAfter),
            clock,
            new TickerClock(clock.ticker()));
    List<Platform> served = canary.gated(List.of(watched(), plain));
    assertThat(served.get(1))
        .as("a platform without self-check addresses is not gated")
        .isEqualTo(plain);
    assertThat(canary.platforms()).containsExactly("shop");
    canary.start();
    return served.get(0);
  }

  private Canary.State state() {
    return canary.state("shop").orElseThrow();
  }

  private List<String> messages(Level level) {
    return logs.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void aPassingCanary_isOk_andChecksFresh_withoutTheCache() {
    start(0);

    clock.advance(Duration.ZERO); // the first platform starts at once

    assertThat(state().ok()).isTrue();
    assertThat(state().lastResult()).isEqualTo("OK");
    assertThat(state().lastSuccess()).isNotNull();
    assertThat(platform.contexts).hasSize(2).allMatch(CheckContext::fresh);
    assertThat(messages(Level.WARN)).isEmpty();
  }

  @Test
  void aDrift_isLoggedOnce_andCountsFailuresInARow() {
    start(0);
    clock.advance(Duration.ZERO);

    platform.missingAnswer = CheckStatus.FOUND; // now FOUND for everybody: rules read it wrong
    clock.advance(INTERVAL);
    clock.advance(INTERVAL);
    clock.advance(INTERVAL);

    assertThat(state().ok()).isFalse();
    assertThat(state().consecutiveFailures()).isEqualTo(3);
    assertThat(state().lastResult()).startsWith("CHANGED");
    assertThat(messages(Level.WARN))
        .singleElement()
        .asString()
        .contains("canary drift: platform shop", "CHANGED");
    assertThat(state().disabled()).as("auto-disable is off").isFalse();
  }

  @Test
  void afterNFailuresInARow_thePlatformIsOutOfService_untilACanaryPasses() throws Exception {
    Platform served = start(2);
    clock.advance(Duration.ZERO);
    platform.existsAnswer = CheckStatus.ERROR;

    clock.advance(INTERVAL);
    assertThat(state().disabled()).as("one failure is not enough").isFalse();
    clock.advance(INTERVAL);

    assertThat(state().disabled()).isTrue();
    assertThat(served.checker().available()).isFalse();
    assertThat(served.checker().unavailableReason())
        .get()
        .asString()
        .startsWith("taken out of service by the canary after 2 failed self-checks in a row");
    CheckOutcome refused =
        served.checker().check(EXISTS, new CheckContext(Duration.ofSeconds(5))).get();
    assertThat(refused.status()).isEqualTo(CheckStatus.SKIPPED);
    assertThat(messages(Level.WARN)).anyMatch(m -> m.contains("taken out of service"));

    platform.existsAnswer = CheckStatus.FOUND; // the platform is right again
    clock.advance(INTERVAL);

    assertThat(state().disabled()).isFalse();
    assertThat(state().consecutiveFailures()).isZero();
    assertThat(served.checker().available()).isTrue();
    assertThat(
            served.checker().check(EXISTS, new CheckContext(Duration.ofSeconds(5))).get().status())
        .isEqualTo(CheckStatus.FOUND);
    assertThat(messages(Level.INFO)).anyMatch(m -> m.contains("platform shop back in service"));
  }

  @Test
  void checksRefusedByOurOwnLimits_changeNothing() {
    start(1);
    clock.advance(Duration.ZERO);

    platform.existsAnswer = CheckStatus.RATE_LIMITED;
    clock.advance(INTERVAL);

    assertThat(state().ok()).isTrue();
    assertThat(state().consecutiveFailures()).isZero();
    assertThat(state().disabled()).isFalse();
    assertThat(state().lastResult()).startsWith("INCONCLUSIVE: RATE_LIMITED");
  }

  @Test
  void aCanaryThatGetsNoAnswer_timesOutOnThePlatformsTimeout_andCountsAsAFailure() {
    PlatformChecker silent = (email, context) -> SettableFuture.create();
    canary =
        Canary.of(
            List.of(
                new Platform(
                    "silent",
                    "Silent",
                    0.5,
                    Duration.ofSeconds(5),
                    silent,
                    Optional.of(new SelfCheckAddresses(EXISTS, MISSING)))),
            new Canary.Settings(INTERVAL, 0),
            clock,
            new TickerClock(clock.ticker()));
    canary.start();
    clock.advance(Duration.ZERO);
    assertThat(canary.state("silent").orElseThrow().lastRun()).as("still waiting").isNull();

    clock.advance(Duration.ofSeconds(5));

    Canary.State state = canary.state("silent").orElseThrow();
    assertThat(state.ok()).isFalse();
    assertThat(state.lastResult()).isEqualTo("NO ANSWER: TIMEOUT (no answer within 5s)");
  }

  @Test
  void metrics_showTheCanaryState() {
    start(0);
    ServiceMetrics metrics = new ServiceMetrics();
    metrics.bindCanary(canary);
    assertThat(value(metrics.scrape(), "socialcheck_canary_ok{platform=\"shop\"}")).isNaN();

    clock.advance(Duration.ZERO);
    String passed = metrics.scrape();
    assertThat(value(passed, "socialcheck_canary_ok{platform=\"shop\"}")).isEqualTo(1.0);
    assertThat(value(passed, "socialcheck_canary_last_success_seconds{platform=\"shop\"}"))
        .isEqualTo(state().lastSuccess().toEpochMilli() / 1000.0);

    platform.existsAnswer = CheckStatus.NOT_FOUND;
    clock.advance(INTERVAL);
    String failed = metrics.scrape();
    assertThat(value(failed, "socialcheck_canary_ok{platform=\"shop\"}")).isZero();
    assertThat(value(failed, "socialcheck_canary_consecutive_failures{platform=\"shop\"}"))
        .isEqualTo(1.0);
    assertThat(value(failed, "socialcheck_canary_disabled{platform=\"shop\"}")).isZero();
  }

  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+|NaN)$").matcher(scrape);
    assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
