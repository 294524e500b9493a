package dev.socialcheck.server.checkers;

import com.google.common.util.concurrent.AbstractFuture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A {@link com.google.common.util.concurrent.ListenableFuture} view of one {@code
 * HttpClient.sendAsync} exchange. Cancelling it cancels the exchange (since JDK 16, cancelling the
 * future that {@code sendAsync} returned aborts the request and closes its stream or connection),
 * unless the exchange's response body has already been read to its end.
 *
 * <p>Why not then: the JDK client (17 and 25 alike) puts an HTTP/1.1 connection back in its pool as
 * soon as the body's last byte is parsed, before it completes the body subscriber, and the future
 * {@code sendAsync} returned completes later still: with an executor set on the client, only after
 * a hop through the common pool. Cancelling that future in between reaches {@code
 * Http1Exchange.cancelImpl}, whose "already finished" check never holds for a request without a
 * streamed body ({@code Http1Request.setFinished()} is called only for those), so it closes the
 * connection — which the pool may already have handed to another exchange. That exchange is then
 * resent on a new connection or fails with {@code IOException: HTTP/1.1 header parser received no
 * bytes} (target 6 saw tens to hundreds of those per window under RACE at 1,000 probes in flight).
 * Once the body has ended there is nothing left to abort. A window of a few calls remains inside
 * the JDK (between its return of the connection to the pool and its call of the subscriber's {@code
 * onComplete}).
 */
final class ExchangeFuture<T> extends AbstractFuture<T> {
  private final CompletableFuture<?> exchange;
  private final BooleanSupplier bodyEnded;

  /**
   * Sends {@code request} with {@code client}, reading at most {@code maxBodyBytes} of the body.
   */
  static ExchangeFuture<HttpResponse<LimitedBody>> send(
      HttpClient client, HttpRequest request, int maxBodyBytes) {
    return send(client, request, maxBodyBytes, response -> response);
  }

  /**
   * Sends {@code request} with {@code client}, reading at most {@code maxBodyBytes} of the body,
   * and completes with {@code map} of the response: one future, not a second one transforming this
   * one (which would read a failed exchange through {@code get()}, building an {@code
   * ExecutionException} and its stack trace per failure; a refusal for the HTTP/2 stream limit is
   * such a failure, many a second at thousands of probes in flight).
   */
  static <T> ExchangeFuture<T> send(
      HttpClient client,
      HttpRequest request,
      int maxBodyBytes,
      Function<HttpResponse<LimitedBody>, T> map) {
    LimitedBody.Handler handler = LimitedBody.handler(maxBodyBytes);
    return new ExchangeFuture<>(client.sendAsync(request, handler), map, handler::bodyEnded);
  }

  /**
   * @param exchange the future {@code sendAsync} returned
   * @param bodyEnded whether the exchange's body handler has seen the body's end (or an error)
   */
  ExchangeFuture(CompletableFuture<T> exchange, BooleanSupplier bodyEnded) {
    this(exchange, value -> value, bodyEnded);
  }

  <R> ExchangeFuture(
      CompletableFuture<R> exchange,
      Function<? super R, ? extends T> map,
      BooleanSupplier bodyEnded) {
    this.exchange = exchange;
    this.bodyEnded = bodyEnded;
    // The stage whenComplete returns fails only if the action throws, which it does not.
    CompletableFuture<R> unused =
        exchange.whenComplete(
            (value, error) -> {
              if (error == null) {
                T mapped;
                try {
                  mapped = map.apply(value);
                } catch (RuntimeException e) {
                  setException(e);
                  return;
                }
                set(mapped);
              } else {
                setException(
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error);
              }
            });
  }

  /** Whether the exchange's body has been read to its end (or failed, or was cut at the limit). */
  boolean bodyEnded() {
    return bodyEnded.getAsBoolean();
  }

  @Override
  protected void afterDone() {
    if (isCancelled() && !bodyEnded.getAsBoolean()) {
      exchange.cancel(true);
    }
  }
}
