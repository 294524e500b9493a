package dev.socialcheck.server.checkers;

import com.google.common.util.concurrent.AbstractFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A {@link com.google.common.util.concurrent.ListenableFuture} view of one {@code
 * HttpClient.sendAsync} exchange. Cancelling it cancels the exchange (since JDK 16, cancelling the
 * future that {@code sendAsync} returned aborts the request and closes its stream or connection).
 */
final class ExchangeFuture<T> extends AbstractFuture<T> {
  private final CompletableFuture<T> exchange;

  ExchangeFuture(CompletableFuture<T> exchange) {
    this.exchange = exchange;
    // The stage whenComplete returns fails only if the action throws, which set() does not.
    CompletableFuture<T> unused =
        exchange.whenComplete(
            (value, error) -> {
              if (error == null) {
                set(value);
              } else {
                setException(
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error);
              }
            });
  }

  @Override
  protected void afterDone() {
    if (isCancelled()) {
      exchange.cancel(true);
    }
  }
}
