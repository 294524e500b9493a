package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.checkers.NettyHttp2Transport;
import dev.socialcheck.server.checkers.OutgoingRequest;
import dev.socialcheck.server.checkers.ProbeResponse;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's HTTP/2 probe transport ({@code --probe-client netty}) against the fleet's HTTP/2
 * over TLS on loopback: its connections, its GOAWAY handling, cancellation and the body limit.
 */
class NettyHttp2TransportTest {
  private static final FleetCertificate CERTIFICATE = FleetCertificate.create();

  @TempDir Path dir;
  private PlatformFleet fleet;
  private NettyHttp2Transport transport;
  private OutgoingRequest request;

  @BeforeEach
  void setUp() throws Exception {
    fleet = H2FleetProbes.fleet(CERTIFICATE, 20);
    Path pem = Files.createFile(dir.resolve("fleet.pem"));
    CERTIFICATE.writePem(pem);
    transport = new NettyHttp2Transport(2, FleetCertificate.trustManagers(pem));
    request = H2FleetProbes.socialCheck(fleet);
  }

  @AfterEach
  void tearDown() {
    transport.close();
    fleet.close();
  }

  @Test
  void aColdBurst_opensOneConnectionAtATime_andOnlyAsManyAsTheStreamLimitNeeds() throws Exception {
    List<ListenableFuture<ProbeResponse>> burst = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      burst.add(transport.send(request, 4096));
    }
    for (ListenableFuture<ProbeResponse> probe : burst) {
      ProbeResponse response = probe.get(10, TimeUnit.SECONDS);
      assertThat(response.status()).isEqualTo(200);
      assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("\"exists\"");
    }

    assertThat(transport.connectionsOpened())
        .as("300 at once, 128 streams per connection: three connections at most")
        .isBetween(1L, 3L);
    assertThat(fleet.counters().connections()).isEqualTo(transport.connectionsOpened());
  }

  @Test
  void aPlatformThatSendsAGoAwayEvery50Requests_losesNoProbe_andCostsOneConnectionEach()
      throws Exception {
    fleet.goAwayAfter(50);
    List<Integer> statuses = H2FleetProbes.sendInBatches(transport, request, 5, 30);

    assertThat(statuses).as("every probe answered").hasSize(150).containsOnly(200);
    long requests = fleet.counters().requests();
    assertThat(transport.connectionsOpened())
        .as("a connection per 50 requests the fleet processed, and the first")
        .isLessThanOrEqualTo(requests / 50 + 1);
  }

  @Test
  void cancellingAProbe_resetsItsStream_andKeepsTheConnection() throws Exception {
    fleet.close();
    // Answers after a second: the probe is cancelled long before.
    fleet = H2FleetProbes.fleet(CERTIFICATE, 1000);
    request = H2FleetProbes.socialCheck(fleet);
    assertThat(transport.send(request, 4096).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    PlatformFleet.Counters before = fleet.counters();

    ListenableFuture<ProbeResponse> probe = transport.send(request, 4096);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> fleet.counters().minus(before).requests() == 1);
    probe.cancel(true);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> fleet.counters().minus(before).abandoned() == 1);
    assertThat(fleet.openConnections()).as("the connection stays").isEqualTo(1);
    assertThat(transport.send(request, 4096).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(transport.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void aConnectionIdleForLong_isClosed_andTheNextProbeOpensAnother() throws Exception {
    transport.close();
    transport =
        new NettyHttp2Transport(
            1, FleetCertificate.trustManagers(dir.resolve("fleet.pem")), Duration.ofMillis(200));
    assertThat(transport.send(request, 4096).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(fleet.openConnections()).as("closed once idle").isZero());
    assertThat(transport.send(request, 4096).get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(transport.connectionsOpened()).isEqualTo(2);
  }

  @Test
  void aBodyLongerThanTheLimit_isReadUpToIt_andMarkedTruncated() throws Exception {
    ProbeResponse response = transport.send(request, 10).get(10, TimeUnit.SECONDS);

    assertThat(response.body()).hasSize(10);
    assertThat(response.truncated()).isTrue();
  }

  @Test
  void aPlainHttpUrl_isRefused() {
    OutgoingRequest plain =
        new OutgoingRequest(
            "GET",
            URI.create("http://127.0.0.1:1/u"),
            Map.of(),
            new byte[0],
            Duration.ofSeconds(1));

    assertThat(transport.send(plain, 10))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(NettyHttp2Transport.NotHttp2Exception.class);
  }
}
