package dev.socialcheck.client;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Creates the channel a client owns, and the gRPC service config of its retry policy. */
final class OwnedChannels {
  /** The SDK's part of the user agent. */
  static final String SDK_USER_AGENT = "socialcheck-java/" + sdkVersion();

  private OwnedChannels() {}

  /** A new channel to {@code settings.target()}, configured from {@code settings}. */
  static ManagedChannel create(SocialCheckSettings settings) {
    String target =
        settings.target().orElseThrow(() -> new IllegalStateException("settings have no target"));
    return configure(Grpc.newChannelBuilder(target, credentials(settings)), settings).build();
  }

  /** Applies the channel-level settings that do not depend on the transport. */
  static ManagedChannelBuilder<?> configure(
      ManagedChannelBuilder<?> builder, SocialCheckSettings settings) {
    builder.userAgent(settings.userAgent().map(ua -> ua + " ").orElse("") + SDK_USER_AGENT);
    settings.overrideAuthority().ifPresent(builder::overrideAuthority);
    Map<String, ?> serviceConfig = serviceConfig(settings);
    if (!serviceConfig.isEmpty()) {
      builder.defaultServiceConfig(serviceConfig).enableRetry();
    }
    return builder;
  }

  static ChannelCredentials credentials(SocialCheckSettings settings) {
    if (settings.isPlaintext()) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    try {
      InputStream trust = settings.trustCertificatesPem();
      if (trust != null) {
        tls.trustManager(trust);
      }
      InputStream chain = settings.clientCertificateChainPem();
      InputStream key = settings.clientPrivateKeyPem();
      if (chain != null && key != null) {
        tls.keyManager(chain, key);
      }
    } catch (IOException e) {
      // In-memory streams: cannot happen.
      throw new UncheckedIOException(e);
    }
    return tls.build();
  }

  /**
   * The service config for {@link ManagedChannelBuilder#defaultServiceConfig}: the load-balancing
   * policy, and one method config for every method of the service, holding the retry or hedging
   * policy. Numbers are {@code Double} and durations strings such as {@code "0.1s"}, as in the JSON
   * form gRPC parses. Empty without any of them.
   */
  static Map<String, ?> serviceConfig(SocialCheckSettings settings) {
    ImmutableMap.Builder<String, Object> config = ImmutableMap.builder();
    settings
        .loadBalancingPolicy()
        .ifPresent(
            policy ->
                config.put(
                    "loadBalancingConfig", ImmutableList.of(ImmutableMap.of(policy, Map.of()))));
    methodConfig(settings)
        .ifPresent(method -> config.put("methodConfig", ImmutableList.of(method)));
    return config.buildOrThrow();
  }

  private static Optional<Map<String, ?>> methodConfig(SocialCheckSettings settings) {
    ImmutableMap.Builder<String, Object> methodConfig = ImmutableMap.builder();
    methodConfig.put(
        "name",
        ImmutableList.of(ImmutableMap.of("service", SocialAccountServiceGrpc.SERVICE_NAME)));
    RetryPolicy retry = settings.retryPolicy().orElse(null);
    HedgingPolicy hedging = settings.hedgingPolicy().orElse(null);
    if (retry != null) {
      methodConfig.put(
          "retryPolicy",
          ImmutableMap.of(
              "maxAttempts", (double) retry.maxAttempts(),
              "initialBackoff", durationText(retry.initialBackoff()),
              "maxBackoff", durationText(retry.maxBackoff()),
              "backoffMultiplier", retry.backoffMultiplier(),
              "retryableStatusCodes", codeNames(retry.retryableStatusCodes())));
    } else if (hedging != null) {
      methodConfig.put(
          "hedgingPolicy",
          ImmutableMap.of(
              "maxAttempts", (double) hedging.maxAttempts(),
              "hedgingDelay", durationText(hedging.hedgingDelay()),
              "nonFatalStatusCodes", codeNames(hedging.nonFatalStatusCodes())));
    } else {
      return Optional.empty();
    }
    return Optional.of(methodConfig.buildOrThrow());
  }

  /** Seconds with up to 9 decimals and an {@code s}, e.g. {@code 0.1s}, {@code 2s}. */
  static String durationText(Duration duration) {
    return BigDecimal.valueOf(duration.getSeconds())
            .add(BigDecimal.valueOf(duration.getNano(), 9))
            .stripTrailingZeros()
            .toPlainString()
        + "s";
  }

  private static ImmutableList<String> codeNames(Set<Status.Code> codes) {
    return codes.stream().map(Status.Code::name).sorted().collect(ImmutableList.toImmutableList());
  }

  private static String sdkVersion() {
    @Nullable String version = OwnedChannels.class.getPackage().getImplementationVersion();
    return version != null ? version : "dev";
  }
}
