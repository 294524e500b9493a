package dev.socialcheck.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Option precedence: command line, then SOCIALCHECK_* environment, then config file, then built-in.
 */
class ConfigDefaultsTest {
  @TempDir Path dir;

  private ServeCommand parse(Map<String, String> environment, String... args) {
    ConfigDefaults defaults = ConfigDefaults.from(args, environment::get);
    CommandLine commandLine = Main.commandLine(defaults);
    defaults.validate(commandLine);
    CommandLine.ParseResult result = commandLine.parseArgs(args);
    return (ServeCommand) result.subcommand().commandSpec().userObject();
  }

  private Path config(String text) throws Exception {
    Path file = dir.resolve("socialcheck.properties");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void builtInDefaults_applyWhenNothingElseIsSet() {
    ServeCommand serve = parse(Map.of(), "serve");

    assertThat(serve.port).isEqualTo(50051);
    assertThat(serve.metricsPort).isNull();
    assertThat(serve.maxConnectionAge).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void configFile_overridesBuiltInDefaults_withPlainOrCommandQualifiedKeys() throws Exception {
    Path file = config("port=6000\nserve.metrics-port=9100\nmax-connection-age=5m\n");

    ServeCommand serve = parse(Map.of(), "serve", "--config", file.toString());

    assertThat(serve.port).isEqualTo(6000);
    assertThat(serve.metricsPort).isEqualTo(9100);
    assertThat(serve.maxConnectionAge).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void environment_overridesTheConfigFile() throws Exception {
    Path file = config("port=6000\nlog-format=json\n");

    ServeCommand serve =
        parse(
            Map.of("SOCIALCHECK_PORT", "7000", "SOCIALCHECK_CALLER_RATE_LIMIT", "2.5"),
            "serve",
            "--config=" + file);

    assertThat(serve.port).isEqualTo(7000);
    assertThat(serve.callerRateLimit).isEqualTo(2.5);
    assertThat(serve.logFormat).isEqualTo(LogFormat.JSON);
  }

  @Test
  void commandLine_overridesEverything() throws Exception {
    Path file = config("port=6000\n");

    ServeCommand serve =
        parse(
            Map.of("SOCIALCHECK_PORT", "7000", "SOCIALCHECK_CONFIG", file.toString()),
            "serve",
            "--port",
            "8000");

    assertThat(serve.port).isEqualTo(8000);
  }

  @Test
  void unknownKey_inTheConfigFile_isAnError() throws Exception {
    Path file = config("port=6000\nmetrics_port=9100\n");

    assertThatThrownBy(() -> parse(Map.of(), "serve", "--config", file.toString()))
        .hasMessageContaining("unknown keys [metrics_port]");
  }

  @Test
  void missingConfigFile_isAnError() {
    assertThatThrownBy(() -> parse(Map.of(), "serve", "--config", "/no/such/file.properties"))
        .hasMessage("config file /no/such/file.properties: cannot read it: no such file");
  }

  @Test
  void redisOptions_comeFromTheEnvironmentAndTheConfigFile() throws Exception {
    Path file = config("redis-timeout=250ms\nserve.redis-platform-limits=false\n");

    ServeCommand serve =
        parse(
            Map.of("SOCIALCHECK_REDIS", "redis://:pw@redis:6379/0"),
            "serve",
            "--config",
            file.toString());

    assertThat(serve.redisOptions.enabled()).isTrue();
    assertThat(serve.redisOptions.uri).isEqualTo("redis://:pw@redis:6379/0");
    assertThat(serve.redisOptions.commandTimeout).isEqualTo(Duration.ofMillis(250));
    assertThat(serve.redisOptions.sharePlatformLimits).isFalse();
    assertThat(serve.redisOptions.keyPrefix).isEqualTo("socialcheck:");
  }

  @Test
  void cacheKeySecretFile_comesFromTheEnvironmentOrTheConfigFile() throws Exception {
    Path file = config("serve.cache-key-secret-file=/from/config\n");

    assertThat(parse(Map.of(), "serve").cacheOptions.cacheKeySecretFile).isNull();
    assertThat(
            parse(Map.of(), "serve", "--config", file.toString()).cacheOptions.cacheKeySecretFile)
        .isEqualTo(Path.of("/from/config"));
    assertThat(
            parse(
                    Map.of("SOCIALCHECK_CACHE_KEY_SECRET_FILE", "/from/env"),
                    "serve",
                    "--config",
                    file.toString())
                .cacheOptions
                .cacheKeySecretFile)
        .isEqualTo(Path.of("/from/env"));
  }

  @Test
  void withoutRedis_orWithAnEmptyValue_redisIsOff() throws Exception {
    assertThat(parse(Map.of(), "serve").redisOptions.enabled()).isFalse();
    assertThat(parse(Map.of("SOCIALCHECK_REDIS", ""), "serve").redisOptions.enabled()).isFalse();
  }

  @Test
  void environmentNames_followTheOptionNames() {
    assertThat(ConfigDefaults.environmentName("--metrics-port"))
        .isEqualTo("SOCIALCHECK_METRICS_PORT");
  }
}
