package dev.socialcheck.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationTextTest {
  @ParameterizedTest
  @CsvSource({
    "0,0ms",
    "850,850ms",
    "1000,1s",
    "1250,1.25s",
    "59999,59.999s",
    "125000,2m5s",
    "3600000,1h0m",
    "5430000,1h30m"
  })
  void format_isCompact(long millis, String text) {
    assertThat(DurationText.format(Duration.ofMillis(millis))).isEqualTo(text);
  }
}
