package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.checkers.OutgoingRequest;
import dev.socialcheck.server.checkers.ProbeResponse;
import dev.socialcheck.server.checkers.ProbeTransport;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The probes' transport against real HTTP/2 over TLS on loopback (the benchmarks' fleet, the JDK
 * client as {@code serve} builds it): a race's burst of probes, all cancelled at once, opens one
 * connection, not one per probe (target 6 found replicas holding thousands after such bursts); a
 * platform that closes its connections every 50 requests loses no probe.
 */
class ProbeTransportConnectionsTest {
  private static final FleetCertificate CERTIFICATE = FleetCertificate.create();

  @Test
  void aColdBurstCancelledAtOnce_opensOneConnection_andLaterProbesShareIt() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try (PlatformFleet fleet = H2FleetProbes.fleet(CERTIFICATE, 20)) {
      ProbeTransport transport =
          ProbeTransport.overflowing(newClient(executor), () -> newClient(executor), 8);
      OutgoingRequest request = H2FleetProbes.socialCheck(fleet);
      PlatformFleet.Counters before = fleet.counters();

      List<ListenableFuture<ProbeResponse>> burst = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        burst.add(transport.send(request, 4096));
      }
      burst.forEach(probe -> probe.cancel(true)); // every probe lost its race
      // Sent after the burst: it follows the first request's end, as the burst's would have.
      ProbeResponse later = transport.send(request, 4096).get(10, TimeUnit.SECONDS);

      PlatformFleet.Counters seen = fleet.counters().minus(before);
      assertThat(later.status()).isEqualTo(200);
      assertThat(seen.connections())
          .as("connections the fleet accepted for 201 probes to one host")
          .isEqualTo(1);
      assertThat(fleet.openConnections()).as("connections open now: the shared one").isEqualTo(1);
      assertThat(seen.requests())
          .as("requests it received: the first (run to its end) and the later one")
          .isEqualTo(2);
    } finally {
      executor.shutdownNow(); // the clients' selector threads end once they are unreferenced
    }
  }

  @Test
  void aPlatformThatClosesItsConnectionsAfter50Requests_losesNoProbe() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try (PlatformFleet fleet = H2FleetProbes.fleet(CERTIFICATE, 20)) {
      fleet.goAwayAfter(50);
      ProbeTransport transport =
          ProbeTransport.overflowing(newClient(executor), () -> newClient(executor), 8);
      OutgoingRequest request = H2FleetProbes.socialCheck(fleet);
      PlatformFleet.Counters before = fleet.counters();

      // Batches of 30 at once, one after the other: a connection's 50th request comes while others
      // are in flight on it, and the JDK client (before 24) fails them all; each batch's retries
      // share a new connection, where they are fewer than 50, so none is lost twice.
      List<Integer> statuses = H2FleetProbes.sendInBatches(transport, request, 5, 30);

      PlatformFleet.Counters seen = fleet.counters().minus(before);
      assertThat(seen.connections())
          .as("connections the fleet accepted (it closed one after each 50 requests)")
          .isGreaterThanOrEqualTo(3);
      assertThat(statuses).as("every probe answered").hasSize(150).containsOnly(200);
      assertThat(transport.lostConnectionRetries())
          .as("probes sent again (once at most each)")
          .isBetween(1L, 150L);
      assertThat(seen.requests())
          .as("requests the fleet received: each probe's, and the retries of those it had seen")
          .isBetween(150L, 150 + transport.lostConnectionRetries());
    } finally {
      executor.shutdownNow();
    }
  }

  private static HttpClient newClient(ExecutorService executor) {
    return CatalogLoader.httpClientBuilder(executor)
        .sslContext(CERTIFICATE.trustingContext())
        .build();
  }
}
