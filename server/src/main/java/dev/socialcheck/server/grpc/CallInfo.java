package dev.socialcheck.server.grpc;

import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Fingerprints;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.Strategy;
import io.grpc.Context;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the telemetry knows about one call: filled as the call goes through the interceptors (who
 * called, what was asked) and read once it ends.
 *
 * <p>The address's keyed hash is computed once per call, and only if the access log asks for it
 * ({@link #emailHash()}): from the {@link EmailAddress} the service parsed ({@link
 * #describeAddress}), whose fingerprint the service's own log lines share, else from the request's
 * text. Until then the call's request is kept here (it is alive anyway while the call runs); it is
 * never logged, and dropped once the hash is taken.
 */
final class CallInfo {
  /** The call's info, for the interceptors inside {@link CallTelemetry}. */
  static final Context.Key<CallInfo> KEY = Context.key("socialcheck-call-info");

  final String requestId;
  final String method;
  final String peer;
  final long startNanos;

  // Plain fields behind VarHandles, not atomic objects: four objects less per call.
  @SuppressWarnings("UnusedVariable") // through RECORDED
  private volatile boolean recorded;

  private volatile @Nullable String caller;
  private volatile String strategy = "none";
  private volatile @Nullable EmailAddress address;
  private volatile @Nullable String requestEmail;
  private volatile @Nullable String emailHash;
  private volatile long itemsReceived;
  private volatile long itemsAnswered;
  private volatile long itemErrors;

  private static final VarHandle RECORDED;
  private static final VarHandle ITEMS_RECEIVED;
  private static final VarHandle ITEMS_ANSWERED;
  private static final VarHandle ITEM_ERRORS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      RECORDED = lookup.findVarHandle(CallInfo.class, "recorded", boolean.class);
      ITEMS_RECEIVED = lookup.findVarHandle(CallInfo.class, "itemsReceived", long.class);
      ITEMS_ANSWERED = lookup.findVarHandle(CallInfo.class, "itemsAnswered", long.class);
      ITEM_ERRORS = lookup.findVarHandle(CallInfo.class, "itemErrors", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Fingerprints fingerprints;

  CallInfo(
      String requestId, String method, String peer, long startNanos, Fingerprints fingerprints) {
    this.fingerprints = fingerprints;
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

  /**
   * The keyed hash of the address the call asked about ({@link Fingerprints#ofText}), or null if no
   * request named one. Computed on the first call of this method, which is the access log's: calls
   * that are not logged never hash.
   */
  @Nullable String emailHash() {
    String hash = emailHash;
    if (hash == null) {
      EmailAddress parsed = address;
      String text = requestEmail;
      if (parsed != null) {
        hash = fingerprints.of(parsed);
      } else if (text != null) {
        hash = fingerprints.ofText(text);
      } else {
        return null;
      }
      emailHash = hash;
      requestEmail = null;
    }
    return hash;
  }

  /** Notes what the request asks ({@link RequestDecoding}): strategy, and the address to hash. */
  void describe(Object request) {
    if (request instanceof HasSocialAccountRequest r) {
      strategy = strategyName(r.getStrategy());
      requestEmail = r.getEmail();
    } else if (request instanceof CheckEachRequest r) {
      strategy = CheckRequest.EACH_MODE;
      requestEmail = r.getEmail();
    } else if (request instanceof CheckManyRequest) {
      // One access-log line per stream: items are counted, their addresses not even hashed.
      strategy = "many";
      ITEMS_RECEIVED.getAndAdd(this, 1L);
    }
  }

  /** A {@code CheckMany} item was answered ({@code failed}: with an error status). */
  void itemSent(boolean failed) {
    (failed ? ITEM_ERRORS : ITEMS_ANSWERED).getAndAdd(this, 1L);
  }

  /** {@code CheckMany} items read so far. */
  long itemsReceived() {
    return itemsReceived;
  }

  /** {@code CheckMany} items answered so far, errors not included. */
  long itemsAnswered() {
    return itemsAnswered;
  }

  /** {@code CheckMany} items answered with an error status so far. */
  long itemErrors() {
    return itemErrors;
  }

  /** The address as the service parsed it: its fingerprint is the one computed for the call. */
  void describeAddress(EmailAddress parsed) {
    address = parsed;
  }

  /** The strategy label of metrics and the access log: race, sequential, hedged, adaptive. */
  private static String strategyName(Strategy strategy) {
    return switch (strategy) {
      case STRATEGY_UNSPECIFIED, STRATEGY_RACE -> "race";
      case STRATEGY_SEQUENTIAL -> "sequential";
      case STRATEGY_HEDGED -> "hedged";
      case STRATEGY_ADAPTIVE -> "adaptive";
      case UNRECOGNIZED -> "unknown";
      default -> strategy.name().substring("STRATEGY_".length()).toLowerCase(Locale.ROOT);
    };
  }

  /** True the first time only: a call is recorded once, however it ends. */
  boolean markRecorded() {
    return RECORDED.compareAndSet(this, false, true);
  }
}
