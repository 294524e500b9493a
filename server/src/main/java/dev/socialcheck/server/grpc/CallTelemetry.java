package dev.socialcheck.server.grpc;

import com.google.common.base.Ticker;
import dev.socialcheck.server.engine.Fingerprints;
import dev.socialcheck.server.metrics.ServiceMetrics;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The outermost interceptor: gives every call a request id ({@code x-request-id}: the caller's if
 * it is sane, else a new one; echoed in the response headers or trailers), writes the access log
 * (logger {@code socialcheck.access}, at most one line per call) and records the call's metrics —
 * also for calls refused by the interceptors inside it (authentication, rate limit, load shedding).
 * With a sample below 1 (the default is {@link SocialCheckServer#DEFAULT_ACCESS_LOG_SAMPLE}), only
 * that share of the calls that end {@code OK} is written, each such line with {@code
 * sample=<share>}; every other call (failed, refused, shed, cancelled) always is.
 *
 * <p>The access log carries the method, status, elapsed time, request id, peer, caller, strategy
 * and a hash of the address, never the address. Requests pass through here unparsed ({@link
 * RequestDecoding}); the strategy and hash are noted in {@link CallInfo} once one is parsed.
 */
final class CallTelemetry implements ServerInterceptor {
  static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private static final Logger accessLog = LoggerFactory.getLogger("socialcheck.access");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final @Nullable ServiceMetrics metrics;
  private final Ticker ticker;
  private final double okSample;
  private final Fingerprints fingerprints;
  private final DoubleSupplier draw;

  /**
   * @param okSample share of the calls that end {@code OK} written to the access log (every other
   *     call is written): 1 writes every call
   * @param fingerprints tags the address of each access line
   */
  CallTelemetry(
      @Nullable ServiceMetrics metrics, Ticker ticker, double okSample, Fingerprints fingerprints) {
    this(metrics, ticker, okSample, fingerprints, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * @param draw a number in [0, 1) per successful call: the call is written if it is below {@code
   *     okSample} (tests make it deterministic)
   */
  CallTelemetry(
      @Nullable ServiceMetrics metrics,
      Ticker ticker,
      double okSample,
      Fingerprints fingerprints,
      DoubleSupplier draw) {
    this.fingerprints = fingerprints;
    this.metrics = metrics;
    this.ticker = ticker;
    this.okSample = okSample;
    this.draw = draw;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String sent = headers.get(REQUEST_ID);
    String requestId = sent != null && SANE_ID.matcher(sent).matches() ? sent : newId();
    CallInfo info =
        new CallInfo(
            requestId,
            MethodNames.bare(call.getMethodDescriptor()),
            peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)),
            ticker.read(),
            fingerprints);
    ServerCall<ReqT, RespT> recorded =
        new SimpleForwardingServerCall<ReqT, RespT>(call) {
          private boolean headersSent;

          @Override
          public void sendHeaders(Metadata responseHeaders) {
            responseHeaders.put(REQUEST_ID, requestId);
            headersSent = true;
            super.sendHeaders(responseHeaders);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            if (!headersSent) {
              trailers.put(REQUEST_ID, requestId);
            }
            record(info, status);
            super.close(status, trailers);
          }
        };
    Context context = Context.current().withValue(CallInfo.KEY, info);
    ServerCall.Listener<ReqT> listener = Contexts.interceptCall(context, recorded, headers, next);
    return new SimpleForwardingServerCallListener<ReqT>(listener) {
      @Override
      public void onCancel() {
        // The client cancelled, or its deadline passed: the server never closes the call itself.
        Deadline deadline = context.getDeadline();
        record(
            info,
            deadline != null && deadline.isExpired()
                ? Status.DEADLINE_EXCEEDED
                : Status.CANCELLED.withDescription("cancelled by the client"));
        super.onCancel();
      }
    };
  }

  private void record(CallInfo info, Status status) {
    if (!info.markRecorded()) {
      return;
    }
    long elapsedNanos = ticker.read() - info.startNanos;
    String code = status.getCode().name();
    if (metrics != null) {
      metrics.callMeters(info.method, info.strategy()).record(code, elapsedNanos);
    }
    if (!accessLog.isInfoEnabled() || (status.isOk() && !sampled())) {
      return; // nothing below is needed, the address's hash least of all
    }
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
    String caller = info.caller();
    String emailHash = info.emailHash();
    LoggingEventBuilder line =
        accessLog
            .atInfo()
            .addKeyValue("rpc", info.method)
            .addKeyValue("code", code)
            .addKeyValue("elapsed_ms", elapsedMillis)
            .addKeyValue("request_id", info.requestId)
            .addKeyValue("peer", info.peer)
            .addKeyValue("caller", caller == null ? "-" : caller)
            .addKeyValue("strategy", info.strategy())
            .addKeyValue("email", emailHash == null ? "-" : "hmac:" + emailHash);
    if (status.isOk() && okSample < 1) {
      // A sampled line stands for 1/sample successful calls: say so, so counts can be weighted.
      line = line.addKeyValue("sample", okSample);
    }
    if (info.strategy().equals("many")) {
      line =
          line.addKeyValue("items", info.itemsReceived())
              .addKeyValue("items_answered", info.itemsAnswered())
              .addKeyValue("item_errors", info.itemErrors());
    }
    // The line's text built here: slf4j's "{}" formatting allocates a map per line to guard
    // against cyclic array arguments, which three strings and a number do not need.
    line.log(info.method + " " + code + " " + elapsedMillis + "ms");
  }

  /** Whether this successful call is one of the sampled ones. */
  private boolean sampled() {
    return okSample >= 1 || (okSample > 0 && draw.getAsDouble() < okSample);
  }

  /**
   * A new request id: a random (version 4) UUID from {@link ThreadLocalRandom}, not {@link
   * UUID#randomUUID()}, whose {@code SecureRandom} is one lock for every thread. Request ids must
   * be unique, not secret (the caller sees them, the log keeps them): 122 random bits per id from a
   * per-thread generator, mixed with a per-process random salt so that two replicas whose
   * generators happened to start alike still differ.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = ((random.nextLong() ^ PROCESS_SALT) & ~0xf000L) | 0x4000L; // version 4
    long low = (random.nextLong() & ~(0xc000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(high, low).toString();
  }

  /** Random per process, from the system's secure generator: drawn once. */
  private static final long PROCESS_SALT = new SecureRandom().nextLong();

  private static String peer(@Nullable SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return address == null ? "-" : address.toString();
  }
}
