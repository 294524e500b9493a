package dev.socialcheck.client;

import com.google.common.base.MoreObjects;
import com.google.common.util.concurrent.AbstractFuture;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Iterator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A streaming call ({@code CheckEach}, {@code CheckMany}) delivered to a listener, and the future
 * of its end. The future succeeds after the listener's {@code onCompleted} and fails after its
 * {@code onError} with the same {@link SocialCheckException}; cancelling it (with or without
 * interrupt) cancels the call, as in {@link UnaryCallFuture}.
 *
 * <p>Flow control: one response is requested at a time, the next only once the listener has
 * returned from the previous one, so a slow listener slows the stream instead of filling memory.
 * Requests come either as one message or from an iterator pulled only while the call is ready
 * ({@link ItemPump}).
 */
final class StreamCallFuture<ReqT, RespT> extends AbstractFuture<@Nullable Void> {
  private static final Logger logger = Logger.getLogger(StreamCallFuture.class.getName());

  /** The listener's three events, whatever its public type. */
  interface Sink<RespT> {
    void onResult(RespT response);

    void onCompleted();

    void onError(SocialCheckException error);
  }

  private final ClientCall<ReqT, RespT> call;
  private final Sink<RespT> sink;
  private final String sinkName;
  private final @Nullable ItemPump<ReqT> pump;

  private StreamCallFuture(
      ClientCall<ReqT, RespT> call,
      Sink<RespT> sink,
      String sinkName,
      @Nullable Iterator<? extends ReqT> requests) {
    this.call = call;
    this.sink = sink;
    this.sinkName = sinkName;
    this.pump = requests == null ? null : new ItemPump<>(call, requests);
  }

  /** Starts a call with one request (a server stream). */
  static <ReqT, RespT> ListenableFuture<@Nullable Void> start(
      ClientCall<ReqT, RespT> call,
      ReqT request,
      Metadata headers,
      Sink<RespT> sink,
      String sinkName) {
    StreamCallFuture<ReqT, RespT> future = new StreamCallFuture<>(call, sink, sinkName, null);
    try {
      call.start(future.new StreamListener(), headers);
      call.request(1);
      call.sendMessage(request);
      call.halfClose();
    } catch (RuntimeException | Error e) {
      call.cancel("the call could not be started", e);
      throw e;
    }
    return future;
  }

  /** Starts a call whose requests come from {@code requests} (a bidirectional stream). */
  static <ReqT, RespT> ListenableFuture<@Nullable Void> start(
      ClientCall<ReqT, RespT> call,
      Iterator<? extends ReqT> requests,
      Metadata headers,
      Sink<RespT> sink,
      String sinkName) {
    StreamCallFuture<ReqT, RespT> future = new StreamCallFuture<>(call, sink, sinkName, requests);
    try {
      call.start(future.new StreamListener(), headers);
      call.request(1);
    } catch (RuntimeException | Error e) {
      call.cancel("the call could not be started", e);
      throw e;
    }
    return future;
  }

  @Override
  protected void afterDone() {
    if (isCancelled()) {
      call.cancel("the caller cancelled the stream", null);
    }
  }

  @Override
  protected @Nullable String pendingToString() {
    return MoreObjects.toStringHelper(this).add("call", call).toString();
  }

  /** gRPC calls it serially, on the call's executor; it calls the sink the same way. */
  private final class StreamListener extends ClientCall.Listener<RespT> {
    @Override
    public void onReady() {
      if (pump != null && !isDone()) {
        pump.onReady();
      }
    }

    @Override
    public void onMessage(RespT message) {
      if (isCancelled()) {
        return; // Already-delivered messages may still arrive after a cancel: drop them.
      }
      try {
        sink.onResult(message);
      } catch (RuntimeException | Error e) {
        call.cancel(sinkName + ".onResult threw", e);
        return;
      }
      call.request(1);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      if (status.isOk()) {
        try {
          sink.onCompleted();
        } catch (RuntimeException e) {
          logger.log(Level.WARNING, sinkName + ".onCompleted threw", e);
        } finally {
          set(null);
        }
      } else {
        SocialCheckException error = new SocialCheckException(status, trailers);
        try {
          sink.onError(error);
        } catch (RuntimeException e) {
          logger.log(Level.WARNING, sinkName + ".onError threw", e);
        } finally {
          setException(error);
        }
      }
    }
  }
}
