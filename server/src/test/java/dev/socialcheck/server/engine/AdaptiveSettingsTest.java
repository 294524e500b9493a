package dev.socialcheck.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bounds of ADAPTIVE's settings, as Finagle's BackupRequestFilter sets them. */
class AdaptiveSettingsTest {
  private static AdaptiveSettings withMaxExtraLoad(double maxExtraLoad) {
    return new AdaptiveSettings(
        95, maxExtraLoad, 20, Duration.ofMinutes(5), 0.5, AdaptiveSettings.DEFAULT_MIN_HEDGE_DELAY);
  }

  private static AdaptiveSettings withMinHedgeDelay(Duration minHedgeDelay) {
    return new AdaptiveSettings(95, 0.25, 20, Duration.ofMinutes(5), 0.5, minHedgeDelay);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 0.25, 0.999})
  void maxExtraLoad_fromZeroToBelowOne_isAccepted(double maxExtraLoad) {
    assertThat(withMaxExtraLoad(maxExtraLoad).maxExtraLoad()).isEqualTo(maxExtraLoad);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1, 1.5, Double.NaN})
  void maxExtraLoad_outsideZeroToOne_isRefused(double maxExtraLoad) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> withMaxExtraLoad(maxExtraLoad))
        .withMessage("maxExtraLoad must be in [0, 1)");
  }

  @Test
  void extraLoadBudget_ofOneOrMore_isRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ExtraLoadBudget(1, 5))
        .withMessage("maxExtraLoad must be in [0, 1), was 1.0");
  }

  @Test
  void minHedgeDelay_defaultsToFinaglesOneMillisecond() {
    assertThat(AdaptiveSettings.DEFAULTS.minHedgeDelay()).isEqualTo(Duration.ofMillis(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "PT-0.001S", "PT61S"})
  void minHedgeDelay_notPositiveOrPastTheLargestHedgeDelay_isRefused(String minHedgeDelay) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> withMinHedgeDelay(Duration.parse(minHedgeDelay)))
        .withMessage("minHedgeDelay must be positive and at most 60s");
  }
}
