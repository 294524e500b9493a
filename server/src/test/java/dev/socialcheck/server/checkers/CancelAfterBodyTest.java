package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Cancelling an exchange whose response body has been read does not cancel the JDK exchange: over
 * HTTP/1.1 that would close a connection the client's pool may already have handed to the next
 * request (issue #22; target 6, RACE over h1/h1s). Cancelling before the body's end still aborts
 * the exchange ({@link HttpCancellationTest}).
 */
class CancelAfterBodyTest {

  @Test
  void cancelBeforeTheBodyEnded_cancelsTheExchange() {
    CompletableFuture<String> exchange = new CompletableFuture<>();
    ExchangeFuture<String> future = new ExchangeFuture<>(exchange, () -> false);

    future.cancel(true);

    assertThat(exchange.isCancelled()).as("the JDK exchange was cancelled").isTrue();
  }

  @Test
  void cancelAfterTheBodyEnded_leavesTheExchangeAlone() {
    LimitedBody.Handler handler = LimitedBody.handler(100);
    CompletableFuture<String> exchange = new CompletableFuture<>();
    ExchangeFuture<String> future = new ExchangeFuture<>(exchange, handler::bodyEnded);
    HttpResponse.BodySubscriber<LimitedBody> body = handler.apply(info());
    body.onSubscribe(new CountingSubscription());
    body.onNext(List.of(ByteBuffer.wrap(new byte[] {1, 2})));
    assertThat(future.bodyEnded()).as("after a part of the body").isFalse();

    body.onComplete();
    future.cancel(true);

    assertThat(future.bodyEnded()).isTrue();
    assertThat(future.isCancelled()).as("the probe's future is cancelled").isTrue();
    assertThat(exchange.isCancelled()).as("the JDK exchange is left alone").isFalse();
  }

  @Test
  void aBodyFailedOrCutAtTheLimit_hasEnded() {
    LimitedBody.Handler failed = LimitedBody.handler(100);
    HttpResponse.BodySubscriber<LimitedBody> failing = failed.apply(info());
    failing.onSubscribe(new CountingSubscription());
    failing.onError(new IOException("reset"));
    assertThat(failed.bodyEnded()).as("failed").isTrue();

    LimitedBody.Handler cut = LimitedBody.handler(2);
    HttpResponse.BodySubscriber<LimitedBody> cutting = cut.apply(info());
    CountingSubscription subscription = new CountingSubscription();
    cutting.onSubscribe(subscription);
    cutting.onNext(List.of(ByteBuffer.wrap(new byte[] {1, 2, 3})));
    assertThat(cut.bodyEnded()).as("cut at the limit").isTrue();
    assertThat(subscription.cancelled).as("the rest is not read").isEqualTo(1);
  }

  /**
   * The JDK race itself, in a child JVM whose common pool has two threads (which the scenario
   * blocks, so that the future {@code sendAsync} returned stays incomplete after the body was read:
   * on smaller pools the JDK hops through a new thread instead, which a test cannot hold).
   */
  @Test
  void cancelAfterTheBodyWasRead_leavesThePooledConnectionToTheNextRequest() throws Exception {
    String output =
        ChildJvm.run(
            Scenario.class,
            List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"),
            List.of(),
            Duration.ofSeconds(60));

    assertThat(output)
        .isEqualTo(
            "A not done after its body; B on A's connection; A cancelled; B=200; connections=1");
  }

  /**
   * The child JVM: request A is answered and its body read while the common pool is blocked; B is
   * sent and goes out on A's connection, back in the pool; then A is cancelled, and B answered.
   */
  static final class Scenario {
    private Scenario() {}

    public static void main(String[] args) throws Exception {
      try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
        System.out.println(run(listener));
      }
      System.exit(0);
    }

    private static String run(ServerSocket listener) throws Exception {
      if (ForkJoinPool.getCommonPoolParallelism() < 2) {
        return "common pool parallelism " + ForkJoinPool.getCommonPoolParallelism();
      }
      AtomicInteger connections = new AtomicInteger();
      AtomicInteger requests = new AtomicInteger();
      CountDownLatch secondRequestOnFirstConnection = new CountDownLatch(1);
      CountDownLatch answerSecond = new CountDownLatch(1);
      Thread server =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket socket = listener.accept();
                    int connection = connections.incrementAndGet();
                    Thread serving =
                        new Thread(
                            () ->
                                serve(
                                    socket,
                                    connection,
                                    requests,
                                    secondRequestOnFirstConnection,
                                    answerSecond));
                    serving.setDaemon(true);
                    serving.start();
                  }
                } catch (IOException e) {
                  // listener closed
                }
              });
      server.setDaemon(true);
      server.start();

      ExecutorService executor = Executors.newFixedThreadPool(2);
      HttpClient client = CatalogLoader.httpClientBuilder(executor).build();
      CountDownLatch releasePool = new CountDownLatch(1);
      CountDownLatch poolBlocked = new CountDownLatch(ForkJoinPool.getCommonPoolParallelism());
      for (int i = 0; i < ForkJoinPool.getCommonPoolParallelism(); i++) {
        ForkJoinPool.commonPool()
            .execute(
                () -> {
                  poolBlocked.countDown();
                  try {
                    releasePool.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
      }
      poolBlocked.await();
      StringBuilder out = new StringBuilder();
      try {
        URI uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
        ExchangeFuture<HttpResponse<LimitedBody>> a =
            ExchangeFuture.send(client, get(uri.resolve("/a")), 1024);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!a.bodyEnded()) {
          if (System.nanoTime() > deadline) {
            return "A's body not read";
          }
          Thread.onSpinWait();
        }
        out.append(a.isDone() ? "A done after its body" : "A not done after its body");
        ExchangeFuture<HttpResponse<LimitedBody>> b =
            ExchangeFuture.send(client, get(uri.resolve("/b")), 1024);
        out.append(
            secondRequestOnFirstConnection.await(10, TimeUnit.SECONDS)
                ? "; B on A's connection"
                : "; B not on A's connection");

        a.cancel(true);
        out.append(a.isCancelled() ? "; A cancelled" : "; A not cancelled");
        answerSecond.countDown();
        releasePool.countDown();

        try {
          out.append("; B=").append(b.get(10, TimeUnit.SECONDS).statusCode());
        } catch (ExecutionException e) {
          out.append("; B failed: ").append(e.getCause());
        } catch (TimeoutException e) {
          out.append("; B timed out");
        }
        out.append("; connections=").append(connections.get());
        return out.toString();
      } finally {
        answerSecond.countDown();
        releasePool.countDown();
        executor.shutdownNow();
      }
    }

    /** Answers each request on {@code socket} with 200 "ok"; holds the second request's answer. */
    private static void serve(
        Socket socket,
        int connection,
        AtomicInteger requests,
        CountDownLatch secondRequestOnFirstConnection,
        CountDownLatch answerSecond) {
      try (socket;
          BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))) {
        OutputStream response = socket.getOutputStream();
        while (true) {
          String line = in.readLine();
          if (line == null) {
            return;
          }
          while (!line.isEmpty()) {
            line = in.readLine();
            if (line == null) {
              return;
            }
          }
          if (requests.incrementAndGet() == 2) {
            if (connection == 1) {
              secondRequestOnFirstConnection.countDown();
            }
            answerSecond.await();
          }
          response.write(
              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
          response.flush();
        }
      } catch (IOException e) {
        // the client closed the connection
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static HttpRequest get(URI uri) {
      return HttpRequest.newBuilder(uri).version(HttpClient.Version.HTTP_1_1).GET().build();
    }
  }

  private static HttpResponse.ResponseInfo info() {
    return new HttpResponse.ResponseInfo() {
      @Override
      public int statusCode() {
        return 200;
      }

      @Override
      public HttpHeaders headers() {
        return HttpHeaders.of(Map.of(), (name, value) -> true);
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
  }

  private static final class CountingSubscription implements Flow.Subscription {
    int cancelled;

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {
      cancelled++;
    }
  }
}
