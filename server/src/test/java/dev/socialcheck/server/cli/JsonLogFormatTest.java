package dev.socialcheck.server.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socialcheck.server.logging.BatchingConsoleAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * {@code --log-format json} as the shipped logback.xml configures it, in a logger context of its
 * own: one flat JSON object per event with the fields log shippers expect.
 */
class JsonLogFormatTest {

  private static JsonNode encode(ILoggingEvent event) throws Exception {
    LoggerContext context = new LoggerContext();
    context.putProperty("socialcheck.log.format", "JSON");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(JsonLogFormatTest.class.getResource("/logback.xml"));
    try {
      BatchingConsoleAppender json =
          (BatchingConsoleAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("JSON");
      assertThat(json).as("the root logger writes through the JSON appender").isNotNull();
      ByteArrayOutputStream written = new ByteArrayOutputStream();
      json.stop();
      json.setStream(new PrintStream(written, true, UTF_8));
      json.start();
      json.doAppend(event);
      assertThat(json.awaitWritten(Duration.ofSeconds(10))).as("written").isTrue();
      String line = written.toString(UTF_8);
      assertThat(line).as("one object per line").endsWith("\n").containsOnlyOnce("\n");
      return new ObjectMapper().readTree(line);
    } finally {
      context.stop();
    }
  }

  private static LoggingEvent event(
      Level level, String message, Throwable error, Map<String, String> mdc) {
    LoggerContext context = new LoggerContext();
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            context.getLogger("socialcheck.access"),
            level,
            message,
            error,
            null);
    event.setThreadName("socialcheck-grpc-1");
    event.setMDCPropertyMap(mdc);
    return event;
  }

  @Test
  void accessLine_isFlat_withIsoTime_andItsKeyValuesAsFields() throws Exception {
    LoggingEvent event =
        event(Level.INFO, "HasSocialAccount OK 12ms", null, Map.of("request_id", "r-1"));
    event.setKeyValuePairs(
        List.of(
            new KeyValuePair("rpc", "HasSocialAccount"),
            new KeyValuePair("email", "hmac:0123"),
            new KeyValuePair("sample", 0.01)));
    JsonNode line = encode(event);

    assertThat(OffsetDateTime.parse(line.path("@timestamp").asText()))
        .as("@timestamp is ISO-8601")
        .isNotNull();
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("logger").asText()).isEqualTo("socialcheck.access");
    assertThat(line.path("thread").asText()).isEqualTo("socialcheck-grpc-1");
    assertThat(line.path("message").asText()).isEqualTo("HasSocialAccount OK 12ms");
    assertThat(line.path("rpc").asText()).isEqualTo("HasSocialAccount");
    assertThat(line.path("email").asText()).isEqualTo("hmac:0123");
    assertThat(line.path("sample").isNumber()).as("a sampled line's share, as a number").isTrue();
    assertThat(line.path("sample").asDouble()).isEqualTo(0.01);
    assertThat(line.path("request_id").asText()).as("MDC fields are top-level").isEqualTo("r-1");
    for (Map.Entry<String, JsonNode> field : line.properties()) {
      assertThat(field.getValue().isContainerNode())
          .as("field %s is flat", field.getKey())
          .isFalse();
    }
  }

  @Test
  void errorLine_carriesTheStackTrace() throws Exception {
    JsonNode line =
        encode(
            event(
                Level.ERROR,
                "CheckEach failed unexpectedly",
                new IllegalStateException("boom"),
                Map.of()));

    assertThat(line.path("level").asText()).isEqualTo("ERROR");
    assertThat(line.path("stack_trace").asText())
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("\tat ");
  }
}
