package dev.socialcheck.client;

import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.Uninterruptibles;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A server stream read by blocking ({@code CheckEach}, {@code CheckMany}): an iterator whose {@link
 * #close()} cancels the call if it has not ended. gRPC's callbacks only put messages and the final
 * status into a queue; the consuming thread takes them, requesting the next message each time it
 * takes one, so at most one response waits in memory.
 *
 * <p>The iterator is for one consuming thread; {@link #close()} may be called from any thread.
 *
 * @param <RespT> the call's response message
 * @param <T> what the iterator yields of each response
 */
final class BlockingResponses<RespT, T> implements Iterator<T>, AutoCloseable {
  /** The end of the stream: its status and trailers. */
  private record End(Status status, Metadata trailers) {}

  private final ClientCall<?, RespT> call;
  private final Function<RespT, T> yield;
  private final String name;
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

  // Consumer state.
  private @Nullable T next;
  private @Nullable SocialCheckException failure;
  private volatile boolean ended;
  private volatile boolean closed;

  /**
   * @param yield what the iterator yields of a response
   * @param name the stream's name for messages, e.g. "the CheckEach stream"
   */
  BlockingResponses(ClientCall<?, RespT> call, Function<RespT, T> yield, String name) {
    this.call = call;
    this.yield = yield;
    this.name = name;
  }

  /**
   * The listener to start the call with; it only queues (it may run on the network thread), and
   * hands readiness to {@code onReady} (which must not block if it does).
   */
  ClientCall.Listener<RespT> listener(Runnable onReady) {
    return new ClientCall.Listener<>() {
      @Override
      public void onMessage(RespT message) {
        Uninterruptibles.putUninterruptibly(queue, message);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        Uninterruptibles.putUninterruptibly(queue, new End(status, trailers));
      }

      @Override
      public void onReady() {
        onReady.run();
      }
    };
  }

  /** The responses as a stream that must be closed (closing it closes this). */
  Stream<T> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(this::close);
  }

  /**
   * Waits for the next response or the end of the stream.
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
      call.cancel("interrupted while waiting for a response", e);
      ended = true;
      failure =
          new SocialCheckException(
              Status.CANCELLED
                  .withDescription("interrupted while waiting for a response")
                  .withCause(e),
              null);
      throw failure;
    }
    if (closed) {
      return false; // Closed while waiting: the CANCELLED end that follows is no failure.
    }
    if (item instanceof End end) {
      ended = true;
      if (!end.status().isOk()) {
        failure = new SocialCheckException(end.status(), end.trailers());
        throw failure;
      }
      return false;
    }
    @SuppressWarnings("unchecked") // only responses and End go into the queue
    RespT response = (RespT) item;
    next = yield.apply(response);
    call.request(1);
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException(name + " has ended");
    }
    T result = requireNonNull(next);
    next = null;
    return result;
  }

  /** Cancels the call unless it has ended; afterwards the iterator has no more elements. */
  @Override
  public void close() {
    closed = true;
    if (!ended) {
      ended = true;
      call.cancel(name + " was closed before its end", null);
    }
  }
}
