package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Futures;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.testing.TestCertificates;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS over Netty on 127.0.0.1, with certificates made by the test. */
class TlsTest {
  @TempDir Path dir;
  private TestCertificates ca;
  private TestCertificates.Issued serverCert;
  private final ScheduledExecutorService scheduler = CheckEngine.newScheduler();
  private final Catalog catalog =
      new Catalog(
          "test",
          List.of(
              platform(
                  "a", 0.5, (email, ctx) -> Futures.immediateFuture(CheckOutcome.notFound("no")))));
  private SocialCheckServer server;
  private ManagedChannel channel;

  @BeforeEach
  void certificates() throws Exception {
    ca = TestCertificates.newAuthority(dir, "test-ca");
    serverCert = ca.server("server");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdown();
    }
    scheduler.shutdownNow();
  }

  private void start(Optional<Path> clientCa) throws Exception {
    server =
        SocialCheckServer.builder(new CheckEngine(scheduler, Ticker.systemTicker()), catalog)
            .port(0)
            .tls(new TlsFiles(serverCert.certificateFile(), serverCert.keyFile(), clientCa))
            .start();
  }

  private int listPlatforms(ChannelCredentials credentials) {
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), credentials).build();
    return SocialAccountServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .listPlatforms(ListPlatformsRequest.getDefaultInstance())
        .getPlatformsCount();
  }

  private static Status.Code failure(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as("the call failed").isNotNull();
    return e.getStatus().getCode();
  }

  @Test
  void tls_servesClientsThatTrustTheCa() throws Exception {
    start(Optional.empty());

    int platforms =
        listPlatforms(
            TlsChannelCredentials.newBuilder()
                .trustManager(ca.authority().certificateFile().toFile())
                .build());

    assertThat(platforms).isEqualTo(1);
  }

  @Test
  void tls_refusesPlaintextClients() throws Exception {
    start(Optional.empty());

    assertThat(failure(() -> listPlatforms(InsecureChannelCredentials.create())))
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void mutualTls_acceptsAClientCertificateFromTheCa() throws Exception {
    start(Optional.of(ca.authority().certificateFile()));
    TestCertificates.Issued client = ca.client("client");

    int platforms =
        listPlatforms(
            TlsChannelCredentials.newBuilder()
                .trustManager(ca.authority().certificateFile().toFile())
                .keyManager(client.certificateFile().toFile(), client.keyFile().toFile())
                .build());

    assertThat(platforms).isEqualTo(1);
  }

  @Test
  void mutualTls_refusesClientsWithoutACertificate() throws Exception {
    start(Optional.of(ca.authority().certificateFile()));

    ChannelCredentials noCertificate =
        TlsChannelCredentials.newBuilder()
            .trustManager(ca.authority().certificateFile().toFile())
            .build();

    assertThat(failure(() -> listPlatforms(noCertificate))).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void mutualTls_refusesACertificateFromAnotherCa() throws Exception {
    start(Optional.of(ca.authority().certificateFile()));
    TestCertificates.Issued rogue =
        TestCertificates.newAuthority(dir, "rogue-ca").client("rogue-client");
    ChannelCredentials rogueCertificate =
        TlsChannelCredentials.newBuilder()
            .trustManager(ca.authority().certificateFile().toFile())
            .keyManager(rogue.certificateFile().toFile(), rogue.keyFile().toFile())
            .build();

    assertThat(failure(() -> listPlatforms(rogueCertificate))).isEqualTo(Status.Code.UNAVAILABLE);
  }
}
