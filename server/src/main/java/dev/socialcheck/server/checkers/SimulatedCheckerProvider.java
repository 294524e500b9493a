package dev.socialcheck.server.checkers;

import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.spi.CheckerContext;
import dev.socialcheck.server.spi.CheckerEntry;
import dev.socialcheck.server.spi.CheckerProvider;
import dev.socialcheck.server.spi.SettingsField;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checker type {@code simulated}: a {@link SimulatedChecker}, offline. Settings:
 *
 * <pre>
 * settings:
 *   latency: 1s                 # how long every answer takes
 *   answer: FOUND               # FOUND, NOT_FOUND, ERROR, RATE_LIMITED, BLOCKED, INVALID or none
 *   when_tagged:                # optional: answers by plus-address tag (first listed tag wins)
 *     nobody: NOT_FOUND         # user+nobody@email.com
 *     slow: none                # never answers: the check times out
 * </pre>
 *
 * The demo catalog ({@code --catalog demo}) is three such platforms; {@code docs/catalog.md} shows
 * it written as YAML.
 */
public final class SimulatedCheckerProvider implements CheckerProvider {
  /** The type's name. */
  public static final String TYPE = "simulated";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public PlatformChecker newChecker(CheckerEntry entry, CheckerContext context) {
    SettingsField settings = entry.settings().allowOnly(Set.of("latency", "answer", "when_tagged"));
    Map<String, SimulatedChecker.Answer> whenTagged = new LinkedHashMap<>();
    settings
        .optional("when_tagged")
        .ifPresent(
            tags -> {
              for (SettingsField tag : tags.entries()) {
                whenTagged.put(tag.name(), answer(tag));
              }
            });
    return new SimulatedChecker(
        settings.required("latency").duration(),
        answer(settings.required("answer")),
        whenTagged,
        context.scheduler());
  }

  private static SimulatedChecker.Answer answer(SettingsField field) {
    return field.text().toLowerCase(Locale.ROOT).equals("none")
        ? SimulatedChecker.Answer.NONE
        : SimulatedChecker.Answer.of(field.status());
  }
}
