package dev.socialcheck.bench;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.bench.PlatformFleet.Protocol;
import dev.socialcheck.server.checkers.OutgoingRequest;
import dev.socialcheck.server.checkers.ProbeResponse;
import dev.socialcheck.server.checkers.ProbeTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** What the probe transports' tests against the fleet share. */
final class H2FleetProbes {
  private H2FleetProbes() {}

  /**
   * A fleet that serves HTTP/2 over TLS only ({@code SETTINGS_MAX_CONCURRENT_STREAMS} 128), every
   * answer after {@code latencyMillis}.
   */
  static PlatformFleet fleet(FleetCertificate certificate, double latencyMillis)
      throws InterruptedException, SSLException {
    return new PlatformFleet(
        new FleetModel(new FleetModel.Latency(latencyMillis, latencyMillis)),
        certificate,
        EnumSet.of(Protocol.H2_TLS),
        1,
        128);
  }

  /** A GET of the fleet's {@code social} check, with a 10 s timeout. */
  static OutgoingRequest socialCheck(PlatformFleet fleet) {
    return new OutgoingRequest(
        "GET",
        fleet.urls(Protocol.H2_TLS).get("social").resolve("check?email=a%40bench.example"),
        Map.of(),
        new byte[0],
        Duration.ofSeconds(10));
  }

  /**
   * Sends {@code batches} batches of {@code size} requests at once, each batch once the previous
   * one is answered; the statuses, in order.
   */
  static List<Integer> sendInBatches(
      ProbeTransport transport, OutgoingRequest request, int batches, int size) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int batch = 0; batch < batches; batch++) {
      List<ListenableFuture<ProbeResponse>> probes = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        probes.add(transport.send(request, 4096));
      }
      for (ListenableFuture<ProbeResponse> probe : probes) {
        statuses.add(probe.get(10, TimeUnit.SECONDS).status());
      }
    }
    return statuses;
  }
}
