package dev.socialcheck.server.catalog;

import static com.google.common.base.Preconditions.checkArgument;

import dev.socialcheck.server.checkers.SimulatedChecker;
import dev.socialcheck.server.checkers.SimulatedCheckerProvider;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.PlatformDescription;
import dev.socialcheck.server.engine.SelfCheckAddresses;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

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
 * <p>Each platform is a {@link SimulatedChecker} (the checker type {@code simulated}): its answer
 * is a timer on the given scheduler, so a check in flight holds no thread and cancelling it removes
 * the timer.
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
    CatalogDefinition definition = definition(scheduler, timeScale);
    return new Catalog(
        definition.name(),
        definition.platforms().stream().map(p -> p.toPlatform(p.checker())).toList());
  }

  /**
   * The demo catalog's platforms, unprotected: simulated platforms call nothing, so they get no
   * circuit breaker or limits ({@link PlatformDefinition#limits()} empty).
   *
   * @param scheduler runs the simulated answers; not owned
   * @param timeScale multiplies every latency and timeout; must be positive
   */
  public static CatalogDefinition definition(ScheduledExecutorService scheduler, double timeScale) {
    checkArgument(
        timeScale > 0 && Double.isFinite(timeScale), "time scale must be positive: %s", timeScale);
    SimulatedChecker.Answer notFound = SimulatedChecker.Answer.of(CheckStatus.NOT_FOUND);
    Map<String, SimulatedChecker.Answer> usual = new LinkedHashMap<>();
    usual.put("nobody", notFound);
    usual.put("flaky", notFound);
    Map<String, SimulatedChecker.Answer> twitter = new LinkedHashMap<>();
    twitter.put("flaky", SimulatedChecker.Answer.of(CheckStatus.ERROR));
    twitter.put("nobody", notFound);
    Map<String, SimulatedChecker.Answer> github = new LinkedHashMap<>();
    github.put("slow", SimulatedChecker.Answer.NONE);
    github.putAll(usual);
    return new CatalogDefinition(
        NAME,
        List.of(
            platform(
                "facebook", "Facebook", 0.60, 5, CheckStatus.FOUND, usual, scheduler, timeScale),
            platform(
                "twitter",
                "Twitter",
                0.073,
                3,
                CheckStatus.NOT_FOUND,
                twitter,
                scheduler,
                timeScale),
            platform(
                "github", "GitHub", 0.009, 1, CheckStatus.FOUND, github, scheduler, timeScale)));
  }

  private static PlatformDefinition platform(
      String id,
      String displayName,
      double prior,
      long latencySeconds,
      CheckStatus answer,
      Map<String, SimulatedChecker.Answer> whenTagged,
      ScheduledExecutorService scheduler,
      double timeScale) {
    return new PlatformDefinition(
        id,
        displayName,
        prior,
        scale(TIMEOUT, timeScale),
        SimulatedCheckerProvider.TYPE,
        new PlatformDescription(
            "simulated",
            "the reference case of socialcheck's origin story (a blog post on racing futures)",
            "simulated: answers "
                + answer
                + " after "
                + latencySeconds
                + " s (times the time scale); tags +nobody, +flaky, +slow change the answer"),
        answer == CheckStatus.FOUND ? Optional.of(SELF_CHECK) : Optional.empty(),
        Optional.empty(),
        new SimulatedChecker(
            scale(Duration.ofSeconds(latencySeconds), timeScale),
            SimulatedChecker.Answer.of(answer),
            whenTagged,
            scheduler));
  }

  private static Duration scale(Duration duration, double timeScale) {
    return Duration.ofNanos(Math.max(1, Math.round(duration.toNanos() * timeScale)));
  }
}
