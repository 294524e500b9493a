package dev.socialcheck.client;

import com.google.common.util.concurrent.Uninterruptibles;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.PlatformResult;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A {@code CheckEach} stream read by blocking: an iterator whose {@link #close()} cancels the call
 * if it has not ended. gRPC's callbacks only put messages and the final status into a queue; the
 * consuming thread takes them, requesting the next message each time it takes one, so at most one
 * result waits in memory.
 *
 * <p>The iterator is for one consuming thread; {@link #close()} may be called from any thread.
 */
final class BlockingCheckEach implements Iterator<PlatformResult>, AutoCloseable {
  /** The end of the stream: its status and trailers. */
  private record End(Status status, Metadata trailers) {}

  private final ClientCall<CheckEachRequest, CheckEachResponse> call;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

  // Consumer state.
  private @Nullable PlatformResult next;
  private @Nullable SocialCheckException failure;
  private volatile boolean ended;
  private volatile boolean closed;

  private BlockingCheckEach(ClientCall<CheckEachRequest, CheckEachResponse> call) {
    this.call = call;
  }

  /** Starts the call and returns its results as a stream that must be closed. */
  static Stream<PlatformResult> start(
      ClientCall<CheckEachRequest, CheckEachResponse> call,
      CheckEachRequest request,
      Metadata headers) {
    BlockingCheckEach results = new BlockingCheckEach(call);
    try {
      call.start(results.new QueueingListener(), headers);
      call.request(1);
      call.sendMessage(request);
      call.halfClose();
    } catch (RuntimeException | Error e) {
      call.cancel("the call could not be started", e);
      throw e;
    }
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(results, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(results::close);
  }

  /**
   * Waits for the next result or the end of the stream.
   *
   * @throws SocialCheckException if the stream failed (again on every call after that), or with
   *     {@code CANCELLED} if the thread was interrupted while waiting (the call is cancelled and
   *     the interrupt flag kept)
   */
  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (next != null) {
      return true;
    }
    if (failure != null) {
      throw failure;
    }
    if (ended) {
      return false;
    }
    Object item;
    try {
      item = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel("interrupted while waiting for a result", e);
      ended = true;
      failure =
          new SocialCheckException(
              Status.CANCELLED
                  .withDescription("interrupted while waiting for a result")
                  .withCause(e),
              null);
      throw failure;
    }
    if (closed) {
      return false; // Closed while waiting: the CANCELLED end that follows is no failure.
    }
    if (item instanceof PlatformResult result) {
      next = result;
      call.request(1);
      return true;
    }
    End end = (End) item;
    ended = true;
    if (!end.status().isOk()) {
      failure = new SocialCheckException(end.status(), end.trailers());
      throw failure;
    }
    return false;
  }

  @Override
  public PlatformResult next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the CheckEach stream has ended");
    }
    PlatformResult result = next;
    next = null;
    return result;
  }

  /** Cancels the call unless it has ended; afterwards the iterator has no more elements. */
  @Override
  public void close() {
    closed = true;
    if (!ended) {
      ended = true;
      call.cancel("the stream was closed before its end", null);
    }
  }

  /** Runs on the call's executor: only queues. */
  private final class QueueingListener extends ClientCall.Listener<CheckEachResponse> {
    @Override
    public void onMessage(CheckEachResponse message) {
      Uninterruptibles.putUninterruptibly(queue, message.getResult());
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      Uninterruptibles.putUninterruptibly(queue, new End(status, trailers));
    }
  }
}
