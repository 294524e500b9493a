package dev.socialcheck.client;

import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.testing.TlsTesting;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS and mutual TLS over 127.0.0.1 with grpc-testing's certificates: server1.pem is issued by
 * ca.pem for {@code *.test.google.fr}, hence the authority override.
 */
class TlsTest {
  private static final String AUTHORITY = "foo.test.google.fr";
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final PeerRecorder peers = new PeerRecorder();
  private TestServer server;

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  private static ServerCredentials serverCredentials(TlsServerCredentials.ClientAuth clientAuth)
      throws IOException {
    try (InputStream chain = TlsTesting.loadCert("server1.pem");
        InputStream key = TlsTesting.loadCert("server1.key");
        InputStream ca = TlsTesting.loadCert("ca.pem")) {
      return TlsServerCredentials.newBuilder()
          .keyManager(chain, key)
          .trustManager(ca)
          .clientAuth(clientAuth)
          .build();
    }
  }

  private SocialCheckSettings.Builder trustingTestCa() throws IOException {
    try (InputStream ca = TlsTesting.loadCert("ca.pem")) {
      return SocialCheckSettings.newBuilder()
          .setTarget(server.target())
          .setTrustCertificates(ca)
          .setOverrideAuthority(AUTHORITY);
    }
  }

  @Test
  void tls_trustedCertificateAuthority_callSucceedsAndBearerTokenIsSent() throws Exception {
    server =
        TestServer.loopback(
            List.of("github"), serverCredentials(TlsServerCredentials.ClientAuth.NONE), peers);

    try (SocialCheckClient client =
        SocialCheckClient.create(trustingTestCa().setBearerToken("s3cret").build())) {
      assertThat(client.listPlatforms().get(10, TimeUnit.SECONDS).getPlatformsCount())
          .as("platforms")
          .isEqualTo(1);
    }

    Peer peer = peers.next();
    assertThat(peer.protocol()).as("TLS protocol").startsWith("TLS");
    assertThat(peer.authorization()).as("authorization header").isEqualTo("Bearer s3cret");
  }

  @Test
  void tls_serverNotSignedByATrustedAuthority_failsWithUnavailable() throws Exception {
    server =
        TestServer.loopback(
            List.of("github"), serverCredentials(TlsServerCredentials.ClientAuth.NONE), peers);

    try (SocialCheckClient client =
        SocialCheckClient.create(
            SocialCheckSettings.newBuilder()
                .setTarget(server.target())
                .setOverrideAuthority(AUTHORITY)
                .disableRetries()
                .build())) {
      SocialCheckException failure = failureOf(client.listPlatforms());

      assertThat(failure.code()).as("code").isEqualTo(Status.Code.UNAVAILABLE);
    }
    assertThat(peers.received).as("calls that reached the server").isEmpty();
  }

  @Test
  void mutualTls_clientCertificate_isPresentedToTheServer() throws Exception {
    server =
        TestServer.loopback(
            List.of("github"), serverCredentials(TlsServerCredentials.ClientAuth.REQUIRE), peers);

    try (InputStream chain = TlsTesting.loadCert("client.pem");
        InputStream key = TlsTesting.loadCert("client.key");
        SocialCheckClient client =
            SocialCheckClient.create(trustingTestCa().setClientCertificate(chain, key).build())) {
      client.listPlatforms().get(10, TimeUnit.SECONDS);
    }

    assertThat(peers.next().clientPrincipal())
        .as("client certificate subject seen by the server")
        .contains("testclient");
  }

  @Test
  void mutualTls_withoutClientCertificate_isRefused() throws Exception {
    server =
        TestServer.loopback(
            List.of("github"), serverCredentials(TlsServerCredentials.ClientAuth.REQUIRE), peers);

    try (SocialCheckClient client =
        SocialCheckClient.create(trustingTestCa().disableRetries().build())) {
      SocialCheckException failure = failureOf(client.listPlatforms());

      assertThat(failure.code()).as("code").isEqualTo(Status.Code.UNAVAILABLE);
    }
    assertThat(peers.received).as("calls that reached the server").isEmpty();
  }

  /** What the server saw of a caller. */
  private record Peer(String protocol, String clientPrincipal, String authorization) {}

  private static final class PeerRecorder implements ServerInterceptor {
    final BlockingQueue<Peer> received = new LinkedBlockingQueue<>();

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      String principal;
      try {
        principal = session == null ? "no TLS" : session.getPeerPrincipal().getName();
      } catch (SSLPeerUnverifiedException e) {
        principal = "no client certificate";
      }
      String authorization = headers.get(AUTHORIZATION);
      received.add(
          new Peer(
              session == null ? "none" : session.getProtocol(),
              principal,
              authorization == null ? "none" : authorization));
      return next.startCall(call, headers);
    }

    Peer next() throws InterruptedException {
      Peer peer = received.poll(10, TimeUnit.SECONDS);
      assertThat(peer).as("a call that reached the server").isNotNull();
      return peer;
    }
  }
}
