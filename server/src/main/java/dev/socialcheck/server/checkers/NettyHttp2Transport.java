package dev.socialcheck.server.checkers;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Sends probes over HTTP/2 with Netty's client ({@code serve --probe-client netty}): HTTPS only,
 * and only to platforms whose TLS handshake agrees on {@code h2} (ALPN); others fail at once with
 * {@link NotHttp2Exception}, before anything is sent, and {@link Http2FirstTransport} sends them
 * through the JDK client instead.
 *
 * <p>Its own pool per host, which the JDK client does not have: one connection attempt per host at
 * a time (the others wait for it), a further connection only when every one is at the host's stream
 * limit ({@code SETTINGS_MAX_CONCURRENT_STREAMS}), and a connection that received a GOAWAY takes no
 * new stream, finishes its own and closes; the requests the platform did not process (streams past
 * the GOAWAY's last one, refused streams) are sent again on another connection, and a request whose
 * connection was closed under it once more (probes are quiet: safe to repeat). Cancelling a probe
 * resets its stream; a body is read up to the limit, then the stream is reset. Target 6 of the
 * benchmarks measured it against the JDK client (RESULTS.md, run N): a third less CPU and half the
 * garbage per probe, and one new connection per GOAWAY where the JDK client opened dozens and kept
 * them.
 *
 * <p>TLS: the JVM's trust store (or the one given), the platform's host name verified, SNI sent. No
 * proxy, no client certificate. Thread-safe; {@link #close()} stops its event loops.
 */
public final class NettyHttp2Transport implements ProbeTransport {
  /** Streams assumed allowed on a connection until the platform's SETTINGS say otherwise. */
  private static final int DEFAULT_MAX_STREAMS = 100;

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /** Sends of a request past a GOAWAY's last stream after which it fails. */
  private static final int MAX_UNPROCESSED_SENDS = 4;

  /**
   * Hosts whose pools are kept before those without a connection are forgotten (redirects may lead
   * anywhere).
   */
  private static final int MAX_REMEMBERED_HOSTS = 1024;

  /**
   * A connection with no stream for this long is closed: a platform (or a NAT between) may drop an
   * idle connection without a word, and the next probes would wait on it until their timeout.
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final EventLoopGroup group;
  private final SslContext ssl;
  private final long idleNanos;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Map<String, HostPool> pools = new HashMap<>();

  private final LongAdder unprocessedRetries = new LongAdder();
  private final LongAdder connectionsOpened = new LongAdder();

  /** The platform's TLS handshake did not agree on HTTP/2: nothing was sent. */
  public static final class NotHttp2Exception extends IOException {
    private static final long serialVersionUID = 1L;

    NotHttp2Exception(String protocol) {
      super("the platform does not speak HTTP/2 over TLS (ALPN: " + protocol + ")");
    }
  }

  /**
   * @param threads event-loop threads ({@code serve}: 2, as the JDK client's executor)
   * @param trust the certificates trusted; null: the JVM's trust store
   */
  public NettyHttp2Transport(int threads, @Nullable TrustManagerFactory trust) {
    this(threads, trust, DEFAULT_IDLE_TIMEOUT);
  }

  /**
   * @param threads event-loop threads
   * @param trust the certificates trusted; null: the JVM's trust store
   * @param idleTimeout a connection with no stream for this long is closed
   */
  public NettyHttp2Transport(
      int threads, @Nullable TrustManagerFactory trust, Duration idleTimeout) {
    this.idleNanos = idleTimeout.toNanos();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads,
            new ThreadFactoryBuilder()
                .setNameFormat("socialcheck-http2-%d")
                .setDaemon(true)
                .build(),
            NioIoHandler.newFactory());
    try {
      this.ssl =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .trustManager(trust)
              .endpointIdentificationAlgorithm("HTTPS")
              .applicationProtocolConfig(
                  new ApplicationProtocolConfig(
                      ApplicationProtocolConfig.Protocol.ALPN,
                      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                      ApplicationProtocolNames.HTTP_2))
              .build();
    } catch (SSLException e) {
      Future<?> unused = group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot set up TLS for HTTP/2 probes", e);
    }
  }

  @Override
  public ListenableFuture<ProbeResponse> send(OutgoingRequest request, int maxBodyBytes) {
    SettableFuture<ProbeResponse> result = SettableFuture.create();
    URI uri = request.uri();
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      result.setException(new NotHttp2Exception("none, cleartext " + uri.getScheme()));
      return result;
    }
    HostPool pool;
    synchronized (lock) {
      String key = uri.getHost() + ":" + uri.getPort();
      pool = pools.get(key);
      if (pool == null) {
        if (pools.size() >= MAX_REMEMBERED_HOSTS) {
          pools.values().removeIf(HostPool::idle);
        }
        pool = new HostPool(uri);
        pools.put(key, pool);
      }
    }
    new Exchange(pool, request, maxBodyBytes, result).start(false);
    return result;
  }

  /** Requests sent again because the platform's GOAWAY said it had not processed them. */
  @Override
  public long lostConnectionRetries() {
    return unprocessedRetries.sum();
  }

  /** Connections this transport opened. */
  public long connectionsOpened() {
    return connectionsOpened.sum();
  }

  @Override
  public void close() {
    Future<?> unused = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** One HTTP/2 connection and the streams open on it. Guarded by its pool's lock. */
  private static final class Connection {
    final Channel channel;
    int active;
    int maxStreams = DEFAULT_MAX_STREAMS;
    boolean goingAway;

    /** The last stream the platform's GOAWAY said it processes; none yet: the largest id. */
    int lastStreamId = Integer.MAX_VALUE;

    Connection(Channel channel) {
      this.channel = channel;
    }

    boolean hasRoom() {
      return !goingAway && channel.isActive() && active < maxStreams;
    }
  }

  /** The connections to one host, and the one attempt at most being made. */
  private final class HostPool {
    private final String host;
    private final int port;
    private final String authority;

    @GuardedBy("this")
    private final List<Connection> connections = new ArrayList<>();

    /** The connection being made, which the requests without room wait for; null: none. */
    @GuardedBy("this")
    private @Nullable SettableFuture<Void> connecting;

    HostPool(URI uri) {
      this.host = uri.getHost();
      this.port = uri.getPort() < 0 ? 443 : uri.getPort();
      this.authority = uri.getRawAuthority();
    }

    /**
     * A connection with room for one more stream (taken), or null, in which case {@code waiter}
     * runs once the connection being made is ready or failed.
     */
    @Nullable Connection take(java.util.function.Consumer<SettableFuture<Void>> waiter) {
      SettableFuture<Void> wait;
      synchronized (this) {
        for (Connection connection : connections) {
          if (connection.hasRoom()) {
            connection.active++;
            return connection;
          }
        }
        if (connecting == null) {
          connecting = SettableFuture.create();
          connect(connecting);
        }
        wait = connecting;
      }
      SettableFuture<Void> waitedFor = wait;
      wait.addListener(() -> waiter.accept(waitedFor), directExecutor());
      return null;
    }

    void release(Connection connection) {
      boolean close;
      synchronized (this) {
        connection.active--;
        close = connection.goingAway && connection.active == 0;
        if (close || !connection.channel.isActive()) {
          connections.remove(connection);
        }
      }
      if (close) {
        ChannelFuture unused = connection.channel.close();
      }
    }

    private void connect(SettableFuture<Void> attempt) {
      connectionsOpened.increment();
      Bootstrap bootstrap =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                      channel.pipeline().addLast(ssl.newHandler(channel.alloc(), host, port));
                      channel
                          .pipeline()
                          .addLast(new Negotiation(HostPool.this, attempt, idleNanos));
                    }
                  });
      bootstrap
          .connect(host, port)
          .addListener(
              (ChannelFuture done) -> {
                if (!done.isSuccess()) {
                  failed(attempt, done.cause());
                }
              });
    }

    /** The attempt's connection speaks HTTP/2 and has the platform's settings: add it. */
    void ready(SettableFuture<Void> attempt, Connection connection) {
      synchronized (this) {
        connections.add(connection);
        if (connecting == attempt) {
          connecting = null;
        }
      }
      connection
          .channel
          .closeFuture()
          .addListener(
              closed -> {
                synchronized (this) {
                  connection.goingAway = true;
                  connections.remove(connection);
                }
              });
      attempt.set(null);
    }

    void failed(SettableFuture<Void> attempt, Throwable cause) {
      synchronized (this) {
        if (connecting == attempt) {
          connecting = null;
        }
      }
      attempt.setException(cause);
    }

    synchronized void goingAway(Connection connection) {
      connection.goingAway = true;
    }

    /** Takes {@code connection} out of the pool if no stream uses it; whether it did. */
    synchronized boolean retireIfUnused(Connection connection) {
      if (connection.active > 0) {
        return false;
      }
      connection.goingAway = true;
      connections.remove(connection);
      return true;
    }

    /** No connection and none being made. */
    synchronized boolean idle() {
      return connections.isEmpty() && connecting == null;
    }
  }

  /** ALPN: HTTP/2 or nothing; then waits for the platform's first SETTINGS. */
  private static final class Negotiation extends ApplicationProtocolNegotiationHandler {
    private final HostPool pool;
    private final SettableFuture<Void> attempt;

    private final long idleNanos;

    Negotiation(HostPool pool, SettableFuture<Void> attempt, long idleNanos) {
      super("none");
      this.pool = pool;
      this.attempt = attempt;
      this.idleNanos = idleNanos;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        pool.failed(attempt, new NotHttp2Exception(protocol));
        ChannelFuture unused = ctx.close();
        return;
      }
      Connection connection = new Connection(ctx.channel());
      ctx.pipeline()
          .addLast(
              Http2FrameCodecBuilder.forClient()
                  .initialSettings(Http2Settings.defaultSettings())
                  .build(),
              new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
              new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS),
              new ConnectionEvents(pool, attempt, connection));
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      pool.failed(attempt, cause);
      ChannelFuture unused = ctx.close();
    }
  }

  /** The connection-level frames: SETTINGS (the stream limit) and GOAWAY. */
  private static final class ConnectionEvents extends ChannelInboundHandlerAdapter {
    private final HostPool pool;
    private final SettableFuture<Void> attempt;
    private final Connection connection;

    ConnectionEvents(HostPool pool, SettableFuture<Void> attempt, Connection connection) {
      this.pool = pool;
      this.attempt = attempt;
      this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      try {
        if (message instanceof Http2SettingsFrame settings) {
          Long max = settings.settings().maxConcurrentStreams();
          synchronized (pool) {
            if (max != null) {
              connection.maxStreams = (int) Math.min(Integer.MAX_VALUE, max);
            }
          }
          if (!attempt.isDone()) {
            pool.ready(attempt, connection);
          }
        } else if (message instanceof Http2GoAwayFrame goAway) {
          synchronized (pool) {
            connection.lastStreamId = goAway.lastStreamId();
          }
          pool.goingAway(connection);
        }
      } finally {
        ReferenceCountUtil.release(message);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent && pool.retireIfUnused(connection)) {
        ChannelFuture unused = ctx.close();
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!attempt.isDone()) {
        pool.failed(attempt, new IOException("connection closed before the platform's settings"));
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!attempt.isDone()) {
        pool.failed(attempt, cause);
      }
      ChannelFuture unused = ctx.close();
    }
  }

  /** One request: a stream on a pooled connection, its answer read up to the limit. */
  private final class Exchange extends ChannelInboundHandlerAdapter {
    private final HostPool pool;
    private final OutgoingRequest request;
    private final int maxBodyBytes;
    private final SettableFuture<ProbeResponse> result;
    // A retry's stream may be on another connection, another event loop: the stream the request
    // is on now is read by both.
    private volatile @Nullable Http2StreamChannel current;
    private volatile @Nullable Connection currentConnection;
    private volatile @Nullable ScheduledFuture<?> timeout;
    private int status;
    private @Nullable HttpHeaders headers;
    private byte[] body = new byte[0];
    private int length;
    private boolean truncated;
    private boolean retried;
    private int unprocessedSends;
    private final long deadline;

    Exchange(
        HostPool pool,
        OutgoingRequest request,
        int maxBodyBytes,
        SettableFuture<ProbeResponse> result) {
      this.pool = pool;
      this.request = request;
      this.maxBodyBytes = maxBodyBytes;
      this.result = result;
      this.deadline = System.nanoTime() + request.timeout().toNanos();
    }

    /**
     * The request's stream or connection ended before the answer: the platform closed the
     * connection (past a GOAWAY's last stream, a refused stream, a close): sent once more, as the
     * JDK transport does.
     */
    private synchronized void lost(Throwable cause, boolean unprocessed) {
      current = null;
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (result.isDone()) {
        return;
      }
      // A request the platform did not process is always safe to send again (RFC 9113, 8.7);
      // a few times at most, each on a connection that has not sent its GOAWAY.
      if (unprocessed ? ++unprocessedSends <= MAX_UNPROCESSED_SENDS : !retried) {
        unprocessedRetries.increment();
        start(!unprocessed);
      } else {
        result.setException(cause);
      }
    }

    /** Takes a connection (or waits for one) and opens the stream. */
    synchronized void start(boolean again) {
      if (result.isDone()) {
        return;
      }
      retried |= again;
      Connection taken = pool.take(this::afterWait);
      if (taken != null) {
        open(taken);
      }
    }

    /** The connection attempt this request waited for ended: take a connection, or fail. */
    private void afterWait(SettableFuture<Void> attempt) {
      try {
        attempt.get();
      } catch (Exception e) {
        result.setException(e.getCause() == null ? e : e.getCause());
        return;
      }
      start(false);
    }

    private void open(Connection taken) {
      new Http2StreamChannelBootstrap(taken.channel)
          .handler(
              new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                  stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false));
                  stream.pipeline().addLast(Exchange.this);
                }
              })
          .open()
          .addListener(
              opened -> {
                if (!opened.isSuccess()) {
                  pool.release(taken);
                  lost(opened.cause(), false); // the connection closed under it
                  return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
                current = stream;
                currentConnection = taken;
                stream.closeFuture().addListener(closed -> ended(stream, taken));
                result.addListener(
                    () -> {
                      if (result.isCancelled()) {
                        ChannelFuture unused = stream.close(); // RST_STREAM
                      }
                    },
                    directExecutor());
                long nanos = Math.max(1, deadline - System.nanoTime());
                timeout =
                    stream
                        .eventLoop()
                        .schedule(
                            () -> {
                              if (result.setException(
                                  new HttpTimeoutException("request timed out"))) {
                                ChannelFuture unused = stream.close();
                              }
                            },
                            nanos,
                            TimeUnit.NANOSECONDS);
                ChannelFuture unused = stream.writeAndFlush(httpRequest());
              });
    }

    private FullHttpRequest httpRequest() {
      URI uri = request.uri();
      String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      byte[] bytes = request.body();
      FullHttpRequest http =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1,
              HttpMethod.valueOf(request.method()),
              path.isEmpty() ? "/" : path,
              bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
      http.headers().set(HttpHeaderNames.HOST, pool.authority);
      http.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "https");
      request.headers().forEach(http.headers()::set);
      return http;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      try {
        if (ctx.channel() != current) {
          return; // a stream given up for a retry
        }
        if (message instanceof HttpResponse response) {
          status = response.status().code();
          Map<String, List<String>> map = new LinkedHashMap<>();
          for (Entry<String, String> header : response.headers()) {
            map.computeIfAbsent(header.getKey(), name -> new ArrayList<>(1)).add(header.getValue());
          }
          map.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text().toString());
          headers = HttpHeaders.of(map, (name, value) -> true);
        }
        if (message instanceof HttpContent content) {
          append(content.content());
          if (truncated || message instanceof LastHttpContent) {
            complete(ctx);
          }
        }
      } finally {
        ReferenceCountUtil.release(message);
      }
    }

    private void append(ByteBuf content) {
      int readable = content.readableBytes();
      int room = maxBodyBytes - length;
      int take = Math.min(readable, room);
      if (take > 0) {
        if (body.length < length + take) {
          body = java.util.Arrays.copyOf(body, Math.max(length + take, body.length * 2));
        }
        content.getBytes(content.readerIndex(), body, length, take);
        length += take;
      }
      if (readable > take) {
        truncated = true;
      }
    }

    private void complete(ChannelHandlerContext ctx) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      HttpHeaders answered =
          headers == null ? HttpHeaders.of(Map.of(), (name, value) -> true) : headers;
      byte[] bytes = length == body.length ? body : java.util.Arrays.copyOf(body, length);
      result.set(new ProbeResponse(status, answered, bytes, truncated));
      if (truncated) {
        ChannelFuture unused = ctx.close(); // read enough: reset the rest
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof Http2ResetFrame reset
          && reset.errorCode() == Http2Error.REFUSED_STREAM.code()) {
        // Refused: the platform did not process it either.
        if (ctx.channel() == current) {
          ChannelFuture unused = ctx.close();
          lost(new IOException("stream refused"), true);
        }
        return;
      }
      if (event instanceof Http2GoAwayFrame) {
        // Past the GOAWAY's last stream: the platform did not process this request.
        ReferenceCountUtil.release(event);
        if (ctx.channel() != current) {
          return; // heard already: the request is being sent again
        }
        Connection goingAway = currentConnection;
        if (goingAway != null) {
          // Before the retry takes a connection: the connection-level handler hears of the
          // GOAWAY only after the streams.
          pool.goingAway(goingAway);
        }
        ChannelFuture unused = ctx.close();
        lost(new IOException("GOAWAY received (request not processed)"), true);
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ChannelFuture unused = ctx.close();
      if (ctx.channel() == current) {
        lost(cause, false);
      }
    }

    /** A stream of this request closed: its place on the connection is free. */
    private void ended(Http2StreamChannel stream, Connection taken) {
      pool.release(taken);
      if (stream != current || result.isDone()) {
        return; // answered, failed, or left for a retry on another stream
      }
      int id = stream.stream().id();
      boolean unprocessed;
      synchronized (pool) {
        // Not sent (no id yet), or past the GOAWAY's last stream: the platform never saw it.
        unprocessed = taken.goingAway && (id <= 0 || id > taken.lastStreamId);
      }
      // With a ClosedChannelException as the cause, the check's outcome says the platform closed
      // the connection (OverflowTransport.isLostConnection).
      lost(
          new IOException(
              stream.parent().isActive()
                  ? "stream reset before the answer"
                  : "connection closed before the answer",
              new ClosedChannelException()),
          unprocessed);
    }

    @Override
    public boolean isSharable() {
      return true; // in one stream's pipeline at a time (a retry's stream after the first's)
    }
  }
}
