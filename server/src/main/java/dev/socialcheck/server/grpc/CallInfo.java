package dev.socialcheck.server.grpc;

import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.HasSocialAccountRequest;
import io.grpc.Context;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * What the telemetry knows about one call: filled as the call goes through the interceptors (who
 * called, what was asked) and read once it ends. Never holds the e-mail address, only its hash.
 */
final class CallInfo {
  /** The call's info, for the interceptors inside {@link CallTelemetry}. */
  static final Context.Key<CallInfo> KEY = Context.key("socialcheck-call-info");

  final String requestId;
  final String method;
  final String peer;
  final long startNanos;
  private final AtomicBoolean recorded = new AtomicBoolean();
  private volatile @Nullable String caller;
  private volatile String strategy = "none";
  private volatile @Nullable String emailHash;
  private final AtomicLong itemsReceived = new AtomicLong();
  private final AtomicLong itemsAnswered = new AtomicLong();
  private final AtomicLong itemErrors = new AtomicLong();

  CallInfo(String requestId, String method, String peer, long startNanos) {
    this.requestId = requestId;
    this.method = method;
    this.peer = peer;
    this.startNanos = startNanos;
  }

  /** The current call's info, if the call went through {@link CallTelemetry}. */
  static @Nullable CallInfo current() {
    return KEY.get();
  }

  /** The authenticated caller's name, if any. */
  @Nullable String caller() {
    return caller;
  }

  void setCaller(String caller) {
    this.caller = caller;
  }

  String strategy() {
    return strategy;
  }

  @Nullable String emailHash() {
    return emailHash;
  }

  /** Notes what the request asks, without keeping the address ({@link RequestDecoding}). */
  void describe(Object request) {
    if (request instanceof HasSocialAccountRequest r) {
      strategy =
          switch (r.getStrategy()) {
            case STRATEGY_UNSPECIFIED, STRATEGY_RACE -> "race";
            case UNRECOGNIZED -> "unknown";
            default ->
                r.getStrategy().name().substring("STRATEGY_".length()).toLowerCase(Locale.ROOT);
          };
      emailHash = EmailAddress.fingerprintOf(r.getEmail());
    } else if (request instanceof CheckEachRequest r) {
      strategy = CheckRequest.EACH_MODE;
      emailHash = EmailAddress.fingerprintOf(r.getEmail());
    } else if (request instanceof CheckManyRequest) {
      // One access-log line per stream: items are counted, their addresses not even hashed.
      strategy = "many";
      itemsReceived.incrementAndGet();
    }
  }

  /** A {@code CheckMany} item was answered ({@code failed}: with an error status). */
  void itemSent(boolean failed) {
    (failed ? itemErrors : itemsAnswered).incrementAndGet();
  }

  /** {@code CheckMany} items read so far. */
  long itemsReceived() {
    return itemsReceived.get();
  }

  /** {@code CheckMany} items answered so far, errors not included. */
  long itemsAnswered() {
    return itemsAnswered.get();
  }

  /** {@code CheckMany} items answered with an error status so far. */
  long itemErrors() {
    return itemErrors.get();
  }

  /** True the first time only: a call is recorded once, however it ends. */
  boolean markRecorded() {
    return recorded.compareAndSet(false, true);
  }
}
