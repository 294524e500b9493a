package dev.socialcheck.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socialcheck.server.engine.CheckObserver;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** When tracing is on: only when the standard OpenTelemetry settings ask for an exporter. */
class TracingSettingsTest {
  private static Properties properties(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  @Test
  void requested_noSettings_isOff() {
    assertThat(Tracing.requested(Map.of(), properties())).as("off by default").isFalse();
  }

  @Test
  void requested_tracesExporterInTheEnvironment_isOn() {
    assertThat(Tracing.requested(Map.of("OTEL_TRACES_EXPORTER", "otlp"), properties())).isTrue();
  }

  @Test
  void requested_tracesExporterAsSystemProperty_isOn() {
    assertThat(Tracing.requested(Map.of(), properties("otel.traces.exporter", "otlp"))).isTrue();
  }

  @Test
  void requested_exporterNone_isOff() {
    assertThat(Tracing.requested(Map.of("OTEL_TRACES_EXPORTER", "none"), properties())).isFalse();
  }

  @Test
  void requested_sdkDisabled_isOff() {
    assertThat(
            Tracing.requested(
                Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true"), properties()))
        .isFalse();
  }

  @Test
  void off_buildsNothing_andObservesNothing() {
    Tracing off = Tracing.off();

    assertThat(off.enabled()).isFalse();
    assertThat(off.observer()).as("engine hook when off").isSameAs(CheckObserver.NONE);
  }

  @Test
  void autoconfigure_badProtocol_saysWhichSetting() {
    assertThatThrownBy(
            () ->
                Tracing.autoconfigure(
                    Map.of(
                        "otel.traces.exporter", "otlp",
                        "otel.exporter.otlp.protocol", "carrier-pigeon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carrier-pigeon");
  }
}
