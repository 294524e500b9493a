package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableList;
import dev.socialcheck.bench.PlatformFleet.Protocol;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Target 6 in small, in one JVM: a few hundred probes of the real server and of the raw prober
 * against the loopback fleet, over HTTP/2 and HTTP/1.1 with TLS. It proves the wiring (catalog
 * YAML, trusted certificate, two-step platform, counters), not any speed.
 */
class OutboundProbeSmokeTest {
  @TempDir Path dir;

  private PlatformFleet fleet;
  private FleetClient client;
  private ScheduledExecutorService scheduler;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    FleetCertificate certificate = FleetCertificate.create();
    fleet =
        new PlatformFleet(
            new FleetModel(new FleetModel.Latency(5, 20)),
            certificate,
            EnumSet.of(Protocol.H2_TLS, Protocol.H1_TLS),
            1,
            128);
    Path pem = dir.resolve("fleet.pem");
    certificate.writePem(pem);
    client = new FleetClient(pem, 2, 2);
    scheduler = CheckEngine.newScheduler();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : ImmutableList.copyOf(open).reverse()) {
      closeable.close();
    }
    client.close();
    scheduler.shutdownNow();
    fleet.close();
  }

  private SocialCheckServer server(Protocol protocol) throws Exception {
    Path yaml = dir.resolve("fleet-" + protocol.label() + ".yaml");
    Files.writeString(yaml, FleetCatalog.yaml(fleet.urls(protocol)));
    Catalog catalog = client.catalog(yaml);
    SocialCheckServer server =
        SocialCheckServer.builder(new CheckEngine(scheduler, Ticker.systemTicker()), catalog)
            .host("127.0.0.1")
            .port(0)
            .shutdownGrace(Duration.ZERO)
            // A line per successful call would fill the build's log; failures are still written.
            .accessLogSample(0)
            .start();
    open.add(server);
    return server;
  }

  @Test
  void socialcheck_readsEveryPlatformOfTheFleetRight_twoStepIncluded() throws Exception {
    SocialCheckServer server = server(Protocol.H2_TLS);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      var stub = SocialAccountServiceGrpc.newBlockingStub(channel);
      for (int i = 0; i < 10; i++) {
        String email = "u" + i + "@bench.example";
        var results =
            stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                .checkEach(CheckEachRequest.newBuilder().setEmail(email).build());
        List<PlatformResult> all = new ArrayList<>();
        results.forEachRemaining((CheckEachResponse r) -> all.add(r.getResult()));

        assertThat(all).as("one result per platform for %s", email).hasSize(5);
        for (PlatformResult result : all) {
          assertThat(result.getStatus())
              .as("%s for %s (%s)", result.getPlatform(), email, result.getDetail())
              .isEqualTo(
                  FleetModel.found(result.getPlatform(), email)
                      ? PlatformStatus.PLATFORM_STATUS_FOUND
                      : PlatformStatus.PLATFORM_STATUS_NOT_FOUND);
        }
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(fleet.counters().rejected()).as("two-step checks without their token").isZero();
  }

  @Test
  void socialcheck_underRaceLoad_overHttp2_probesOnWarmConnections() throws Exception {
    SocialCheckServer server = server(Protocol.H2_TLS);
    try (LoadGenerator load = new LoadGenerator(server.port(), 1)) {
      LoadGenerator.Lane warm = Lanes.simple("warm");
      load.closedLoop(
          warm,
          1,
          Duration.ZERO,
          Duration.ofMillis(300),
          Duration.ofSeconds(30),
          LoadGenerator.Window.NONE);
      PlatformFleet.Counters before = fleet.counters();

      LoadGenerator.Result result =
          load.closedLoop(
              Lanes.simple("race"),
              4,
              Duration.ZERO,
              Duration.ofMillis(800),
              Duration.ofSeconds(30),
              LoadGenerator.Window.NONE);
      PlatformFleet.Counters delta = fleet.counters().minus(before);

      assertThat(result.errors()).as("call errors").isEmpty();
      assertThat(result.ok()).as("calls answered").isPositive();
      assertThat(delta.requests()).as("probe requests the fleet answered").isPositive();
      assertThat(delta.http2Requests()).as("all over HTTP/2").isEqualTo(delta.requests());
      assertThat(delta.connections()).as("new connections once warm").isZero();
    }
  }

  @Test
  void rawProber_overHttp1_decidesCalls_andCancelsLosers() throws Exception {
    List<RawProber.Target> targets = new ArrayList<>();
    for (FleetModel.Platform platform : FleetModel.PLATFORMS) {
      targets.add(
          new RawProber.Target(
              platform.id(), fleet.urls(Protocol.H1_TLS).get(platform.id()), platform.twoStep()));
    }
    RawProber prober = new RawProber(client.transport(), targets, scheduler);

    RawProber.Result race =
        prober.run(
            RawProber.Mode.RACE, 4, Duration.ofMillis(200), Duration.ofMillis(800), Duration.ZERO);
    RawProber.Result hedged =
        prober.run(
            RawProber.Mode.HEDGED, 4, Duration.ZERO, Duration.ofMillis(500), Duration.ofMillis(5));

    assertThat(race.errors()).as("race errors").isEmpty();
    assertThat(race.calls()).as("race calls decided").isPositive();
    assertThat(race.probes()).as("race probes").isGreaterThanOrEqualTo(race.calls());
    assertThat(race.cancelled()).as("losers cancelled after a FOUND").isPositive();
    assertThat(hedged.errors()).as("hedged errors").isEmpty();
    assertThat(hedged.calls()).as("hedged calls decided").isPositive();
    assertThat(prober.stats()).as("nothing left in flight").contains("checksInFlight=0");
    assertThat(fleet.counters().rejected()).as("two-step probes without their token").isZero();
  }
}
