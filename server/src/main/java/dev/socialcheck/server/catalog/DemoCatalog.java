package dev.socialcheck.server.catalog;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ListeningScheduledExecutorService;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.SettableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.engine.PlatformDescription;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The built-in offline catalog: three simulated platforms that reproduce the reference scenario (a
 * blog post on racing futures) without any network.
 *
 * <table>
 *   <caption>Simulated platforms (at time scale 1)</caption>
 *   <tr><th>id</th><th>prior</th><th>answers after</th><th>answer</th></tr>
 *   <tr><td>facebook</td><td>0.60</td><td>5 s</td><td>FOUND</td></tr>
 *   <tr><td>twitter</td><td>0.073</td><td>3 s</td><td>NOT_FOUND</td></tr>
 *   <tr><td>github</td><td>0.009</td><td>1 s</td><td>FOUND</td></tr>
 * </table>
 *
 * <p>Priors are users / ~4.5 billion internet users (2.7 billion, 330 million, 40 million). Every
 * platform times out after 10 s. Plus-address tags change the answers, to try every verdict by
 * hand: {@code +nobody} (every platform NOT_FOUND), {@code +flaky} (twitter ERROR, the others
 * NOT_FOUND: verdict UNKNOWN), {@code +slow} (github never answers: TIMEOUT). For example {@code
 * user+nobody@email.com}. The self-check addresses of facebook and github are {@code
 * user@email.com} (exists) and {@code user+nobody@email.com} (missing), so {@code socialcheck
 * selfcheck --catalog demo} shows what a healthy catalog looks like.
 *
 * <p>Each simulated answer is a timer on the given scheduler, so a check in flight holds no thread
 * and cancelling it removes the timer.
 */
public final class DemoCatalog {
  /** The catalog name used by {@code --catalog demo}. */
  public static final String NAME = "demo";

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final SelfCheckAddresses SELF_CHECK =
      new SelfCheckAddresses(
          EmailAddress.parse("user@email.com"), EmailAddress.parse("user+nobody@email.com"));

  private DemoCatalog() {}

  /**
   * Creates the demo catalog.
   *
   * @param scheduler runs the simulated answers; not owned
   * @param timeScale multiplies every latency and timeout (e.g. 0.01 makes 1 s into 10 ms); must be
   *     positive
   */
  public static Catalog create(ScheduledExecutorService scheduler, double timeScale) {
    checkArgument(
        timeScale > 0 && Double.isFinite(timeScale), "time scale must be positive: %s", timeScale);
    ListeningScheduledExecutorService timers = MoreExecutors.listeningDecorator(scheduler);
    return new Catalog(
        NAME,
        List.of(
            platform("facebook", "Facebook", 0.60, 5, CheckStatus.FOUND, timers, timeScale),
            platform("twitter", "Twitter", 0.073, 3, CheckStatus.NOT_FOUND, timers, timeScale),
            platform("github", "GitHub", 0.009, 1, CheckStatus.FOUND, timers, timeScale)));
  }

  private static Platform platform(
      String id,
      String displayName,
      double prior,
      long latencySeconds,
      CheckStatus answer,
      ListeningScheduledExecutorService timers,
      double timeScale) {
    return new Platform(
        id,
        displayName,
        prior,
        scale(TIMEOUT, timeScale),
        new SimulatedChecker(
            id, scale(Duration.ofSeconds(latencySeconds), timeScale), answer, timers),
        answer == CheckStatus.FOUND ? Optional.of(SELF_CHECK) : Optional.empty(),
        new PlatformDescription(
            "simulated",
            "the reference case of socialcheck's origin story (a blog post on racing futures)",
            "simulated: answers "
                + answer
                + " after "
                + latencySeconds
                + " s (times the time scale); tags +nobody, +flaky, +slow change the answer"));
  }

  private static Duration scale(Duration duration, double timeScale) {
    return Duration.ofNanos(Math.max(1, Math.round(duration.toNanos() * timeScale)));
  }

  /** Answers after a fixed latency, unless a tag in the address says otherwise. */
  private record SimulatedChecker(
      String id, Duration latency, CheckStatus answer, ListeningScheduledExecutorService timers)
      implements PlatformChecker {

    @Override
    public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
      Set<String> tags = tagsOf(email);
      if (tags.contains("slow") && id.equals("github")) {
        // Never answers; the engine's timeout cancels it, which completes nothing but this future.
        return SettableFuture.create();
      }
      CheckOutcome outcome = outcomeFor(tags);
      return timers.schedule(() -> outcome, latency.toNanos(), TimeUnit.NANOSECONDS);
    }

    private CheckOutcome outcomeFor(Set<String> tags) {
      if (tags.contains("flaky") && id.equals("twitter")) {
        return CheckOutcome.error("simulated platform error (HTTP 503)");
      }
      if (tags.contains("nobody") || tags.contains("flaky")) {
        return CheckOutcome.notFound("simulated: no account");
      }
      return answer == CheckStatus.FOUND
          ? CheckOutcome.found("simulated: account exists")
          : CheckOutcome.notFound("simulated: no account");
    }

    private static Set<String> tagsOf(EmailAddress email) {
      String[] parts = email.localPart().split("\\+");
      return Arrays.stream(parts).skip(1).collect(Collectors.toUnmodifiableSet());
    }
  }
}
