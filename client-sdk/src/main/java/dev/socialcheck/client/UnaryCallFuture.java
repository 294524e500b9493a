package dev.socialcheck.client;

import com.google.common.base.MoreObjects;
import com.google.common.util.concurrent.AbstractFuture;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * The future of one unary call. Unlike grpc-java's {@code ClientCalls.futureUnaryCall}, whose
 * future cancels the call only from {@code interruptTask()} (that is, on {@code cancel(true)}; see
 * grpc-java issue 4721), this one cancels the call from {@link #afterDone()}, which runs for every
 * cancellation: {@code cancel(true)}, {@code cancel(false)}, and cancellation propagated from a
 * future derived with {@code Futures.transform} and the like. The server then sees the call
 * cancelled and stops its work.
 *
 * <p>The call fails it with a {@link SocialCheckException}.
 */
final class UnaryCallFuture<RespT> extends AbstractFuture<RespT> {
  private final ClientCall<?, RespT> call;

  private UnaryCallFuture(ClientCall<?, RespT> call) {
    this.call = call;
  }

  /** Starts {@code call} with {@code request} and returns its future. */
  static <ReqT, RespT> ListenableFuture<RespT> start(
      ClientCall<ReqT, RespT> call, ReqT request, Metadata headers) {
    UnaryCallFuture<RespT> future = new UnaryCallFuture<>(call);
    try {
      call.start(future.new ResponseListener(), headers);
      // Ask for two: a second response is a protocol violation the listener must be able to see.
      call.request(2);
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
      call.cancel("the caller cancelled the future", null);
    }
  }

  @Override
  protected @Nullable String pendingToString() {
    return MoreObjects.toStringHelper(this).add("call", call).toString();
  }

  /** gRPC calls it serially, on the call's executor. */
  private final class ResponseListener extends ClientCall.Listener<RespT> {
    private @Nullable RespT response;

    @Override
    public void onMessage(RespT message) {
      if (response != null) {
        setException(
            new SocialCheckException(
                Status.INTERNAL.withDescription("the server sent more than one response"), null));
        call.cancel("more than one response to a unary call", null);
        return;
      }
      response = message;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      if (!status.isOk()) {
        setException(new SocialCheckException(status, trailers));
      } else if (response == null) {
        setException(
            new SocialCheckException(
                Status.INTERNAL.withDescription("the server ended the call without a response"),
                trailers));
      } else {
        set(response);
      }
    }
  }
}
