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

  static HttpResponse.BodyHandler<LimitedBody> handler(int maxBytes) {
    return info -> new Subscriber(maxBytes);
  }

  private static final class Subscriber implements HttpResponse.BodySubscriber<LimitedBody> {
    private final int maxBytes;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<LimitedBody> result = new CompletableFuture<>();
    private Flow.@Nullable Subscription subscription;

    Subscriber(int maxBytes) {
      this.maxBytes = maxBytes;
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
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(new LimitedBody(buffer.toByteArray(), false));
    }
  }
}
