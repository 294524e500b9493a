package dev.socialcheck.client;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.base.MoreObjects;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.LoadBalancerRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link SocialCheckClient} needs: where the server is, how to reach it securely, and
 * call defaults. Built and validated once by {@link #newBuilder()}; immutable afterwards.
 *
 * <pre>{@code
 * SocialCheckSettings settings =
 *     SocialCheckSettings.newBuilder()
 *         .setTarget("socialcheck.example.com:443")      // TLS with the JVM's trusted roots
 *         .setBearerToken(System.getenv("SOCIALCHECK_TOKEN"))
 *         .setDefaultTimeout(Duration.ofSeconds(15))
 *         .setUserAgent("billing-service/2.3")
 *         .build();
 * try (SocialCheckClient client = SocialCheckClient.create(settings)) {
 *   // ...
 * }
 * }</pre>
 *
 * <h2>The channel: created from a target, or borrowed</h2>
 *
 * <p>With {@link Builder#setTarget}, the client creates its own channel, owns it and shuts it down
 * on {@link SocialCheckClient#close()}. The channel-level settings apply to it: transport security
 * ({@link Builder#setPlaintext}, {@link Builder#setTrustCertificates}, {@link
 * Builder#setClientCertificate}, {@link Builder#setOverrideAuthority}), {@link
 * Builder#setUserAgent}, and the {@link RetryPolicy} or {@link HedgingPolicy}.
 *
 * <p>With {@link Builder#setChannel}, the client borrows a channel that the caller configured, owns
 * and shuts down; the channel-level settings are then refused by {@link Builder#build()} (configure
 * the channel itself). The call-level settings apply either way: credentials, default timeout,
 * maximum inbound message size and callback executor.
 *
 * <h2>Transport security</h2>
 *
 * <p>TLS is the default, trusting the JVM's certificate authorities. {@link
 * Builder#setTrustCertificates} trusts a private CA instead; {@link Builder#setClientCertificate}
 * adds a client certificate (mutual TLS). {@link Builder#setPlaintext} turns TLS off, for loopback
 * and tests; it cannot be combined with the TLS settings.
 *
 * <h2>Credentials</h2>
 *
 * <p>{@link Builder#setBearerToken} sends {@code authorization: Bearer <token>} with every call;
 * {@link Builder#setCallCredentials} installs any other {@link CallCredentials}. The SDK refuses to
 * send a bearer token over a connection without privacy and integrity: {@link Builder#build()}
 * rejects a bearer token with {@code setPlaintext(true)}, and on a borrowed channel a call over
 * plaintext fails with {@code UNAUTHENTICATED} before the token leaves the process. {@link
 * Builder#setAllowBearerTokenOverPlaintext} lifts both checks, e.g. for a sidecar on loopback.
 */
public final class SocialCheckSettings {
  /** Default of {@link Builder#setDefaultTimeout}: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Default of {@link Builder#setMaxInboundMessageSize}: 4 MiB, gRPC's own default. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;

  /** Default of {@link Builder#setShutdownTimeout}: 5 s. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private final @Nullable String target;
  private final @Nullable Channel channel;
  private final boolean plaintext;
  private final byte @Nullable [] trustCertificatesPem;
  private final byte @Nullable [] clientCertificateChainPem;
  private final byte @Nullable [] clientPrivateKeyPem;
  private final @Nullable String overrideAuthority;
  private final @Nullable CallCredentials callCredentials;
  private final @Nullable String bearerToken;
  private final boolean allowBearerTokenOverPlaintext;
  private final Duration defaultTimeout;
  private final @Nullable String userAgent;
  private final int maxInboundMessageSize;
  private final @Nullable RetryPolicy retryPolicy;
  private final @Nullable HedgingPolicy hedgingPolicy;
  private final @Nullable String loadBalancingPolicy;
  private final @Nullable Executor executor;
  private final Duration shutdownTimeout;
  private final boolean tracePropagation;

  private SocialCheckSettings(Builder builder) {
    this.target = builder.target;
    this.channel = builder.channel;
    this.plaintext = builder.plaintext;
    this.trustCertificatesPem = builder.trustCertificatesPem;
    this.clientCertificateChainPem = builder.clientCertificateChainPem;
    this.clientPrivateKeyPem = builder.clientPrivateKeyPem;
    this.overrideAuthority = builder.overrideAuthority;
    this.callCredentials = builder.callCredentials;
    this.bearerToken = builder.bearerToken;
    this.allowBearerTokenOverPlaintext = builder.allowBearerTokenOverPlaintext;
    this.defaultTimeout = builder.defaultTimeout;
    this.userAgent = builder.userAgent;
    this.maxInboundMessageSize = builder.maxInboundMessageSize;
    // A borrowed channel brings its own service config: no policy applies.
    this.retryPolicy = builder.channel == null ? builder.retryPolicy : null;
    this.hedgingPolicy = builder.channel == null ? builder.hedgingPolicy : null;
    this.loadBalancingPolicy = builder.channel == null ? builder.loadBalancingPolicy : null;
    this.executor = builder.executor;
    this.shutdownTimeout = builder.shutdownTimeout;
    this.tracePropagation = builder.tracePropagation;
  }

  /** Starts building settings. Only the target (or a borrowed channel) is required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder initialized with these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The target of the channel the client creates, e.g. {@code localhost:50051}; empty if borrowed.
   */
  public Optional<String> target() {
    return Optional.ofNullable(target);
  }

  /** The borrowed channel, if the client does not create its own. */
  public Optional<Channel> channel() {
    return Optional.ofNullable(channel);
  }

  /** Whether the created channel uses plaintext instead of TLS. */
  public boolean isPlaintext() {
    return plaintext;
  }

  /** Whether the created channel presents a client certificate (mutual TLS). */
  public boolean hasClientCertificate() {
    return clientCertificateChainPem != null;
  }

  /** The authority (TLS server name and {@code :authority}) overriding the target's, if set. */
  public Optional<String> overrideAuthority() {
    return Optional.ofNullable(overrideAuthority);
  }

  /** Whether calls carry a bearer token (the token itself is not exposed). */
  public boolean hasBearerToken() {
    return bearerToken != null;
  }

  /** Whether a bearer token may be sent over plaintext. */
  public boolean allowBearerTokenOverPlaintext() {
    return allowBearerTokenOverPlaintext;
  }

  /** The deadline of a call that sets none in its {@link CallSettings}, counted from its start. */
  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /** The application's user agent, sent before the SDK's own. */
  public Optional<String> userAgent() {
    return Optional.ofNullable(userAgent);
  }

  /** The largest response message accepted, in bytes. */
  public int maxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  /** The retry policy of the created channel; empty if hedging, disabled, or borrowed. */
  public Optional<RetryPolicy> retryPolicy() {
    return Optional.ofNullable(retryPolicy);
  }

  /** The hedging policy of the created channel, if set. */
  public Optional<HedgingPolicy> hedgingPolicy() {
    return Optional.ofNullable(hedgingPolicy);
  }

  /**
   * The gRPC load-balancing policy of an owned channel, e.g. {@code round_robin}; empty: gRPC's
   * default ({@code pick_first}: every call on one connection to the first address that answers).
   */
  public Optional<String> loadBalancingPolicy() {
    return Optional.ofNullable(loadBalancingPolicy);
  }

  /**
   * The executor that runs response callbacks (futures complete there and {@link
   * CheckEachListener}s are called there), if set; otherwise the channel's executor.
   */
  public Optional<Executor> executor() {
    return Optional.ofNullable(executor);
  }

  /**
   * Whether calls carry the caller's current OpenTelemetry trace context (W3C {@code traceparent},
   * with the propagators of {@code GlobalOpenTelemetry}); default {@code true}. Has an effect only
   * when the OpenTelemetry API is on the class path.
   */
  public boolean tracePropagation() {
    return tracePropagation;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** The call credentials to use: the bearer token's, the custom ones, or none. */
  @Nullable CallCredentials effectiveCallCredentials() {
    if (bearerToken != null) {
      return new BearerTokenCredentials(bearerToken, allowBearerTokenOverPlaintext);
    }
    return callCredentials;
  }

  @Nullable InputStream trustCertificatesPem() {
    return trustCertificatesPem == null ? null : new ByteArrayInputStream(trustCertificatesPem);
  }

  @Nullable InputStream clientCertificateChainPem() {
    return clientCertificateChainPem == null
        ? null
        : new ByteArrayInputStream(clientCertificateChainPem);
  }

  @Nullable InputStream clientPrivateKeyPem() {
    return clientPrivateKeyPem == null ? null : new ByteArrayInputStream(clientPrivateKeyPem);
  }

  /** Never shows secrets: neither the token nor the private key. */
  @Override
  public String toString() {
    return MoreObjects.toStringHelper(this)
        .omitNullValues()
        .add("target", target)
        .add("channel", channel)
        .add("plaintext", plaintext)
        .add("customTrustCertificates", trustCertificatesPem != null ? true : null)
        .add("clientCertificate", clientCertificateChainPem != null ? true : null)
        .add("overrideAuthority", overrideAuthority)
        .add("bearerToken", bearerToken != null ? "<redacted>" : null)
        .add("callCredentials", callCredentials)
        .add("defaultTimeout", defaultTimeout)
        .add("userAgent", userAgent)
        .add("maxInboundMessageSize", maxInboundMessageSize)
        .add("retryPolicy", retryPolicy)
        .add("hedgingPolicy", hedgingPolicy)
        .add("loadBalancingPolicy", loadBalancingPolicy)
        .add("executor", executor)
        .add("shutdownTimeout", shutdownTimeout)
        .toString();
  }

  /**
   * Builder of {@link SocialCheckSettings}. Setters reject bad values at once ({@link
   * IllegalArgumentException}); {@link #build()} rejects missing and conflicting settings ({@link
   * IllegalStateException}). Not thread-safe.
   */
  public static final class Builder {
    private @Nullable String target;
    private @Nullable Channel channel;
    private boolean plaintext;
    private byte @Nullable [] trustCertificatesPem;
    private byte @Nullable [] clientCertificateChainPem;
    private byte @Nullable [] clientPrivateKeyPem;
    private @Nullable String overrideAuthority;
    private @Nullable CallCredentials callCredentials;
    private @Nullable String bearerToken;
    private boolean allowBearerTokenOverPlaintext;
    private Duration defaultTimeout = DEFAULT_TIMEOUT;
    private @Nullable String userAgent;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private @Nullable RetryPolicy retryPolicy = RetryPolicy.defaults();
    private @Nullable HedgingPolicy hedgingPolicy;
    private @Nullable String loadBalancingPolicy;
    private @Nullable Executor executor;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private boolean tracePropagation = true;

    /** Channel-level setters called, to refuse them with a borrowed channel. */
    private final Set<String> channelOptions = new LinkedHashSet<>();

    private Builder() {}

    private Builder(SocialCheckSettings settings) {
      target = settings.target;
      channel = settings.channel;
      plaintext = settings.plaintext;
      trustCertificatesPem = settings.trustCertificatesPem;
      clientCertificateChainPem = settings.clientCertificateChainPem;
      clientPrivateKeyPem = settings.clientPrivateKeyPem;
      overrideAuthority = settings.overrideAuthority;
      callCredentials = settings.callCredentials;
      bearerToken = settings.bearerToken;
      allowBearerTokenOverPlaintext = settings.allowBearerTokenOverPlaintext;
      defaultTimeout = settings.defaultTimeout;
      userAgent = settings.userAgent;
      maxInboundMessageSize = settings.maxInboundMessageSize;
      executor = settings.executor;
      shutdownTimeout = settings.shutdownTimeout;
      tracePropagation = settings.tracePropagation;
      if (settings.channel == null) {
        retryPolicy = settings.retryPolicy;
        hedgingPolicy = settings.hedgingPolicy;
        loadBalancingPolicy = settings.loadBalancingPolicy;
        if (loadBalancingPolicy != null) {
          channelOptions.add("setLoadBalancingPolicy");
        }
        if (plaintext) {
          channelOptions.add("setPlaintext");
        }
        if (trustCertificatesPem != null) {
          channelOptions.add("setTrustCertificates");
        }
        if (clientCertificateChainPem != null) {
          channelOptions.add("setClientCertificate");
        }
        if (overrideAuthority != null) {
          channelOptions.add("setOverrideAuthority");
        }
        if (userAgent != null) {
          channelOptions.add("setUserAgent");
        }
        if (hedgingPolicy != null) {
          channelOptions.add("setHedgingPolicy");
        } else if (retryPolicy == null) {
          channelOptions.add("disableRetries");
        } else if (!retryPolicy.equals(RetryPolicy.defaults())) {
          channelOptions.add("setRetryPolicy");
        }
      }
    }

    /**
     * The server to connect to, as a gRPC target: {@code host:port}, or a URI such as {@code
     * dns:///socialcheck.internal:50051}. The client creates and owns a channel to it. Exclusive
     * with {@link #setChannel}.
     *
     * @throws IllegalArgumentException if blank or containing white space
     */
    @CanIgnoreReturnValue
    public Builder setTarget(String target) {
      requireNonNull(target, "target");
      checkArgument(!target.isBlank(), "target must not be blank");
      checkArgument(
          target.chars().noneMatch(Character::isWhitespace),
          "target must not contain white space: '%s'",
          target);
      this.target = target;
      return this;
    }

    /**
     * Borrows a channel: the client uses it but never shuts it down. Exclusive with {@link
     * #setTarget} and with the channel-level settings (see {@link SocialCheckSettings}).
     */
    @CanIgnoreReturnValue
    public Builder setChannel(Channel channel) {
      this.channel = requireNonNull(channel, "channel");
      return this;
    }

    /**
     * Uses plaintext instead of TLS (default false). For loopback and tests: everything,
     * credentials included, crosses the network readable.
     */
    @CanIgnoreReturnValue
    public Builder setPlaintext(boolean plaintext) {
      this.plaintext = plaintext;
      markChannelOption("setPlaintext", plaintext);
      return this;
    }

    /**
     * Trusts the certificate authorities in this PEM file instead of the JVM's.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no X.509 certificate
     */
    @CanIgnoreReturnValue
    public Builder setTrustCertificates(Path pemFile) throws IOException {
      return setTrustCertificates(Files.readAllBytes(pemFile));
    }

    /**
     * Trusts the certificate authorities in this PEM stream (read to its end, not closed) instead
     * of the JVM's.
     *
     * @throws IOException if the stream cannot be read
     * @throws IllegalArgumentException if it holds no X.509 certificate
     */
    @CanIgnoreReturnValue
    public Builder setTrustCertificates(InputStream pem) throws IOException {
      return setTrustCertificates(pem.readAllBytes());
    }

    private Builder setTrustCertificates(byte[] pem) {
      requireCertificates(pem, "trust certificates");
      this.trustCertificatesPem = pem;
      markChannelOption("setTrustCertificates", true);
      return this;
    }

    /**
     * Presents this client certificate (mutual TLS).
     *
     * @param certificateChainPem the certificate chain, PEM
     * @param privateKeyPem its unencrypted PKCS#8 private key, PEM ({@code BEGIN PRIVATE KEY})
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if the files hold no certificate or no private key
     */
    @CanIgnoreReturnValue
    public Builder setClientCertificate(Path certificateChainPem, Path privateKeyPem)
        throws IOException {
      return setClientCertificate(
          Files.readAllBytes(certificateChainPem), Files.readAllBytes(privateKeyPem));
    }

    /**
     * Presents this client certificate (mutual TLS); both streams are read to their end, not
     * closed.
     *
     * @see #setClientCertificate(Path, Path)
     */
    @CanIgnoreReturnValue
    public Builder setClientCertificate(InputStream certificateChainPem, InputStream privateKeyPem)
        throws IOException {
      return setClientCertificate(certificateChainPem.readAllBytes(), privateKeyPem.readAllBytes());
    }

    private Builder setClientCertificate(byte[] chain, byte[] key) {
      requireCertificates(chain, "client certificate chain");
      checkArgument(
          new String(key, StandardCharsets.US_ASCII).contains("-----BEGIN PRIVATE KEY-----"),
          "client private key: expected an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY)");
      this.clientCertificateChainPem = chain;
      this.clientPrivateKeyPem = key;
      markChannelOption("setClientCertificate", true);
      return this;
    }

    /**
     * Uses this authority instead of the target's: the TLS server name checked against the server's
     * certificate, and the {@code :authority} header. For servers reached by IP address or through
     * a tunnel.
     */
    @CanIgnoreReturnValue
    public Builder setOverrideAuthority(String authority) {
      requireNonNull(authority, "authority");
      checkArgument(!authority.isBlank(), "authority must not be blank");
      this.overrideAuthority = authority;
      markChannelOption("setOverrideAuthority", true);
      return this;
    }

    /** Sends these credentials with every call. Exclusive with {@link #setBearerToken}. */
    @CanIgnoreReturnValue
    public Builder setCallCredentials(CallCredentials credentials) {
      this.callCredentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Sends {@code authorization: Bearer <token>} with every call. Refused over plaintext unless
     * {@link #setAllowBearerTokenOverPlaintext} (see {@link SocialCheckSettings}). Exclusive with
     * {@link #setCallCredentials}.
     *
     * @throws IllegalArgumentException if blank or not printable ASCII
     */
    @CanIgnoreReturnValue
    public Builder setBearerToken(String token) {
      requireNonNull(token, "token");
      checkArgument(!token.isBlank(), "bearer token must not be blank");
      checkArgument(
          token.chars().allMatch(c -> c > 0x20 && c < 0x7f),
          "bearer token must be printable ASCII without spaces");
      this.bearerToken = token;
      return this;
    }

    /**
     * Allows sending the bearer token over plaintext (default false): only for a trusted network
     * path such as loopback to a sidecar.
     */
    @CanIgnoreReturnValue
    public Builder setAllowBearerTokenOverPlaintext(boolean allow) {
      this.allowBearerTokenOverPlaintext = allow;
      return this;
    }

    /**
     * The deadline of calls that set none in their {@link CallSettings}, counted from the start of
     * each call (default {@link SocialCheckSettings#DEFAULT_TIMEOUT}). When it passes, the call
     * fails with {@code DEADLINE_EXCEEDED} and the server cancels its checks.
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder setDefaultTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      checkArgument(
          RetryPolicy.isPositive(timeout), "default timeout must be positive: %s", timeout);
      this.defaultTimeout = timeout;
      return this;
    }

    /**
     * The application's user agent (e.g. {@code billing-service/2.3}), sent before the SDK's
     * ({@code socialcheck-java/VERSION}) and gRPC's.
     */
    @CanIgnoreReturnValue
    public Builder setUserAgent(String userAgent) {
      requireNonNull(userAgent, "userAgent");
      checkArgument(!userAgent.isBlank(), "user agent must not be blank");
      checkArgument(
          userAgent.chars().allMatch(c -> c >= 0x20 && c < 0x7f),
          "user agent must be printable ASCII");
      this.userAgent = userAgent;
      markChannelOption("setUserAgent", true);
      return this;
    }

    /**
     * The largest response message accepted, in bytes (default {@link
     * SocialCheckSettings#DEFAULT_MAX_INBOUND_MESSAGE_SIZE}); a larger one fails the call with
     * {@code RESOURCE_EXHAUSTED}.
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder setMaxInboundMessageSize(int bytes) {
      checkArgument(bytes > 0, "max inbound message size must be positive: %s", bytes);
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /**
     * Retries calls with this policy (default {@link RetryPolicy#defaults()}: {@code UNAVAILABLE}
     * only). Replaces a hedging policy.
     */
    @CanIgnoreReturnValue
    public Builder setRetryPolicy(RetryPolicy policy) {
      this.retryPolicy = requireNonNull(policy, "policy");
      this.hedgingPolicy = null;
      markChannelOption("setRetryPolicy", true);
      return this;
    }

    /** Hedges calls with this policy. Replaces the retry policy. */
    @CanIgnoreReturnValue
    public Builder setHedgingPolicy(HedgingPolicy policy) {
      this.hedgingPolicy = requireNonNull(policy, "policy");
      this.retryPolicy = null;
      markChannelOption("setHedgingPolicy", true);
      return this;
    }

    /**
     * Spreads calls over every address the target resolves to with this gRPC load-balancing policy,
     * e.g. {@code round_robin} for several server replicas behind one DNS name (a Kubernetes
     * headless service: {@code dns:///socialcheck-headless.ns.svc:50051}). Default: gRPC's {@code
     * pick_first}, which sends every call over one connection — behind a plain Kubernetes Service
     * that pins a client to one replica.
     *
     * @throws IllegalArgumentException if no such policy is registered in this JVM
     */
    @CanIgnoreReturnValue
    public Builder setLoadBalancingPolicy(String policy) {
      requireNonNull(policy, "policy");
      checkArgument(
          LoadBalancerRegistry.getDefaultRegistry().getProvider(policy) != null,
          "unknown load-balancing policy '%s' (gRPC Java ships pick_first and round_robin)",
          policy);
      this.loadBalancingPolicy = policy;
      markChannelOption("setLoadBalancingPolicy", true);
      return this;
    }

    /** Neither retries nor hedges (gRPC's transparent retry of never-sent requests remains). */
    @CanIgnoreReturnValue
    public Builder disableRetries() {
      this.retryPolicy = null;
      this.hedgingPolicy = null;
      markChannelOption("disableRetries", true);
      return this;
    }

    /**
     * Runs response callbacks on this executor: futures complete there, so listeners added with
     * {@code directExecutor()} run there, and {@link CheckEachListener}s are called there (one
     * call's callbacks never overlap and keep their order, even on a thread pool). Borrowed: the
     * client never shuts it down. Default: the channel's executor (for a created channel, gRPC's
     * shared pool of daemon threads). {@code MoreExecutors.directExecutor()} saves a thread hop but
     * runs callbacks on network threads: only for callbacks that never block.
     */
    @CanIgnoreReturnValue
    public Builder setExecutor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * How long {@link SocialCheckClient#close()} lets calls in flight finish on a created channel
     * before cancelling them (default {@link SocialCheckSettings#DEFAULT_SHUTDOWN_TIMEOUT}; zero
     * cancels at once).
     *
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder setShutdownTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      checkArgument(!timeout.isNegative(), "shutdown timeout must not be negative: %s", timeout);
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Whether calls carry the caller's current OpenTelemetry trace context, so that the server's
     * spans continue the caller's trace (default {@code true}). The SDK depends on the
     * OpenTelemetry API optionally: without {@code io.opentelemetry:opentelemetry-api} on the class
     * path this does nothing; with it, the context current when a call starts is injected with the
     * propagators of {@code GlobalOpenTelemetry} (W3C {@code traceparent} by default; nothing if no
     * OpenTelemetry SDK was registered). Works on borrowed channels too.
     */
    @CanIgnoreReturnValue
    public Builder setTracePropagation(boolean propagate) {
      this.tracePropagation = propagate;
      return this;
    }

    /**
     * Validates and builds the settings.
     *
     * @throws IllegalStateException if neither or both of target and channel are set, if a borrowed
     *     channel comes with channel-level settings, if plaintext is combined with TLS settings, if
     *     both a bearer token and call credentials are set, or if a bearer token would go over
     *     plaintext without {@link #setAllowBearerTokenOverPlaintext}
     */
    public SocialCheckSettings build() {
      checkState(
          target != null || channel != null,
          "target is required: setTarget(\"host:port\"), or setChannel(channel) to borrow one");
      checkState(
          target == null || channel == null,
          "setTarget and setChannel are exclusive: the client either creates a channel to the"
              + " target or borrows one");
      checkState(
          channel == null || channelOptions.isEmpty(),
          "%s only apply to a channel the client creates from a target; configure the borrowed"
              + " channel instead",
          channelOptions);
      List<String> tls = new ArrayList<>();
      if (trustCertificatesPem != null) {
        tls.add("setTrustCertificates");
      }
      if (clientCertificateChainPem != null) {
        tls.add("setClientCertificate");
      }
      checkState(
          !plaintext || tls.isEmpty(),
          "setPlaintext(true) conflicts with the TLS settings %s: choose plaintext or TLS",
          tls);
      checkState(
          bearerToken == null || callCredentials == null,
          "setBearerToken and setCallCredentials are exclusive");
      checkState(
          bearerToken == null || !plaintext || allowBearerTokenOverPlaintext,
          "refusing to send a bearer token over plaintext: use TLS, or"
              + " setAllowBearerTokenOverPlaintext(true) for a trusted path such as loopback");
      return new SocialCheckSettings(this);
    }

    private void markChannelOption(String setter, boolean set) {
      if (set) {
        channelOptions.add(setter);
      } else {
        channelOptions.remove(setter);
      }
    }

    private static void requireCertificates(byte[] pem, String what) {
      try {
        checkArgument(
            !CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem))
                .isEmpty(),
            "%s: no X.509 certificate in the PEM data",
            what);
      } catch (CertificateException e) {
        throw new IllegalArgumentException(what + ": not PEM X.509 certificates: " + e, e);
      }
    }
  }
}
