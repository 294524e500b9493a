package dev.socialcheck.client;

import static dev.socialcheck.client.Failures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What reaches the server as headers: bearer token, custom credentials, user agent, extras. */
class CredentialsTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> USER_AGENT =
      Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private final HeaderRecorder headers = new HeaderRecorder();
  private TestServer server;
  private ManagedChannel plaintextChannel;

  @AfterEach
  void stopServer() throws Exception {
    if (plaintextChannel != null) {
      plaintextChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    server.close();
  }

  @Test
  void bearerToken_isSentAsAuthorizationHeader() throws Exception {
    server = TestServer.inProcess(List.of("github"), headers);
    try (SocialCheckClient client =
        SocialCheckClient.create(server.settings().setBearerToken("s3cret-token").build())) {
      client.listPlatforms().get(10, TimeUnit.SECONDS);
    }

    assertThat(headers.next().get(AUTHORIZATION))
        .as("authorization header")
        .isEqualTo("Bearer s3cret-token");
  }

  @Test
  void bearerToken_borrowedPlaintextChannel_isRefusedBeforeSending() throws Exception {
    server = TestServer.loopback(List.of("github"), InsecureServerCredentials.create(), headers);
    plaintextChannel =
        Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create()).build();

    try (SocialCheckClient client =
        SocialCheckClient.create(
            SocialCheckSettings.newBuilder()
                .setChannel(plaintextChannel)
                .setBearerToken("s3cret-token")
                .build())) {
      SocialCheckException failure = failureOf(client.listPlatforms());

      assertThat(failure.code()).as("code").isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(failure.getMessage()).as("message").contains("refusing to send the bearer token");
    }
    assertThat(headers.received).as("calls that reached the server").isEmpty();
  }

  @Test
  void bearerToken_plaintextExplicitlyAllowed_isSent() throws Exception {
    server = TestServer.loopback(List.of("github"), InsecureServerCredentials.create(), headers);

    try (SocialCheckClient client =
        SocialCheckClient.create(
            SocialCheckSettings.newBuilder()
                .setTarget(server.target())
                .setPlaintext(true)
                .setBearerToken("s3cret-token")
                .setAllowBearerTokenOverPlaintext(true)
                .build())) {
      client.listPlatforms().get(10, TimeUnit.SECONDS);
    }

    assertThat(headers.next().get(AUTHORIZATION))
        .as("authorization header")
        .isEqualTo("Bearer s3cret-token");
  }

  @Test
  void callCredentials_areAppliedToEveryCall() throws Exception {
    server = TestServer.inProcess(List.of("github"), headers);
    CallCredentials apiKey =
        new CallCredentials() {
          @Override
          public void applyRequestMetadata(
              RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
            Metadata extra = new Metadata();
            extra.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), "k1");
            applier.apply(extra);
          }
        };

    try (SocialCheckClient client =
        SocialCheckClient.create(server.settings().setCallCredentials(apiKey).build())) {
      client.listPlatforms().get(10, TimeUnit.SECONDS);
    }

    assertThat(headers.next().get(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER)))
        .as("x-api-key header")
        .isEqualTo("k1");
  }

  @Test
  void userAgent_ofCreatedChannel_isTheApplicationsThenTheSdks() throws Exception {
    server = TestServer.loopback(List.of("github"), InsecureServerCredentials.create(), headers);

    try (SocialCheckClient client =
        SocialCheckClient.create(
            SocialCheckSettings.newBuilder()
                .setTarget(server.target())
                .setPlaintext(true)
                .setUserAgent("billing/2.3")
                .build())) {
      client.listPlatforms().get(10, TimeUnit.SECONDS);
    }

    assertThat(headers.next().get(USER_AGENT))
        .as("user-agent header")
        .startsWith("billing/2.3 socialcheck-java/")
        .contains("grpc-java");
  }

  @Test
  void callSettingsHeaders_areSentWithTheCall() throws Exception {
    server = TestServer.inProcess(List.of("github"), headers);

    try (SocialCheckClient client = SocialCheckClient.create(server.settings().build())) {
      client
          .listPlatforms(CallSettings.newBuilder().putHeader("X-Request-Id", "req-42").build())
          .get(10, TimeUnit.SECONDS);
    }

    assertThat(headers.next().get(REQUEST_ID)).as("x-request-id header").isEqualTo("req-42");
  }
}
