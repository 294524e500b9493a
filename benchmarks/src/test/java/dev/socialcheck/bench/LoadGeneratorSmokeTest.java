package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.CatalogDefinition;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.v1.HasSocialAccountRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A few hundred milliseconds of load against an in-process server: the harness counts right. */
class LoadGeneratorSmokeTest {
  private ScheduledExecutorService scheduler;
  private SocialCheckServer server;
  private LoadGenerator load;

  @BeforeEach
  void startServer() throws Exception {
    scheduler = CheckEngine.newScheduler();
    server =
        SocialCheckServer.builder(
                new CheckEngine(scheduler, Ticker.systemTicker()),
                BenchCatalogs.create("instant", scheduler, Duration.ZERO, 1, 1))
            .host("127.0.0.1")
            .port(0)
            .shutdownGrace(Duration.ZERO)
            .start();
    load = new LoadGenerator(server.port(), 2);
  }

  @AfterEach
  void stopServer() {
    load.close();
    server.shutdown();
    scheduler.shutdownNow();
  }

  private static LoadGenerator.Lane lane(String name) {
    return new LoadGenerator.Lane(
        name,
        n -> HasSocialAccountRequest.newBuilder().setEmail("u" + n + "@smoke.example").build(),
        null);
  }

  @Test
  void closedLoop_countsCallsAndChecks() throws Exception {
    LoadGenerator.Result result =
        load.closedLoop(
            lane("closed"),
            4,
            // Generous windows: the first calls on a fresh channel can take a second on a busy
            // machine, and this test only checks the counting.
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            LoadGenerator.Window.NONE);

    assertThat(result.errors()).as("errors").isEmpty();
    assertThat(result.ok()).as("calls completed in the window").isPositive();
    assertThat(result.callsPerRequest()).as("3 instant platforms, all started").isEqualTo(3.0);
    assertThat(result.latency().getTotalCount()).as("one latency per call").isEqualTo(result.ok());
  }

  @Test
  void resultCache_hitsAreSeenInTheResponses_andNotCountedAsCalls() throws Exception {
    CallCounter counter = new CallCounter();
    // As BenchServer --cache-ttl 1m assembles it: the result cache in front of every platform.
    ServerAssembly cached =
        ServerAssembly.create(
            ServerSettings.newBuilder()
                .catalog(
                    context ->
                        CatalogDefinition.unprotected(
                            counter.wrap(
                                BenchCatalogs.create(
                                    "instant", context.scheduler(), Duration.ZERO, 1, 1))))
                .cacheTtlFound(Duration.ofMinutes(1))
                .cacheTtlNotFound(Duration.ofMinutes(1))
                .cacheMaxEntries(100)
                .host("127.0.0.1")
                .port(0)
                .shutdownGrace(Duration.ZERO)
                .build());
    try (LoadGenerator other = new LoadGenerator(cached.startServer().port(), 1)) {
      LoadGenerator.Lane lane =
          new LoadGenerator.Lane(
                  "same address",
                  n -> HasSocialAccountRequest.newBuilder().setEmail("same@smoke.example").build(),
                  null)
              .via(other);
      // One call at a time (instant platforms): only the first one misses.
      LoadGenerator.Result result =
          load.closedLoop(
              lane,
              1,
              Duration.ofMillis(200),
              Duration.ofMillis(300),
              Duration.ofSeconds(5),
              LoadGenerator.Window.NONE);

      Map<String, String> calls = ServerProcess.parsePairs("STATS" + counter.stats());
      assertThat(result.errors()).as("errors").isEmpty();
      assertThat(calls.get("platformCalls")).as("platform calls: the first call's").isEqualTo("3");
      assertThat(lane.allResponses.sum()).as("responses").isGreaterThan(1);
      assertThat(lane.allChecksStarted.sum() - lane.allCacheHits.sum())
          .as("calls seen in the responses")
          .isEqualTo(3);
      assertThat(result.ok()).as("measured calls").isPositive();
      assertThat(result.cacheHitsPerRequest()).as("measured: all hits").isEqualTo(3.0);
      assertThat(result.noCallShare()).as("answered without a call").isEqualTo(1.0);
    } finally {
      cached.close();
    }
  }

  @Test
  void openLoop_sendsEveryArrivalOnEveryLane() throws Exception {
    List<LoadGenerator.Result> results =
        load.openLoop(List.of(lane("a"), lane("b")), 200, 5, 20, 100, Duration.ofSeconds(5));

    assertThat(results).extracting(LoadGenerator.Result::ok).as("measured calls").containsOnly(20L);
    assertThat(results).allSatisfy(r -> assertThat(r.errors()).as("errors").isEmpty());
  }
}
