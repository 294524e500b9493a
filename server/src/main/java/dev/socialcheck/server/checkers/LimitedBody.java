package dev.socialcheck.server.checkers;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A response body read up to a byte limit: past the limit the rest is not read (the subscription is
 * cancelled, which closes the connection), so a platform answering with a huge page costs at most
 * the limit in memory.
 */
// A carrier handed from the HTTP client to the probe, never compared.
@SuppressWarnings("ArrayRecordComponent")
record LimitedBody(byte[] bytes, boolean truncated) {

  /** A handler for one exchange (it remembers whether that exchange's body has been read). */
  static Handler handler(int maxBytes) {
    return new Handler(maxBytes);
  }

  /**
   * The handler of one exchange. {@link #bodyEnded()} tells whether the client has delivered the
   * body's end (or an error, or the body was cut at the limit): from then on the exchange has
   * nothing left to abort, although the future {@code sendAsync} returned may not be done yet.
   */
  static final class Handler implements HttpResponse.BodyHandler<LimitedBody> {
    private final int maxBytes;
    private volatile boolean ended;

    private Handler(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public HttpResponse.BodySubscriber<LimitedBody> apply(HttpResponse.ResponseInfo info) {
      return new Subscriber(maxBytes, this);
    }

    /** Whether the body's end (complete, failed or cut at the limit) has been delivered. */
    boolean bodyEnded() {
      return ended;
    }
  }

  private static final class Subscriber implements HttpResponse.BodySubscriber<LimitedBody> {
    private final int maxBytes;
    private final Handler handler;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<LimitedBody> result = new CompletableFuture<>();
    private Flow.@Nullable Subscription subscription;

    Subscriber(int maxBytes, Handler handler) {
      this.maxBytes = maxBytes;
      this.handler = handler;
    }

    @Override
    public CompletionStage<LimitedBody> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        int room = maxBytes - buffer.size();
        if (item.remaining() > room) {
          byte[] part = new byte[room];
          item.get(part);
          buffer.writeBytes(part);
          handler.ended = true;
          subscription().cancel();
          result.complete(new LimitedBody(buffer.toByteArray(), true));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        buffer.writeBytes(chunk);
      }
      subscription().request(1);
    }

    /** The subscription, which the client hands over before any item. */
    private Flow.Subscription subscription() {
      return requireNonNull(subscription, "onNext before onSubscribe");
    }

    @Override
    public void onError(Throwable throwable) {
      handler.ended = true;
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      // Over HTTP/1.1 the client has already put the connection back in its pool at this point.
      handler.ended = true;
      result.complete(new LimitedBody(buffer.toByteArray(), false));
    }
  }
}
