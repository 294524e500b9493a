package dev.socialcheck.server.grpc;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running socialcheck gRPC server: the {@code socialcheck.v1.SocialAccountService}, server
 * reflection (v1 and v1alpha) and {@code grpc.health.v1} health.
 *
 * <p>Lifecycle: {@link Builder#start()} binds and reports health {@code SERVING}; {@link
 * #shutdown()} reports {@code NOT_SERVING}, stops accepting calls, lets calls in flight finish for
 * the grace period, then cancels the rest (which cancels their checks) and releases the threads it
 * created. It does not shut down the engine's scheduler, which the caller owns.
 *
 * <p>Thread-safe.
 */
public final class SocialCheckServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocialCheckServer.class);

  /** Full name of the service, also the name under which its health is reported. */
  public static final String SERVICE_NAME = SocialAccountServiceGrpc.SERVICE_NAME;

  /** Requests are tiny; anything bigger is refused before it is parsed. */
  static final int MAX_INBOUND_MESSAGE_SIZE = 64 * 1024;

  private static final int MAX_INBOUND_METADATA_SIZE = 16 * 1024;

  private final Server server;
  private final ActiveCalls activeCalls;
  private final HealthStatusManager health;
  private final @Nullable ExecutorService ownedExecutor;
  private final Duration shutdownGrace;

  private SocialCheckServer(
      Server server,
      ActiveCalls activeCalls,
      HealthStatusManager health,
      @Nullable ExecutorService ownedExecutor,
      Duration shutdownGrace) {
    this.server = server;
    this.activeCalls = activeCalls;
    this.health = health;
    this.ownedExecutor = ownedExecutor;
    this.shutdownGrace = shutdownGrace;
  }

  /** Starts building a server for {@code engine} over {@code catalog}. */
  public static Builder builder(CheckEngine engine, Catalog catalog) {
    return new Builder(engine, catalog);
  }

  /** The bound port (useful after binding port 0); -1 for transports without ports. */
  public int port() {
    return server.getPort();
  }

  /**
   * Graceful shutdown: health {@code NOT_SERVING}, refuse new calls, wait up to the grace period
   * for socialcheck calls in flight, then cancel whatever is left (including long-lived streams
   * such as health watches, which are not waited for). Returns once the server has terminated.
   * Idempotent.
   */
  public void shutdown() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!activeCalls.awaitIdle(shutdownGrace)) {
        log.warn(
            "{} calls still running after the {} grace period: cancelling them",
            activeCalls.count(),
            DurationText.format(shutdownGrace));
      }
      server.shutdownNow();
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("server did not terminate within 5s of being forced");
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      if (ownedExecutor != null) {
        ownedExecutor.shutdown();
      }
    }
  }

  /** Whether shutdown has begun: new calls are refused. */
  public boolean isShutdown() {
    return server.isShutdown();
  }

  /** Blocks until the server has terminated (after {@link #shutdown()} from another thread). */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
    if (ownedExecutor != null) {
      ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Same as {@link #shutdown()}. */
  @Override
  public void close() {
    shutdown();
  }

  /** Builder of {@link SocialCheckServer}; not thread-safe. */
  public static final class Builder {
    private final CheckEngine engine;
    private final Catalog catalog;
    private String host = "127.0.0.1";
    private int port = 50051;
    private @Nullable ServerBuilder<?> transport;
    private @Nullable Executor executor;
    private Duration defaultHedgeDelay = CheckRequest.DEFAULT_HEDGE_DELAY;
    private Duration shutdownGrace = Duration.ofSeconds(10);

    private Builder(CheckEngine engine, Catalog catalog) {
      this.engine = requireNonNull(engine, "engine");
      this.catalog = requireNonNull(catalog, "catalog");
    }

    /** Address to bind (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface). */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** Port to bind (default 50051; 0 picks a free one, see {@link SocialCheckServer#port()}). */
    public Builder port(int port) {
      checkArgument(port >= 0 && port <= 65535, "port out of range: %s", port);
      this.port = port;
      return this;
    }

    /**
     * Uses this transport instead of Netty on {@code host:port}, e.g. an in-process server in
     * tests.
     */
    public Builder transport(ServerBuilder<?> transport) {
      this.transport = requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Executor for gRPC callbacks and responses (borrowed: not shut down by the server). Default: a
     * fixed pool of twice the processors, owned and shut down by the server.
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /** Hedge delay used when a HEDGED request sets none (default 1 s). */
    public Builder defaultHedgeDelay(Duration delay) {
      checkArgument(!delay.isNegative(), "hedge delay must not be negative");
      this.defaultHedgeDelay = delay;
      return this;
    }

    /** How long {@link SocialCheckServer#shutdown()} waits for calls in flight (default 10 s). */
    public Builder shutdownGrace(Duration grace) {
      checkArgument(!grace.isNegative(), "grace must not be negative");
      this.shutdownGrace = grace;
      return this;
    }

    /** Binds and starts the server. */
    public SocialCheckServer start() throws IOException {
      ExecutorService owned = null;
      Executor callbacks = executor;
      if (callbacks == null) {
        owned =
            Executors.newFixedThreadPool(
                2 * Runtime.getRuntime().availableProcessors(),
                new ThreadFactoryBuilder().setNameFormat("socialcheck-grpc-%d").build());
        callbacks = owned;
      }
      ServerBuilder<?> builder =
          transport != null
              ? transport
              : NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
      HealthStatusManager health = new HealthStatusManager();
      ActiveCalls activeCalls = new ActiveCalls();
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
      health.setStatus(SERVICE_NAME, ServingStatus.NOT_SERVING);
      builder
          .executor(callbacks)
          .maxInboundMessageSize(MAX_INBOUND_MESSAGE_SIZE)
          .maxInboundMetadataSize(MAX_INBOUND_METADATA_SIZE)
          .addService(
              ServerInterceptors.intercept(
                  new SocialAccountServiceImpl(engine, catalog, defaultHedgeDelay, callbacks),
                  activeCalls))
          .addService(health.getHealthService())
          .addService(ProtoReflectionServiceV1.newInstance());
      addLegacyReflection(builder);
      Server server;
      try {
        server = builder.build().start();
      } catch (IOException | RuntimeException e) {
        if (owned != null) {
          owned.shutdown();
        }
        throw e;
      }
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
      health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
      checkState(!server.isShutdown(), "server did not start");
      return new SocialCheckServer(server, activeCalls, health, owned, shutdownGrace);
    }

    /** v1alpha reflection, still the only one older grpcurl and some tools speak. */
    @SuppressWarnings("deprecation")
    private static void addLegacyReflection(ServerBuilder<?> builder) {
      builder.addService(io.grpc.protobuf.services.ProtoReflectionService.newInstance());
    }
  }
}
