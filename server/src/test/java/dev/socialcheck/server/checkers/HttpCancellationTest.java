package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.ProbeFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cancelling a check aborts its HTTP request: a raw socket platform that never answers sees the
 * connection closed by the client once the check's future is cancelled.
 */
class HttpCancellationTest {

  @Test
  void cancellingTheCheck_closesTheConnection() throws Exception {
    cancellingDuring(
        port ->
            """
            id: silent
            name: Silent
            prior: 0.5
            kind: api
            request: {url: "http://127.0.0.1:%d/u/{email_sha256}"}
            rules: [{status: 200, result: FOUND}]
            """
                .formatted(port));
  }

  @Test
  void cancellingTheCheckDuringItsFirstStep_closesThatStepsConnection() throws Exception {
    cancellingDuring(
        port ->
            """
            id: silent
            name: Silent
            prior: 0.5
            kind: api
            steps:
              - name: join
                request: {url: "http://127.0.0.1:%d/join"}
                extract: {csrf: {regex: 'csrf=(\\w+)'}}
            request: {url: "http://127.0.0.1:%1$d/u/{csrf}"}
            rules: [{status: 200, result: FOUND}]
            """
                .formatted(port));
  }

  /** Starts a check of the catalog entry for a silent platform on a port, then cancels it. */
  private static void cancellingDuring(java.util.function.IntFunction<String> entry)
      throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ProbeFixture fixture = new ProbeFixture()) {
      CountDownLatch requestRead = new CountDownLatch(1);
      CountDownLatch connectionClosed = new CountDownLatch(1);
      CompletableFuture<Void> platform =
          CompletableFuture.runAsync(
              () -> {
                try (Socket socket = listener.accept();
                    InputStream in = socket.getInputStream()) {
                  byte[] buffer = new byte[4096];
                  // Read until the request head is in, then keep reading: a well-behaved
                  // client sends nothing more, so read() returns -1 only when it closes.
                  int n = in.read(buffer);
                  if (n > 0) {
                    requestRead.countDown();
                  }
                  while (in.read(buffer) >= 0) {
                    // discard
                  }
                  connectionClosed.countDown();
                } catch (IOException e) {
                  connectionClosed.countDown(); // reset by the client counts as closed too
                }
              });
      Platform probe = fixture.platform(entry.apply(listener.getLocalPort()));
      ListenableFuture<CheckOutcome> check =
          probe
              .checker()
              .check(
                  EmailAddress.parse("user@email.com"), new CheckContext(Duration.ofSeconds(30)));
      assertThat(requestRead.await(10, TimeUnit.SECONDS))
          .as("request reached the platform")
          .isTrue();
      assertThat(connectionClosed.getCount()).as("connection still open while checking").isOne();

      check.cancel(true);

      assertThat(connectionClosed.await(10, TimeUnit.SECONDS))
          .as("the platform saw the connection closed after the cancel")
          .isTrue();
      platform.get(10, TimeUnit.SECONDS);
    }
  }
}
