package dev.socialcheck.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.grpc.ConnectionLimits;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Raw TCP misbehaviour against the real Netty server: connections that send garbage, connections
 * that never say anything (half-open), and connections that start HTTP/2 and then go silent. A
 * normal gRPC client keeps being served throughout, no thread is spent per bad connection, and the
 * server closes the bad connections: garbage at once, silent ones by keepalive (a ping the peer
 * never acknowledges).
 */
@ExtendWith(QuietAccessLog.class)
class HostileConnectionsTest {
  private static final int GARBAGE_CONNECTIONS = 50;
  private static final int SILENT_CONNECTIONS = 100;

  /** Production limits, but pinging idle connections after 1 s instead of 2 min. */
  private static final ConnectionLimits FAST_KEEPALIVE =
      new ConnectionLimits(
          100,
          Duration.ofMinutes(30),
          Duration.ofSeconds(30),
          Duration.ofSeconds(20),
          Duration.ofSeconds(1),
          2000,
          Duration.ofSeconds(10));

  private static Catalog catalog(ScheduledExecutorService timers) {
    return new Catalog(
        "steady",
        List.of(
            new Platform(
                "steady",
                "Steady",
                0.5,
                Duration.ofSeconds(10),
                ScriptedChecker.fixedLatency(
                    "steady", CheckStatus.FOUND, timers, Duration.ofMillis(5)))));
  }

  @Test
  @DisplayName(
      "garbage, half-open and silent connections are closed and do not hurt a normal client")
  void badConnections_areClosed_andANormalClientIsServed() throws Exception {
    long seed = Scenario.seed("hostile-connections", 0xBADC0DEL);
    Random random = new Random(seed);
    List<Socket> sockets = new ArrayList<>();
    long started = System.nanoTime();
    try (RunningServer server =
            new RunningServer(
                HostileConnectionsTest::catalog, b -> b.connectionLimits(FAST_KEEPALIVE));
        ResourceMonitor monitor = ResourceMonitor.start()) {
      SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub =
          SocialAccountServiceGrpc.newBlockingStub(server.channel());
      served(stub, 5);
      int threadsBefore = ResourceMonitor.liveThreads();

      List<Socket> garbage = new ArrayList<>();
      for (int i = 0; i < GARBAGE_CONNECTIONS; i++) {
        Socket socket = connect(server.port(), sockets);
        byte[] junk =
            i % 5 == 0
                ? "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)
                : new byte[1 + random.nextInt(4096)];
        if (i % 5 != 0) {
          random.nextBytes(junk);
        }
        OutputStream out = socket.getOutputStream();
        out.write(junk);
        out.flush();
        garbage.add(socket);
      }
      List<Socket> halfOpen = new ArrayList<>();
      List<Socket> silentHttp2 = new ArrayList<>();
      for (int i = 0; i < SILENT_CONNECTIONS; i++) {
        Socket socket = connect(server.port(), sockets);
        if (i % 2 == 0) {
          halfOpen.add(socket); // connects, never sends a byte
        } else {
          // The preface and SETTINGS, then silence: never acknowledges anything.
          OutputStream out = socket.getOutputStream();
          out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
          out.flush();
          silentHttp2.add(socket);
        }
      }
      served(stub, 20);
      assertThat(ResourceMonitor.liveThreads())
          .as("live threads with %d bad connections open", garbage.size() + SILENT_CONNECTIONS)
          .isLessThanOrEqualTo(threadsBefore + ResourceMonitor.THREAD_TOLERANCE);

      Duration garbageClosed = closedWithin(garbage, Duration.ofSeconds(10));
      served(stub, 5);
      // Keepalive: a ping after 1 s idle, closed when unanswered for the ping timeout (20 s).
      Duration silentClosed = closedWithin(silentHttp2, Duration.ofSeconds(60));
      Duration halfOpenClosed = closedWithin(halfOpen, Duration.ofSeconds(60));
      served(stub, 5);
      server.awaitIdle(Duration.ofSeconds(20));
      System.out.printf(
          "[reliability] hostile connections: garbage closed within %d ms, silent HTTP/2 within"
              + " %d ms, half-open within %d ms%n",
          garbageClosed.toMillis(), silentClosed.toMillis(), halfOpenClosed.toMillis());
      Scenario.report(
          "garbage bytes and half-open TCP (in process)",
          35,
          0,
          0,
          monitor.maxHeapBytes(),
          monitor.maxThreads(),
          Duration.ofNanos(System.nanoTime() - started),
          String.format(
              "%d garbage connections closed in %d ms; %d silent (half-open or HTTP/2 without"
                  + " acks) closed by keepalive in %d ms; 35 normal calls all FOUND",
              GARBAGE_CONNECTIONS,
              garbageClosed.toMillis(),
              SILENT_CONNECTIONS,
              Math.max(silentClosed.toMillis(), halfOpenClosed.toMillis())));
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static Socket connect(int port, List<Socket> sockets) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    sockets.add(socket);
    return socket;
  }

  private static void served(
      SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub, int calls) {
    for (int i = 0; i < calls; i++) {
      assertThat(
              stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                  .hasSocialAccount(
                      HasSocialAccountRequest.newBuilder().setEmail("normal@email.com").build())
                  .getVerdict())
          .isEqualTo(Verdict.VERDICT_FOUND);
    }
  }

  /**
   * Reads each socket (discarding what the server sends) until it ends; fails if one is still open
   * after {@code atMost}. Returns how long the last one took.
   */
  private static Duration closedWithin(List<Socket> sockets, Duration atMost) throws IOException {
    long start = System.nanoTime();
    long deadline = start + atMost.toNanos();
    byte[] buffer = new byte[8192];
    for (Socket socket : sockets) {
      InputStream in = socket.getInputStream();
      while (true) {
        long left = deadline - System.nanoTime();
        assertThat(left).as("connection still open after %s", atMost).isPositive();
        socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        try {
          if (in.read(buffer) < 0) {
            break;
          }
        } catch (SocketTimeoutException stillOpen) {
          throw new AssertionError("connection still open after " + atMost, stillOpen);
        } catch (SocketException reset) {
          break;
        }
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
