package dev.socialcheck.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Strategy;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The files in {@code deploy/observability/}: the alert rules pass {@code promtool}, and every
 * socialcheck metric that the dashboard or the rules use exists on the {@code /metrics} of a real
 * server process (HTTP catalog against a fake platform on 127.0.0.1, result cache, circuit
 * breakers, adaptive concurrency limit), once a few calls made the lazily created series.
 */
class ObservabilityFilesIT {
  private static final Path DIR = ItConfig.repoDir().resolve("deploy/observability");
  private static final Pattern METRIC = Pattern.compile("\\bsocialcheck_[a-z0-9_]+");

  @Test
  void alertRules_passPromtoolCheck_andTheirUnitTests() throws Exception {
    ExternalProgram.Result check =
        ExternalProgram.run(
            "promtool-check",
            List.of("promtool", "check", "rules", "prometheus-alerts.yaml"),
            DIR,
            Map.of(),
            Duration.ofSeconds(60));
    assertThat(check.exitCode()).as(check.describe()).isZero();
    assertThat(check.output()).as(check.describe()).contains("SUCCESS: 5 rules found");

    ExternalProgram.Result test =
        ExternalProgram.run(
            "promtool-test",
            List.of("promtool", "test", "rules", "prometheus-alerts.test.yaml"),
            DIR,
            Map.of(),
            Duration.ofSeconds(60));
    assertThat(test.exitCode()).as(test.describe()).isZero();
  }

  /** socialcheck metric names used in a file (histogram series reduced to the metric's name). */
  private static Set<String> metricsUsedIn(Path file) throws Exception {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(Files.readString(file));
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  @Test
  void everyMetricOfTheDashboardAndTheRules_existsOnAScrapedServer() throws Exception {
    Set<String> used = new TreeSet<>(metricsUsedIn(DIR.resolve("grafana-dashboard.json")));
    used.addAll(metricsUsedIn(DIR.resolve("prometheus-alerts.yaml")));
    assertThat(used).as("metrics the dashboard and rules use").hasSizeGreaterThan(10);

    HttpServer platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    platform.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.sendResponseHeaders(
                exchange.getRequestURI().getPath().contains("/a") ? 200 : 404, -1);
          }
        });
    platform.start();
    Path catalog = Files.createDirectories(ItConfig.logDir()).resolve("observability-catalog.yaml");
    Files.writeString(
        catalog,
        """
        platforms:
          - {id: alpha, name: Alpha, prior: 0.5, kind: api, timeout: 5s,
             request: {url: "http://127.0.0.1:%1$d/a/{email_sha256}"},
             self_check: {exists: someone@example.com, missing: nobody@example.com},
             rules: [{status: 200, result: FOUND}, {status: 404, result: NOT_FOUND}]}
          - {id: beta, name: Beta, prior: 0.3, kind: api, timeout: 5s,
             request: {url: "http://127.0.0.1:%1$d/b/{email_sha256}"},
             rules: [{status: 200, result: FOUND}, {status: 404, result: NOT_FOUND}]}
        """
            .formatted(platform.getAddress().getPort()));
    try (ServerProcess server =
        ServerProcess.start(
            "ObservabilityFilesIT",
            "--catalog",
            catalog.toString(),
            "--metrics-port",
            "0",
            "--concurrency-limit",
            "adaptive",
            "--canary-interval",
            "1h")) {
      ManagedChannel channel =
          ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
      try {
        var stub = SocialAccountServiceGrpc.newBlockingStub(channel);
        for (Strategy strategy :
            List.of(Strategy.STRATEGY_RACE, Strategy.STRATEGY_ADAPTIVE, Strategy.STRATEGY_HEDGED)) {
          for (int i = 0; i < 2; i++) { // the second call of an address is a cache hit
            stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                .hasSocialAccount(
                    HasSocialAccountRequest.newBuilder()
                        .setEmail("user@email.com")
                        .setStrategy(strategy)
                        .build());
          }
        }
        stub.withDeadlineAfter(20, TimeUnit.SECONDS)
            .checkEach(CheckEachRequest.newBuilder().setEmail("other@email.com").build())
            .forEachRemaining(r -> {});
      } finally {
        channel.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
      }
      String scrape = ServerMetrics.of(server).scrape();

      Set<String> missing = new TreeSet<>();
      for (String name : used) {
        if (!Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(scrape).find()) {
          missing.add(name);
        }
      }
      assertThat(missing)
          .as("metrics used by deploy/observability but not on /metrics:%n%s", scrape)
          .isEmpty();
    } finally {
      platform.stop(0);
    }
  }
}
