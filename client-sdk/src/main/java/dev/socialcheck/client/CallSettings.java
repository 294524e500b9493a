package dev.socialcheck.client;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableListMultimap;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import io.grpc.Deadline;
import io.grpc.Metadata;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-call overrides of the client's {@link SocialCheckSettings}: the call's timeout or absolute
 * deadline, wait-for-ready, and extra request headers. Anything not set here comes from the
 * settings.
 *
 * <pre>{@code
 * CallSettings quick = CallSettings.newBuilder().setTimeout(Duration.ofSeconds(2)).build();
 * ListenableFuture<HasSocialAccountResponse> answer =
 *     client.hasSocialAccount(
 *         HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build(), quick);
 * }</pre>
 *
 * <p>A {@link #deadline()} is a point in time, so one deadline can be shared by several calls (e.g.
 * everything a user request does must finish within 5 s); a {@link #timeout()} starts anew with
 * each call.
 *
 * <p>Immutable and thread-safe.
 */
public final class CallSettings {
  private static final CallSettings DEFAULTS = new Builder().build();

  private final @Nullable Duration timeout;
  private final @Nullable Deadline deadline;
  private final boolean waitForReady;
  private final ImmutableListMultimap<String, String> headers;

  private CallSettings(Builder builder) {
    this.timeout = builder.timeout;
    this.deadline = builder.deadline;
    this.waitForReady = builder.waitForReady;
    this.headers = builder.headers.build();
  }

  /** No overrides: every call uses the client's settings. */
  public static CallSettings defaults() {
    return DEFAULTS;
  }

  /** Starts building call settings. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder initialized with these settings. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.timeout = timeout;
    builder.deadline = deadline;
    builder.waitForReady = waitForReady;
    builder.headers.putAll(headers);
    return builder;
  }

  /** The call's timeout, counted from the start of the call, if set. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** The call's absolute deadline, if set. */
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * Whether the call waits for the channel to be ready (within its deadline) instead of failing
   * fast with {@code UNAVAILABLE} while the server cannot be reached.
   */
  public boolean waitForReady() {
    return waitForReady;
  }

  /** Extra ASCII request headers, keys in lower case. */
  public ImmutableListMultimap<String, String> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return MoreObjects.toStringHelper(this)
        .omitNullValues()
        .add("timeout", timeout)
        .add("deadline", deadline)
        .add("waitForReady", waitForReady)
        .add("headers", headers.keySet())
        .toString();
  }

  /** Builder of {@link CallSettings}; not thread-safe. */
  public static final class Builder {
    private @Nullable Duration timeout;
    private @Nullable Deadline deadline;
    private boolean waitForReady;
    private final ImmutableListMultimap.Builder<String, String> headers =
        ImmutableListMultimap.builder();

    private Builder() {}

    /**
     * Sets the call's timeout, counted from the start of the call; replaces the client's default
     * timeout. Exclusive with {@link #setDeadline}.
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder setTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      checkArgument(RetryPolicy.isPositive(timeout), "timeout must be positive: %s", timeout);
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the call's absolute deadline (e.g. {@code Deadline.after(5, TimeUnit.SECONDS)}, shared
     * by several calls); replaces the client's default timeout. Exclusive with {@link #setTimeout}.
     */
    @CanIgnoreReturnValue
    public Builder setDeadline(Deadline deadline) {
      this.deadline = requireNonNull(deadline, "deadline");
      return this;
    }

    /** See {@link CallSettings#waitForReady()}; default false. */
    @CanIgnoreReturnValue
    public Builder setWaitForReady(boolean waitForReady) {
      this.waitForReady = waitForReady;
      return this;
    }

    /**
     * Adds a request header (e.g. a request id for the server's logs). Keys are lower-cased.
     *
     * @throws IllegalArgumentException if the key is not a valid ASCII header name (binary {@code
     *     -bin} headers and the reserved {@code grpc-} prefix are refused)
     */
    @CanIgnoreReturnValue
    public Builder putHeader(String key, String value) {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
      String name = key.toLowerCase(Locale.ROOT);
      checkArgument(!name.startsWith("grpc-"), "header %s: the grpc- prefix is reserved", key);
      checkArgument(
          !name.endsWith(Metadata.BINARY_HEADER_SUFFIX),
          "header %s: binary headers are refused",
          key);
      // Validates the name (allowed characters) the way the call will.
      Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
      headers.put(name, value);
      return this;
    }

    /**
     * Builds the call settings.
     *
     * @throws IllegalStateException if both a timeout and a deadline are set
     */
    public CallSettings build() {
      checkState(
          timeout == null || deadline == null,
          "set a timeout or a deadline, not both (timeout %s, deadline %s)",
          timeout,
          deadline);
      return new CallSettings(this);
    }
  }
}
