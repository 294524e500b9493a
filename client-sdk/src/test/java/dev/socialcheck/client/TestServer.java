package dev.socialcheck.client;

import static org.awaitility.Awaitility.await;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.server.grpc.SocialCheckServer;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The real socialcheck server (engine, catalog, gRPC layer) over platforms whose checks the test
 * controls, in process or on 127.0.0.1. Closing it shuts down everything it started.
 */
final class TestServer {
  private static final Duration PLATFORM_TIMEOUT = Duration.ofSeconds(20);

  private final ScheduledExecutorService scheduler = CheckEngine.newScheduler();
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          4, new ThreadFactoryBuilder().setNameFormat("test-server-%d").build());
  private final CheckEngine engine = new CheckEngine(scheduler, Ticker.systemTicker());
  private final Map<String, ControllableChecker> checkers = new LinkedHashMap<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final String name;
  private final Semaphore handlersReturned = new Semaphore(0);

  /** Guards {@link #openCalls}; notified when a call ends. */
  private final Object callsLock = new Object();

  @GuardedBy("callsLock")
  private int openCalls;

  private SocialCheckServer server;

  private TestServer(String name, List<String> platformIds) {
    this.name = name;
    platformIds.forEach(id -> checkers.put(id, new ControllableChecker()));
  }

  /** An in-process server with these platforms (the first is the most likely). */
  static TestServer inProcess(List<String> platformIds, ServerInterceptor... interceptors)
      throws IOException {
    String name = InProcessServerBuilder.generateName();
    TestServer server = new TestServer(name, platformIds);
    return server.start(InProcessServerBuilder.forName(name), interceptors);
  }

  /** A Netty server on 127.0.0.1 and a free port, plaintext or TLS. */
  static TestServer loopback(
      List<String> platformIds, ServerCredentials credentials, ServerInterceptor... interceptors)
      throws IOException {
    TestServer server = new TestServer("loopback", platformIds);
    return server.start(
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials),
        interceptors);
  }

  private TestServer start(ServerBuilder<?> transport, ServerInterceptor... interceptors)
      throws IOException {
    transport.intercept(new HandlerWatcher());
    for (ServerInterceptor interceptor : interceptors) {
      transport.intercept(interceptor);
    }
    List<Platform> platforms = new ArrayList<>();
    double prior = 0.9;
    for (Map.Entry<String, ? extends PlatformChecker> entry : checkers.entrySet()) {
      platforms.add(
          new Platform(entry.getKey(), entry.getKey(), prior, PLATFORM_TIMEOUT, entry.getValue()));
      prior /= 2;
    }
    server =
        SocialCheckServer.builder(engine, new Catalog("test", platforms))
            .transport(transport)
            .executor(executor)
            .shutdownGrace(Duration.ZERO)
            .start();
    return this;
  }

  /**
   * Waits until a service handler has returned (for RACE and CheckEach: once every check is started
   * and watched by the engine, so the order in which the test completes checks is the order in
   * which the engine sees them).
   */
  void awaitHandlerReturned() throws InterruptedException {
    if (!handlersReturned.tryAcquire(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no service handler returned within 10 s");
    }
  }

  /** The checker of platform {@code id}. */
  ControllableChecker checker(String id) {
    ControllableChecker checker = checkers.get(id);
    if (checker == null) {
      throw new IllegalArgumentException("no platform " + id);
    }
    return checker;
  }

  CheckEngine engine() {
    return engine;
  }

  /** The in-process name, to build channels. */
  String name() {
    return name;
  }

  /** {@code 127.0.0.1:port} of a loopback server. */
  String target() {
    return "127.0.0.1:" + server.port();
  }

  /** A new in-process channel, shut down with the server. */
  ManagedChannel newInProcessChannel() {
    return register(InProcessChannelBuilder.forName(name).build());
  }

  /** Settings borrowing a new in-process channel. */
  SocialCheckSettings.Builder settings() {
    return SocialCheckSettings.newBuilder().setChannel(newInProcessChannel());
  }

  /**
   * Settings on fake time: a new in-process channel whose timers are {@code time}'s (seen through
   * {@code interceptors}), and the SDK's deadlines on {@code time}'s ticker.
   */
  SocialCheckSettings.Builder settings(FakeTime time, ClientInterceptor... interceptors) {
    ManagedChannel channel =
        register(
            InProcessChannelBuilder.forName(name).scheduledExecutorService(time.timers()).build());
    return SocialCheckSettings.newBuilder()
        .setChannel(ClientInterceptors.intercept(channel, interceptors))
        .setDeadlineTicker(time.ticker());
  }

  /**
   * A client on fake time ({@link #settings(FakeTime, ClientInterceptor...)}, then {@code
   * customize}) that has made one call already. The first call on a channel waits for name
   * resolution and is started later, on another thread, with its deadline timer; every later call
   * starts on the caller's thread, so its deadline timer is on the fake clock once the SDK method
   * returns, and the test may advance time at once. The caller closes the client.
   */
  SocialCheckClient newClient(
      FakeTime time,
      UnaryOperator<SocialCheckSettings.Builder> customize,
      ClientInterceptor... interceptors)
      throws Exception {
    SocialCheckClient client =
        SocialCheckClient.create(customize.apply(settings(time, interceptors)).build());
    client.listPlatforms().get(10, TimeUnit.SECONDS);
    return client;
  }

  private ManagedChannel register(ManagedChannel channel) {
    synchronized (channels) {
      channels.add(channel);
    }
    return channel;
  }

  void close() throws InterruptedException {
    synchronized (channels) {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    // A call the test cancelled, or that passed its deadline, ends on the server a moment after it
    // ended on the client: shutting down before would log "calls still running" for it.
    awaitCallsEnded(Duration.ofSeconds(5));
    if (server != null) {
      server.shutdown();
    }
    // Calls cancelled by the shutdown cancel their runs, whose callbacks still need the executor.
    await()
        .pollInSameThread()
        .atMost(Duration.ofSeconds(10))
        .until(() -> engine.stats().runsInFlight() == 0 && engine.stats().checksInFlight() == 0);
    executor.shutdown();
    scheduler.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Waits until no call is open on the server, at most {@code bound}; goes on either way. */
  private void awaitCallsEnded(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (callsLock) {
      long left;
      while (openCalls > 0 && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(callsLock, left);
      }
    }
  }

  /**
   * Counts handlers that returned (unary and server-streaming handlers run in onHalfClose) and the
   * calls open on the server (every call that reached it ends with onComplete or onCancel).
   */
  private final class HandlerWatcher implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      synchronized (callsLock) {
        openCalls++;
      }
      ServerCall.Listener<ReqT> listener;
      try {
        listener = next.startCall(call, headers);
      } catch (RuntimeException | Error e) {
        ended();
        throw e;
      }
      return new SimpleForwardingServerCallListener<ReqT>(listener) {
        @Override
        public void onHalfClose() {
          try {
            super.onHalfClose();
          } finally {
            handlersReturned.release();
          }
        }

        @Override
        public void onComplete() {
          try {
            super.onComplete();
          } finally {
            ended();
          }
        }

        @Override
        public void onCancel() {
          try {
            super.onCancel();
          } finally {
            ended();
          }
        }
      };
    }

    private void ended() {
      synchronized (callsLock) {
        openCalls--;
        callsLock.notifyAll();
      }
    }
  }
}
