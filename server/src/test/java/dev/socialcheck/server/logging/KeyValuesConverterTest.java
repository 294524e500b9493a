package dev.socialcheck.server.logging;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.status.Status;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.KeyValuePair;

/** Our {@code %kvp} writes exactly what logback's own converter writes. */
class KeyValuesConverterTest {
  private final LoggerContext context = new LoggerContext();

  private PatternLayout layout(String pattern, boolean ours) {
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    if (ours) {
      layout.getInstanceConverterMap().put("kvp", KeyValuesConverter::new);
    }
    layout.setPattern(pattern);
    layout.start();
    return layout;
  }

  private LoggingEvent event(List<KeyValuePair> pairs) {
    LoggingEvent event = new LoggingEvent();
    event.setLoggerContext(context);
    event.setLoggerName("socialcheck.access");
    event.setLevel(Level.INFO);
    event.setMessage("HasSocialAccount OK 3ms");
    pairs.forEach(event::addKeyValuePair);
    return event;
  }

  private static final List<KeyValuePair> ACCESS_LINE =
      List.of(
          new KeyValuePair("rpc", "HasSocialAccount"),
          new KeyValuePair("code", "OK"),
          new KeyValuePair("elapsed_ms", 3L),
          new KeyValuePair("items", 12),
          new KeyValuePair("ratio", 0.5),
          new KeyValuePair("caller", null),
          new KeyValuePair("email", "hmac:0123abcd"));

  @ParameterizedTest
  @ValueSource(
      strings = {"%kvp", "%kvp{DOUBLE}", "%kvp{SINGLE}", "%kvp{NONE}", "%-120kvp|", "%.20kvp"})
  void writesWhatLogbacksConverterWrites(String kvp) {
    String pattern = "%level - %msg " + kvp + "%n";
    for (List<KeyValuePair> pairs :
        List.of(ACCESS_LINE, List.of(new KeyValuePair("one", "x")), List.<KeyValuePair>of())) {
      LoggingEvent event = event(pairs);

      String ours = layout(pattern, true).doLayout(event);

      assertThat(ours).isEqualTo(layout(pattern, false).doLayout(event));
    }
  }

  @Test
  void anAccessLine() {
    assertThat(layout("%kvp", true).doLayout(event(ACCESS_LINE)))
        .isEqualTo(
            "rpc=\"HasSocialAccount\" code=\"OK\" elapsed_ms=\"3\" items=\"12\" ratio=\"0.5\""
                + " caller=\"null\" email=\"hmac:0123abcd\"");
  }

  /** The shipped logback.xml loads without an error and lays out with this converter. */
  @Test
  void theShippedConfiguration_usesIt() throws Exception {
    LoggerContext shipped = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(shipped);
    configurator.doConfigure(requireNonNull(getClass().getResource("/logback.xml")));

    // (The JSON appender is declared but not referenced unless --log-format json: one WARN.)
    assertThat(shipped.getStatusManager().getCopyOfStatusList())
        .noneMatch(status -> status.getLevel() >= Status.ERROR)
        .noneMatch(
            status -> status.getLevel() >= Status.WARN && !status.getMessage().contains("[JSON]"));
    @SuppressWarnings("unchecked")
    Map<String, ?> rules =
        (Map<String, ?>) shipped.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
    assertThat(rules).containsKey("kvp");
    assertThat(((Supplier<?>) requireNonNull(rules.get("kvp"))).get())
        .isInstanceOf(KeyValuesConverter.class);
    shipped.stop();
  }
}
