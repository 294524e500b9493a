package dev.socialcheck.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableListMultimap;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.testing.TlsTesting;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation and defaults of the settings types, and the service config they produce. */
class SocialCheckSettingsTest {
  /** Never used to call: only stored by settings. */
  private static final Channel CHANNEL =
      new Channel() {
        @Override
        public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
            MethodDescriptor<ReqT, RespT> method, CallOptions callOptions) {
          throw new UnsupportedOperationException("settings tests make no call");
        }

        @Override
        public String authority() {
          return "unused";
        }
      };

  private static SocialCheckSettings.Builder local() {
    return SocialCheckSettings.newBuilder().setTarget("localhost:50051").setPlaintext(true);
  }

  private static InputStream pem(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }

  @Nested
  class Build {
    @Test
    void build_minimal_hasDocumentedDefaults() {
      SocialCheckSettings settings =
          SocialCheckSettings.newBuilder().setTarget("socialcheck.example.com:443").build();

      assertThat(settings.target()).as("target").contains("socialcheck.example.com:443");
      assertThat(settings.isPlaintext()).as("plaintext").isFalse();
      assertThat(settings.defaultTimeout()).as("default timeout").isEqualTo(Duration.ofSeconds(30));
      assertThat(settings.maxInboundMessageSize()).as("max inbound").isEqualTo(4 * 1024 * 1024);
      assertThat(settings.retryPolicy()).as("retry policy").contains(RetryPolicy.defaults());
      assertThat(settings.hedgingPolicy()).as("hedging policy").isEmpty();
      assertThat(settings.executor()).as("executor").isEmpty();
      assertThat(settings.hasBearerToken()).as("bearer token").isFalse();
      assertThat(settings.shutdownTimeout())
          .as("shutdown timeout")
          .isEqualTo(Duration.ofSeconds(5));
      assertThat(settings.deadlineTicker())
          .as("deadline ticker")
          .isSameAs(Deadline.getSystemTicker());
    }

    @Test
    void build_withoutTargetOrChannel_isRefused() {
      assertThatThrownBy(() -> SocialCheckSettings.newBuilder().build())
          .as("settings without a target")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("target is required");
    }

    @Test
    void build_targetAndChannel_isRefused() {
      assertThatThrownBy(() -> local().setChannel(CHANNEL).build())
          .as("settings with target and channel")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exclusive");
    }

    @Test
    void build_borrowedChannelWithChannelLevelSettings_isRefusedNamingThem() {
      assertThatThrownBy(
              () ->
                  SocialCheckSettings.newBuilder()
                      .setChannel(CHANNEL)
                      .setUserAgent("app/1")
                      .disableRetries()
                      .setLoadBalancingPolicy("round_robin")
                      .build())
          .as("borrowed channel with channel-level settings")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("setUserAgent")
          .hasMessageContaining("disableRetries")
          .hasMessageContaining("setLoadBalancingPolicy");
    }

    @Test
    void build_borrowedChannel_keepsCallLevelSettingsAndNoPolicy() {
      SocialCheckSettings settings =
          SocialCheckSettings.newBuilder()
              .setChannel(CHANNEL)
              .setDefaultTimeout(Duration.ofSeconds(3))
              .setMaxInboundMessageSize(1024)
              .build();

      assertThat(settings.channel()).as("channel").containsSame(CHANNEL);
      assertThat(settings.target()).as("target").isEmpty();
      assertThat(settings.defaultTimeout()).as("timeout").isEqualTo(Duration.ofSeconds(3));
      assertThat(settings.maxInboundMessageSize()).as("max inbound").isEqualTo(1024);
      assertThat(settings.retryPolicy()).as("retry policy of a borrowed channel").isEmpty();
      assertThat(OwnedChannels.serviceConfig(settings)).as("service config").isEmpty();
    }

    @Test
    void build_plaintextAndTrustCertificates_isRefused() throws IOException {
      try (InputStream ca = TlsTesting.loadCert("ca.pem")) {
        SocialCheckSettings.Builder builder = local().setTrustCertificates(ca);

        assertThatThrownBy(builder::build)
            .as("plaintext with TLS trust roots")
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("setPlaintext(true) conflicts")
            .hasMessageContaining("setTrustCertificates");
      }
    }

    @Test
    void build_plaintextAndClientCertificate_isRefused() throws IOException {
      try (InputStream chain = TlsTesting.loadCert("client.pem");
          InputStream key = TlsTesting.loadCert("client.key")) {
        SocialCheckSettings.Builder builder = local().setClientCertificate(chain, key);

        assertThatThrownBy(builder::build)
            .as("plaintext with a client certificate")
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("setClientCertificate");
      }
    }

    @Test
    void build_plaintextSetThenUnset_allowsTls() throws IOException {
      try (InputStream ca = TlsTesting.loadCert("ca.pem")) {
        SocialCheckSettings settings = local().setPlaintext(false).setTrustCertificates(ca).build();

        assertThat(settings.isPlaintext()).as("plaintext").isFalse();
      }
    }

    @Test
    void build_bearerTokenOverPlaintext_isRefusedUnlessAllowed() {
      assertThatThrownBy(() -> local().setBearerToken("t0ken").build())
          .as("bearer token over plaintext")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("refusing to send a bearer token over plaintext");

      SocialCheckSettings allowed =
          local().setBearerToken("t0ken").setAllowBearerTokenOverPlaintext(true).build();
      assertThat(allowed.hasBearerToken()).as("bearer token when allowed").isTrue();
    }

    @Test
    void build_bearerTokenAndCallCredentials_isRefused() {
      io.grpc.CallCredentials credentials = new BearerTokenCredentials("x", false);

      assertThatThrownBy(
              () ->
                  SocialCheckSettings.newBuilder()
                      .setTarget("h:1")
                      .setBearerToken("t")
                      .setCallCredentials(credentials)
                      .build())
          .as("bearer token and call credentials")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exclusive");
    }

    @Test
    void toString_neverShowsTheBearerToken() {
      SocialCheckSettings settings =
          SocialCheckSettings.newBuilder().setTarget("h:1").setBearerToken("s3cret").build();

      assertThat(settings.toString())
          .as("toString")
          .doesNotContain("s3cret")
          .contains("<redacted>");
    }

    @Test
    void toBuilder_roundTrip_keepsEveryValueAndLeavesTheOriginalUnchanged() {
      SocialCheckSettings original =
          local()
              .setUserAgent("app/1")
              .setDefaultTimeout(Duration.ofSeconds(7))
              .setHedgingPolicy(
                  new HedgingPolicy(3, Duration.ofMillis(250), Set.of(Status.Code.UNAVAILABLE)))
              .build();

      SocialCheckSettings copy = original.toBuilder().build();
      SocialCheckSettings changed = original.toBuilder().setTarget("other:1").build();

      assertThat(copy.toString()).as("copy").isEqualTo(original.toString());
      assertThat(changed.target()).as("changed copy's target").contains("other:1");
      assertThat(original.target()).as("original's target").contains("localhost:50051");
    }

    @Test
    void deadlineTicker_customOne_isKeptByToBuilder_andNamedByToString() {
      Deadline.Ticker fake =
          new Deadline.Ticker() {
            @Override
            public long nanoTime() {
              return 0;
            }

            @Override
            public String toString() {
              return "FakeTicker";
            }
          };

      SocialCheckSettings settings =
          SocialCheckSettings.newBuilder().setChannel(CHANNEL).setDeadlineTicker(fake).build();

      assertThat(settings.deadlineTicker()).as("ticker").isSameAs(fake);
      assertThat(settings.toBuilder().build().deadlineTicker())
          .as("ticker of a copy")
          .isSameAs(fake);
      assertThat(settings.toString()).as("toString").contains("deadlineTicker=FakeTicker");
      assertThat(local().build().toString())
          .as("toString with the system ticker")
          .doesNotContain("deadlineTicker");
    }

    @Test
    void toBuilder_ofTargetSettings_withChannel_isRefused() {
      SocialCheckSettings withAgent =
          SocialCheckSettings.newBuilder().setTarget("h:1").setUserAgent("app/1").build();

      assertThatThrownBy(() -> withAgent.toBuilder().setChannel(CHANNEL).build())
          .as("target settings turned into borrowed-channel settings")
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Nested
  class BadValues {
    @Test
    void setTarget_blankOrWithSpaces_isRefused() {
      SocialCheckSettings.Builder builder = SocialCheckSettings.newBuilder();

      assertThatThrownBy(() -> builder.setTarget(" "))
          .as("blank target")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.setTarget("local host:1"))
          .as("target with a space")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.setTarget(null))
          .as("null target")
          .isInstanceOf(NullPointerException.class);
    }

    @Test
    void setDeadlineTicker_null_isRefused() {
      assertThatThrownBy(() -> SocialCheckSettings.newBuilder().setDeadlineTicker(null))
          .as("null ticker")
          .isInstanceOf(NullPointerException.class);
    }

    @Test
    void durationsAndSizes_outOfRange_areRefused() {
      SocialCheckSettings.Builder builder = SocialCheckSettings.newBuilder();

      assertThatThrownBy(() -> builder.setDefaultTimeout(Duration.ZERO))
          .as("zero timeout")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.setDefaultTimeout(Duration.ofSeconds(-1)))
          .as("negative timeout")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.setMaxInboundMessageSize(0))
          .as("zero message size")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.setShutdownTimeout(Duration.ofMillis(-1)))
          .as("negative shutdown timeout")
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bearerTokenAndUserAgent_withForbiddenCharacters_areRefused() {
      SocialCheckSettings.Builder builder = SocialCheckSettings.newBuilder();

      assertThatThrownBy(() -> builder.setBearerToken("two words"))
          .as("token with a space")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.setBearerToken(""))
          .as("empty token")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> builder.setUserAgent("app\n1"))
          .as("user agent with a newline")
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setTrustCertificates_notPem_isRefused(@TempDir Path dir) throws IOException {
      Path garbage = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
      SocialCheckSettings.Builder builder = SocialCheckSettings.newBuilder();

      assertThatThrownBy(() -> builder.setTrustCertificates(garbage))
          .as("trust certificates that are not PEM")
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("trust certificates");
      assertThatThrownBy(() -> builder.setTrustCertificates(pem("")))
          .as("empty trust certificates")
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setTrustCertificates_missingFile_throwsIoException(@TempDir Path dir) {
      assertThatThrownBy(
              () -> SocialCheckSettings.newBuilder().setTrustCertificates(dir.resolve("none")))
          .as("missing file")
          .isInstanceOf(IOException.class);
    }

    @Test
    void setClientCertificate_keyNotPkcs8Pem_isRefused() throws IOException {
      try (InputStream chain = TlsTesting.loadCert("client.pem")) {
        assertThatThrownBy(
                () -> SocialCheckSettings.newBuilder().setClientCertificate(chain, pem("nope")))
            .as("client key that is not PKCS#8 PEM")
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("PKCS#8");
      }
    }

    @Test
    void retryPolicy_outOfRange_isRefused() {
      Set<Status.Code> unavailable = Set.of(Status.Code.UNAVAILABLE);
      Duration ms = Duration.ofMillis(1);

      assertThatThrownBy(() -> new RetryPolicy(1, ms, ms, 2, unavailable))
          .as("one attempt")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RetryPolicy(6, ms, ms, 2, unavailable))
          .as("six attempts")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, ms, 2, unavailable))
          .as("zero initial backoff")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), ms, 2, unavailable))
          .as("max backoff below initial")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RetryPolicy(3, ms, ms, 0.5, unavailable))
          .as("shrinking backoff")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RetryPolicy(3, ms, ms, 2, Set.of()))
          .as("no retryable code")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RetryPolicy(3, ms, ms, 2, Set.of(Status.Code.OK)))
          .as("OK as retryable code")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new HedgingPolicy(3, Duration.ofMillis(-1), unavailable))
          .as("negative hedging delay")
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void callSettings_badValuesAndConflicts_areRefused() {
      assertThatThrownBy(() -> CallSettings.newBuilder().setTimeout(Duration.ZERO))
          .as("zero call timeout")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> CallSettings.newBuilder().putHeader("grpc-timeout", "1S"))
          .as("reserved header")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> CallSettings.newBuilder().putHeader("x-data-bin", "AAAA"))
          .as("binary header")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> CallSettings.newBuilder().putHeader("bad header", "v"))
          .as("header name with a space")
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () ->
                  CallSettings.newBuilder()
                      .setTimeout(Duration.ofSeconds(1))
                      .setDeadline(Deadline.after(1, TimeUnit.SECONDS))
                      .build())
          .as("timeout and deadline")
          .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void callSettings_headers_areLowerCasedAndKept() {
      CallSettings settings =
          CallSettings.newBuilder().putHeader("X-Request-Id", "r1").setWaitForReady(true).build();

      assertThat(settings.headers())
          .as("headers")
          .isEqualTo(ImmutableListMultimap.of("x-request-id", "r1"));
      assertThat(settings.toBuilder().build().waitForReady()).as("wait for ready").isTrue();
    }
  }

  @Nested
  class ServiceConfig {
    @Test
    void loadBalancingPolicy_isPartOfTheServiceConfig_withOrWithoutRetries() {
      SocialCheckSettings settings =
          local().setLoadBalancingPolicy("round_robin").disableRetries().build();

      assertThat(settings.loadBalancingPolicy()).contains("round_robin");
      assertThat(OwnedChannels.serviceConfig(settings))
          .as("service config")
          .isEqualTo(Map.of("loadBalancingConfig", List.of(Map.of("round_robin", Map.of()))));
      assertThat(OwnedChannels.serviceConfig(settings.toBuilder().build()))
          .as("kept by toBuilder")
          .containsKey("loadBalancingConfig");
      assertThat(OwnedChannels.serviceConfig(local().setLoadBalancingPolicy("round_robin").build()))
          .as("with the default retry policy")
          .containsKeys("loadBalancingConfig", "methodConfig");
    }

    @Test
    void defaultRetryPolicy_producesRetryOfUnavailableForTheWholeService() {
      Map<String, ?> config = OwnedChannels.serviceConfig(local().build());

      assertThat(config)
          .as("service config")
          .isEqualTo(
              Map.of(
                  "methodConfig",
                  List.of(
                      Map.of(
                          "name",
                          List.of(Map.of("service", "socialcheck.v1.SocialAccountService")),
                          "retryPolicy",
                          Map.of(
                              "maxAttempts",
                              3.0,
                              "initialBackoff",
                              "0.1s",
                              "maxBackoff",
                              "2s",
                              "backoffMultiplier",
                              2.0,
                              "retryableStatusCodes",
                              List.of("UNAVAILABLE"))))));
    }

    @Test
    void hedgingPolicy_producesHedgingPolicyInsteadOfRetry() {
      SocialCheckSettings settings =
          local()
              .setHedgingPolicy(
                  new HedgingPolicy(
                      4,
                      Duration.ofMillis(1500),
                      Set.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED)))
              .build();

      assertThat(OwnedChannels.serviceConfig(settings))
          .as("service config")
          .isEqualTo(
              Map.of(
                  "methodConfig",
                  List.of(
                      Map.of(
                          "name",
                          List.of(Map.of("service", "socialcheck.v1.SocialAccountService")),
                          "hedgingPolicy",
                          Map.of(
                              "maxAttempts",
                              4.0,
                              "hedgingDelay",
                              "1.5s",
                              "nonFatalStatusCodes",
                              List.of("RESOURCE_EXHAUSTED", "UNAVAILABLE"))))));
      assertThat(settings.retryPolicy()).as("retry policy replaced").isEmpty();
    }

    @Test
    void retriesDisabled_producesNoServiceConfig() {
      assertThat(OwnedChannels.serviceConfig(local().disableRetries().build()))
          .as("service config")
          .isEmpty();
    }

    @Test
    void durationText_usesSecondsWithoutTrailingZeros() {
      assertThat(
              List.of(
                  OwnedChannels.durationText(Duration.ofMillis(100)),
                  OwnedChannels.durationText(Duration.ofSeconds(2)),
                  OwnedChannels.durationText(Duration.ofNanos(1)),
                  OwnedChannels.durationText(Duration.ZERO),
                  OwnedChannels.durationText(Duration.ofSeconds(90, 250_000_000))))
          .as("duration texts")
          .containsExactly("0.1s", "2s", "0.000000001s", "0s", "90.25s");
    }
  }
}
