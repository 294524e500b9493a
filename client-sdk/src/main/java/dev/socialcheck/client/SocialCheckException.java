package dev.socialcheck.client;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.Sets;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The one exception type of the SDK: a call that did not succeed. It carries the call's gRPC {@link
 * Status}: its {@link #code()}, the server's message (the status description) and, if the failure
 * happened on this side, the underlying cause (e.g. the {@link java.net.ConnectException} of an
 * {@code UNAVAILABLE}). The message reads {@code CODE: description}, e.g. {@code INVALID_ARGUMENT:
 * email has no '@'}.
 *
 * <p>Futures returned by {@link SocialCheckClient} fail with it as their cause ({@code get()}
 * throws an {@link java.util.concurrent.ExecutionException} whose {@code getCause()} is this
 * exception); blocking streams throw it directly. A future that the caller cancelled does not fail
 * with it: it is cancelled ({@link java.util.concurrent.CancellationException}).
 *
 * <table>
 *   <caption>What the codes mean for socialcheck, and what to do</caption>
 *   <tr><th>code</th><th>meaning</th><th>{@link #isRetryable()}</th></tr>
 *   <tr><td>INVALID_ARGUMENT</td><td>bad e-mail address, unknown platform id, bad duration;
 *       the message says which field and why. Fix the request.</td><td>no</td></tr>
 *   <tr><td>DEADLINE_EXCEEDED</td><td>the call's deadline passed (the server cancelled every
 *       check). Raise {@link SocialCheckSettings.Builder#setDefaultTimeout} or the call's
 *       {@link CallSettings.Builder#setTimeout}.</td><td>yes</td></tr>
 *   <tr><td>UNAVAILABLE</td><td>no connection, or the server is shutting down. Already retried
 *       by the channel's {@link RetryPolicy}.</td><td>yes</td></tr>
 *   <tr><td>RESOURCE_EXHAUSTED</td><td>the server sheds load or the caller is over its quota.
 *       Retry later, with backoff.</td><td>yes</td></tr>
 *   <tr><td>ABORTED</td><td>the server gave up on the call; safe to retry.</td><td>yes</td></tr>
 *   <tr><td>UNAUTHENTICATED</td><td>missing or wrong credentials, or the SDK refused to send a
 *       bearer token over plaintext.</td><td>no</td></tr>
 *   <tr><td>CANCELLED</td><td>the call was cancelled on this side (the client was closed, or a
 *       stream was cancelled; a cancelled future reports {@code CancellationException} instead).
 *       </td><td>no</td></tr>
 *   <tr><td>others (INTERNAL, UNKNOWN, ...)</td><td>a bug on either side; report it with the
 *       message.</td><td>no</td></tr>
 * </table>
 *
 * <pre>{@code
 * ListenableFuture<HasSocialAccountResponse> answer =
 *     Futures.catching(
 *         client.hasSocialAccount("not-an-address"),
 *         SocialCheckException.class,
 *         e -> {
 *           System.err.println(e.getMessage()); // INVALID_ARGUMENT: email has no '@'
 *           return HasSocialAccountResponse.getDefaultInstance();
 *         },
 *         MoreExecutors.directExecutor());
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #trailers()} does not survive serialization.
 */
public final class SocialCheckException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private static final Set<Status.Code> RETRYABLE =
      Sets.immutableEnumSet(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.ABORTED);

  // Code and description rather than Status, which is not Serializable.
  private final Status.Code code;
  private final @Nullable String description;
  private final transient @Nullable Metadata trailers;

  /**
   * Creates an exception for a call that ended with {@code status}.
   *
   * @param status the call's status; must not be OK
   * @param trailers the trailing metadata the server sent, if any
   * @throws IllegalArgumentException if {@code status} is OK
   */
  public SocialCheckException(Status status, @Nullable Metadata trailers) {
    super(messageOf(status), status.getCause());
    if (status.isOk()) {
      throw new IllegalArgumentException("a SocialCheckException needs a status other than OK");
    }
    this.code = status.getCode();
    this.description = status.getDescription();
    this.trailers = trailers;
  }

  private static String messageOf(Status status) {
    requireNonNull(status, "status");
    String description = status.getDescription();
    return description == null || description.isEmpty()
        ? status.getCode().name()
        : status.getCode().name() + ": " + description;
  }

  /** The gRPC status code, e.g. {@link Status.Code#INVALID_ARGUMENT}. */
  public Status.Code code() {
    return code;
  }

  /** The full status: code, the server's description (may be null) and the local cause, if any. */
  public Status status() {
    return Status.fromCode(code).withDescription(description).withCause(getCause());
  }

  /** A copy of the trailing metadata of the call; empty if there was none. */
  public Metadata trailers() {
    Metadata copy = new Metadata();
    if (trailers != null) {
      copy.merge(trailers);
    }
    return copy;
  }

  /**
   * Whether sending the same request again may succeed: {@code UNAVAILABLE}, {@code
   * DEADLINE_EXCEEDED}, {@code RESOURCE_EXHAUSTED} and {@code ABORTED}. Every socialcheck call is
   * read-only, so a retry is always safe; this says whether it is worth it. Retry with backoff.
   */
  public boolean isRetryable() {
    return RETRYABLE.contains(code);
  }
}
