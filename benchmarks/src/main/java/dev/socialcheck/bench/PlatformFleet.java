package dev.socialcheck.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.Hashing;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;

/**
 * The platforms of {@link FleetModel} served over HTTP on 127.0.0.1 with Netty: a listener per
 * platform and {@link Protocol} (so a client keeps one connection pool per platform, as it would
 * against real hosts). Every answer is delayed by a latency drawn from the platform's distribution,
 * on Netty's timers (no thread per request).
 *
 * <p>Each platform answers {@code GET /check?email=ADDRESS} with {@code {"exists":true}} or {@code
 * {"exists":false}} ({@link FleetModel#found}). The two-step platform ({@code forum}) first serves
 * {@code GET /token}: an HTML page with a CSRF token in a hidden field and a {@code sid} cookie;
 * its check answers 403 unless it carries both, so a probe that loses its cookie jar or token reads
 * ERROR, never an answer.
 *
 * <p>Counters ({@link #counters}): connections opened, TLS handshakes completed, requests (and
 * those over HTTP/2), answers abandoned because the client had closed the stream or the connection
 * first (a cancelled probe), and checks rejected for a missing token.
 */
final class PlatformFleet implements AutoCloseable {

  /** How a platform is served. */
  enum Protocol {
    /** HTTP/1.1 over cleartext TCP, keep-alive. */
    H1("http", false),
    /** HTTP/1.1 over TLS (ALPN offers http/1.1 only). */
    H1_TLS("https", true),
    /** HTTP/2 over TLS (ALPN h2, falling back to http/1.1). */
    H2_TLS("https", true),
    /** HTTP/2 over cleartext TCP, by prior knowledge or by an HTTP/1.1 upgrade (h2c). */
    H2C("http", false);

    final String scheme;
    final boolean tls;

    Protocol(String scheme, boolean tls) {
      this.scheme = scheme;
      this.tls = tls;
    }

    /** The short name used in figures and options: h1, h1s, h2, h2c. */
    String label() {
      return switch (this) {
        case H1 -> "h1";
        case H1_TLS -> "h1s";
        case H2_TLS -> "h2";
        case H2C -> "h2c";
      };
    }

    static Protocol parse(String label) {
      for (Protocol p : values()) {
        if (p.label().equals(label)) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown protocol '" + label + "' (h1, h1s, h2, h2c)");
    }
  }

  /** The fleet's counters at one moment; subtract two for a window. */
  record Counters(
      long connections,
      long tlsHandshakes,
      long requests,
      long http2Requests,
      long abandoned,
      long rejected) {
    Counters minus(Counters before) {
      return new Counters(
          connections - before.connections,
          tlsHandshakes - before.tlsHandshakes,
          requests - before.requests,
          http2Requests - before.http2Requests,
          abandoned - before.abandoned,
          rejected - before.rejected);
    }
  }

  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  /** Filler that gives answers a realistic size (a small JSON document, about 600 bytes). */
  private static final String PADDING = "x".repeat(512);

  private final FleetModel model;
  private final int maxConcurrentStreams;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final SslContext h2Tls;
  private final SslContext h1Tls;
  private final List<Channel> listeners = new ArrayList<>();
  private final Map<Protocol, Map<String, URI>> urls = new EnumMap<>(Protocol.class);

  private final LongAdder connections = new LongAdder();
  private final LongAdder closedConnections = new LongAdder();

  /** HTTP/2 requests after which a connection is closed (0: never); see {@link #goAwayAfter}. */
  private volatile int goAwayAfter;

  /** An HTTP/2 connection's requests, for {@link #goAwayAfter}. */
  private static final AttributeKey<GoAwayState> GO_AWAY =
      AttributeKey.valueOf("socialcheck.fleet.goAway");

  /**
   * What {@link #goAwayAfter} knows of one HTTP/2 connection. A connection's streams run on its
   * event loop, and only they touch it: plain fields.
   */
  private static final class GoAwayState {
    /** Requests received. */
    int seen;

    /** Requests received and not yet answered (or abandoned). */
    int pending;

    /** Whether the GOAWAY was sent: the connection closes once nothing is pending. */
    boolean sent;
  }

  private final LongAdder tlsHandshakes = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder http2Requests = new LongAdder();
  private final LongAdder abandoned = new LongAdder();
  private final LongAdder rejected = new LongAdder();

