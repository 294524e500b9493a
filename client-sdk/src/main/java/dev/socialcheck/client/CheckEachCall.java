package dev.socialcheck.client;

import com.google.common.base.MoreObjects;
import com.google.common.util.concurrent.AbstractFuture;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A {@code CheckEach} stream delivered to a {@link CheckEachListener}, and the future of its end.
 * The future succeeds after {@link CheckEachListener#onCompleted()} and fails after {@link
 * CheckEachListener#onError} with the same exception; cancelling it (with or without interrupt)
 * cancels the call, as in {@link UnaryCallFuture}.
 *
 * <p>Flow control: one result is requested at a time, the next only once the listener has returned
 * from the previous one, so a slow listener slows the stream instead of filling memory.
 */
final class CheckEachCall extends AbstractFuture<@Nullable Void> {
  private static final Logger logger = Logger.getLogger(CheckEachCall.class.getName());

  private final ClientCall<CheckEachRequest, CheckEachResponse> call;
  private final CheckEachListener listener;

  private CheckEachCall(
      ClientCall<CheckEachRequest, CheckEachResponse> call, CheckEachListener listener) {
    this.call = call;
    this.listener = listener;
  }

  static ListenableFuture<@Nullable Void> start(
      ClientCall<CheckEachRequest, CheckEachResponse> call,
      CheckEachRequest request,
      Metadata headers,
      CheckEachListener listener) {
    CheckEachCall future = new CheckEachCall(call, listener);
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

  /** gRPC calls it serially, on the call's executor; it calls the listener the same way. */
  private final class StreamListener extends ClientCall.Listener<CheckEachResponse> {
    @Override
    public void onMessage(CheckEachResponse message) {
      if (isCancelled()) {
        return; // Already-delivered messages may still arrive after a cancel: drop them.
      }
      try {
        listener.onResult(message.getResult());
      } catch (RuntimeException | Error e) {
        call.cancel("CheckEachListener.onResult threw", e);
        return;
      }
      call.request(1);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      if (status.isOk()) {
        try {
          listener.onCompleted();
        } catch (RuntimeException e) {
          logger.log(Level.WARNING, "CheckEachListener.onCompleted threw", e);
        } finally {
          set(null);
        }
      } else {
        SocialCheckException error = new SocialCheckException(status, trailers);
        try {
          listener.onError(error);
        } catch (RuntimeException e) {
          logger.log(Level.WARNING, "CheckEachListener.onError threw", e);
        } finally {
          setException(error);
        }
      }
    }
  }
}
