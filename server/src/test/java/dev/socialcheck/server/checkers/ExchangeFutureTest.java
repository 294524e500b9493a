package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The exchange's answer mapped in the same future; failures and cancellation pass through. */
class ExchangeFutureTest {

  @Test
  void anAnswer_isMappedInTheSameFuture() throws Exception {
    CompletableFuture<String> exchange = new CompletableFuture<>();
    ExchangeFuture<Integer> future = new ExchangeFuture<>(exchange, String::length, () -> false);

    exchange.complete("four");

    assertThat(future.get()).isEqualTo(4);
  }

  @Test
  void aFailedExchange_failsWithItsCause_unwrapped() {
    CompletableFuture<String> exchange = new CompletableFuture<>();
    ExchangeFuture<Integer> future = new ExchangeFuture<>(exchange, String::length, () -> false);

    exchange.completeExceptionally(
        new CompletionException(new IOException("too many concurrent streams")));

    assertThatThrownBy(future::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessage("too many concurrent streams");
  }

  @Test
  void aMappingThatThrows_failsTheFuture() {
    CompletableFuture<String> exchange = new CompletableFuture<>();
    ExchangeFuture<Integer> future =
        new ExchangeFuture<>(
            exchange,
            value -> {
              throw new IllegalStateException("unreadable " + value);
            },
            () -> false);

    exchange.complete("answer");

    assertThatThrownBy(future::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("unreadable answer");
  }

  @Test
  void cancellingTheMappedFuture_cancelsTheExchange() {
    CompletableFuture<String> exchange = new CompletableFuture<>();
    ExchangeFuture<Integer> future = new ExchangeFuture<>(exchange, String::length, () -> false);

    future.cancel(false);

    assertThat(exchange.isCancelled()).isTrue();
  }
}