  /**
   * Starts a listener for every platform and every protocol in {@code protocols}.
   *
   * @param threads Netty event loop threads answering requests
   * @param maxConcurrentStreams the HTTP/2 {@code SETTINGS_MAX_CONCURRENT_STREAMS} announced (real
   *     hosts announce 100–256)
   */
  PlatformFleet(
      FleetModel model,
      FleetCertificate certificate,
      Set<Protocol> protocols,
      int threads,
      int maxConcurrentStreams)
      throws InterruptedException, SSLException {
    this.model = model;
    this.maxConcurrentStreams = maxConcurrentStreams;
    this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    this.h2Tls =
        tls(certificate, ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
    this.h1Tls = tls(certificate, ApplicationProtocolNames.HTTP_1_1);
    try {
      for (Protocol protocol : protocols) {
        Map<String, URI> byPlatform = new LinkedHashMap<>();
        for (FleetModel.Platform platform : FleetModel.PLATFORMS) {
          Channel listener =
              new ServerBootstrap()
                  .group(boss, workers)
                  .channel(NioServerSocketChannel.class)
                  .childHandler(initializer(protocol, new PlatformHandler(platform)))
                  .bind(new InetSocketAddress("127.0.0.1", 0))
                  .sync()
                  .channel();
          listeners.add(listener);
          int port = ((InetSocketAddress) listener.localAddress()).getPort();
          byPlatform.put(platform.id(), URI.create(protocol.scheme + "://127.0.0.1:" + port + "/"));
        }
        urls.put(protocol, byPlatform);
      }
    } catch (InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Base URL of every platform served over {@code protocol}, by platform id. */
  Map<String, URI> urls(Protocol protocol) {
    Map<String, URI> byPlatform = urls.get(protocol);
    if (byPlatform == null) {
      throw new IllegalArgumentException("the fleet does not serve " + protocol);
    }
    return byPlatform;
  }

  Counters counters() {
    return new Counters(
        connections.sum(),
        tlsHandshakes.sum(),
        requests.sum(),
        http2Requests.sum(),
        abandoned.sum(),
        rejected.sum());
  }

  @Override
  public void close() {
    for (Channel listener : listeners) {
      listener.close().syncUninterruptibly();
    }
    boss.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static SslContext tls(FleetCertificate certificate, String... alpn) throws SSLException {
    return SslContextBuilder.forServer(certificate.key(), certificate.certificate())
        .sslProvider(SslProvider.JDK)
        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                alpn))
        .build();
  }

  private ChannelInitializer<Channel> initializer(Protocol protocol, PlatformHandler handler) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(counting);
        switch (protocol) {
          case H1 -> http1(pipeline, handler);
          case H1_TLS, H2_TLS -> {
            pipeline.addLast(
                (protocol == Protocol.H2_TLS ? h2Tls : h1Tls).newHandler(channel.alloc()));
            pipeline.addLast(handshakes);
            pipeline.addLast(
                new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                  @Override
                  protected void configurePipeline(ChannelHandlerContext ctx, String negotiated) {
                    if (negotiated.equals(ApplicationProtocolNames.HTTP_2)) {
                      http2(ctx.pipeline(), handler);
                    } else {
                      http1(ctx.pipeline(), handler);
                    }
                  }
                });
          }
          case H2C -> h2c(pipeline, handler);
        }
      }
    };
  }

  private static void http1(ChannelPipeline pipeline, PlatformHandler handler) {
    pipeline.addLast(new HttpServerCodec());
    pipeline.addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
    pipeline.addLast(handler);
  }

  private void http2(ChannelPipeline pipeline, PlatformHandler handler) {
    pipeline.addLast(http2Codec());
    pipeline.addLast(new Http2MultiplexHandler(streamInitializer(handler)));
    pipeline.addLast(goingAwayErrors);
  }

  /**
   * Quiets Netty's errors on a connection that sent its GOAWAY ({@link #goAwayAfter}): the client
   * resets the requests it had sent past the last one named, streams Netty never opened, and Netty
   * takes each reset for a protocol error; the JDK 17 client may reset the connection itself. Each
   * would reach the end of the pipeline and be logged with its stack trace. (Not on an h2c
   * connection made by an upgrade: the suite does not measure those.)
   */
  private final ChannelHandler goingAwayErrors =
      new ChannelInboundHandlerAdapter() {
        @Override
        public boolean isSharable() {
          return true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
          GoAwayState state = ctx.channel().attr(GO_AWAY).get();
          if ((cause instanceof Http2Exception || cause instanceof IOException)
              && state != null
              && state.sent) {
            return;
          }
          ctx.fireExceptionCaught(cause);
        }
      };

  private Http2FrameCodec http2Codec() {
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(maxConcurrentStreams))
        // Probes that lose a race reset their stream: thousands a second on one connection is
        // this benchmark's normal load, not a rapid-reset attack (real hosts may disagree).
        .decoderEnforceMaxRstFramesPerWindow(0, 0)
        .build();
  }

  private static ChannelInitializer<Http2StreamChannel> streamInitializer(PlatformHandler handler) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
        stream.pipeline().addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
        stream.pipeline().addLast(handler);
      }
    };
  }

  /** h2c: HTTP/2 by prior knowledge or by upgrade; plain HTTP/1.1 otherwise. */
  private void h2c(ChannelPipeline pipeline, PlatformHandler handler) {
    HttpServerCodec source = new HttpServerCodec();
    HttpServerUpgradeHandler upgrade =
        new HttpServerUpgradeHandler(
            source,
            name ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, name)
                    ? new Http2ServerUpgradeCodec(
                        http2Codec(), new Http2MultiplexHandler(streamInitializer(handler)))
                    : null);
    pipeline.addLast(
        new CleartextHttp2ServerUpgradeHandler(
            source,
            upgrade,
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel channel) {
                http2(channel.pipeline(), handler);
              }
            }));
    pipeline.addLast(
        new SimpleChannelInboundHandler<HttpMessage>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, HttpMessage message) {
            // No upgrade asked for: plain HTTP/1.1 from here on.
            ChannelPipeline p = ctx.pipeline();
            p.addAfter(ctx.name(), null, handler);
            p.replace(this, null, new HttpObjectAggregator(MAX_REQUEST_BYTES));
            ctx.fireChannelRead(ReferenceCountUtil.retain(message));
          }
        });
  }

  /** Counts connections; first in every connection's pipeline. */
  private final ChannelHandler counting =
      new ChannelInboundHandlerAdapter() {
        @Override
        public boolean isSharable() {
          return true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
          connections.increment();
          ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
          closedConnections.increment();
          ctx.fireChannelInactive();
        }
      };

  /**
   * Ends an HTTP/2 connection once it has received {@code requests} requests, as real hosts do
   * (nginx's default is 1,000); 0 never does. As nginx does: a GOAWAY (no error), the requests
   * received still answered, new requests must go to a new connection, and the connection is closed
   * once its last answer is written. The GOAWAY's last stream allows one stream limit's worth of
   * streams beyond the last received (those the client may open before it reads the GOAWAY). (Until
   * run L in RESULTS.md, Netty's close did it, and cut the answers still pending.)
   */
  void goAwayAfter(int requests) {
    this.goAwayAfter = requests;
  }

  /** Connections open now (accepted and not yet closed), all protocols. */
  long openConnections() {
    return connections.sum() - closedConnections.sum();
  }

  /** Counts TLS handshakes completed; right after the TLS handler, which fires the event. */
  private final ChannelHandler handshakes =
      new ChannelInboundHandlerAdapter() {
        @Override
        public boolean isSharable() {
          return true;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
          if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            tlsHandshakes.increment();
          }
          ctx.fireUserEventTriggered(event);
        }
      };

  /** Answers one platform's requests after a latency drawn from its distribution. */
  @ChannelHandler.Sharable
  private final class PlatformHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final FleetModel.Platform platform;
    private final FleetModel.Latency latency;

    PlatformHandler(FleetModel.Platform platform) {
      this.platform = platform;
      this.latency = model.latency(platform);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      requests.increment();
      if (ctx.channel() instanceof Http2StreamChannel stream) {
        http2Requests.increment();
        int limit = goAwayAfter;
        if (limit > 0) {
          Channel connection = stream.parent();
          GoAwayState state = connection.attr(GO_AWAY).get();
          if (state == null) {
            state = new GoAwayState();
            connection.attr(GO_AWAY).set(state);
          }
          state.pending++;
          if (++state.seen == limit) {
            // As nginx at its keepalive_requests: a GOAWAY, the answers still due, then the close
            // (see answered). The GOAWAY's last stream leaves room for the streams the client may
            // open before it reads it (one stream limit's worth), so that it never resets a stream
            // the fleet ignored: Netty takes such a reset for a protocol error and would cut the
            // connection and its pending answers at once.
            state.sent = true;
            ChannelFuture unused =
                connection.writeAndFlush(
                    new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)
                        .setExtraStreamIds(maxConcurrentStreams));
          }
        }
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      FullHttpResponse response = answer(request);
      // The event loop runs it; a failure shows as the client's failed call.
      ScheduledFuture<?> unused =
          ctx.executor()
              .schedule(
                  () -> respond(ctx, response, keepAlive),
                  latency.drawNanos(),
                  TimeUnit.NANOSECONDS);
    }

    private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
      if (!ctx.channel().isActive()) {
        // The client reset the stream or closed the connection first: a cancelled probe.
        abandoned.increment();
        response.release();
        answered(ctx.channel());
        return;
      }
      if (ctx.channel() instanceof Http2StreamChannel) {
        // A failed write fails the client's call, which the load generator counts.
        ChannelFuture unused =
            ctx.writeAndFlush(response).addListener(written -> answered(ctx.channel()));
      } else if (keepAlive) {
        ChannelFuture unused = ctx.writeAndFlush(response);
      } else {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    /**
     * A request on {@code channel} was answered or abandoned: an HTTP/2 connection that sent its
     * GOAWAY closes once it has nothing more to answer.
     */
    private void answered(Channel channel) {
      if (!(channel instanceof Http2StreamChannel stream)) {
        return;
      }
      GoAwayState state = stream.parent().attr(GO_AWAY).get();
      if (state != null && --state.pending == 0 && state.sent) {
        ChannelFuture unused = stream.parent().close();
      }
    }

    private FullHttpResponse answer(FullHttpRequest request) {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri(), UTF_8);
      switch (uri.path()) {
        case "/token" -> {
          if (!platform.twoStep()) {
            return text(HttpResponseStatus.NOT_FOUND, "text/plain", "no such page");
          }
          String session =
              String.format(Locale.ROOT, "%016x", ThreadLocalRandom.current().nextLong());
          FullHttpResponse page =
              text(
                  HttpResponseStatus.OK,
                  "text/html; charset=utf-8",
                  "<html><body><form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\""
                      + token(session)
                      + "\"></form></body></html>");
          page.headers().add(HttpHeaderNames.SET_COOKIE, "sid=" + session + "; Path=/; HttpOnly");
          return page;
        }
        case "/check" -> {
          List<String> email = uri.parameters().get("email");
          if (email == null || email.size() != 1) {
            return text(HttpResponseStatus.BAD_REQUEST, "text/plain", "email missing");
          }
          if (platform.twoStep() && !hasToken(request)) {
            rejected.increment();
            return text(HttpResponseStatus.FORBIDDEN, "text/plain", "bad or missing token");
          }
          boolean found = FleetModel.found(platform.id(), email.get(0));
          return text(
              HttpResponseStatus.OK,
              "application/json",
              "{\"exists\":" + found + ",\"padding\":\"" + PADDING + "\"}");
        }
        default -> {
          return text(HttpResponseStatus.NOT_FOUND, "text/plain", "no such page");
        }
      }
    }

    private boolean hasToken(FullHttpRequest request) {
      String cookies = request.headers().get(HttpHeaderNames.COOKIE);
      String csrf = request.headers().get("X-CSRF-Token");
      if (cookies == null || csrf == null) {
        return false;
      }
      return ServerCookieDecoder.STRICT.decode(cookies).stream()
          .anyMatch(c -> c.name().equals("sid") && token(c.value()).equals(csrf));
    }
  }

  /** The CSRF token that goes with a session: checked without keeping any state. */
  static String token(String session) {
    return Hashing.murmur3_128(22).hashString("csrf:" + session, UTF_8).toString();
  }

  private static FullHttpResponse text(HttpResponseStatus status, String type, String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body.getBytes(UTF_8)));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    return response;
  }
}
