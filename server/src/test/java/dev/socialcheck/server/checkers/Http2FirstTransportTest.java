package dev.socialcheck.server.checkers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.CatalogLoader;
import dev.socialcheck.server.testing.TestCertificates;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --probe-client netty}: HTTPS platforms that speak HTTP/2 get Netty's client, the others
 * the JDK's; the platform's certificate and name are checked. Small TLS servers on 127.0.0.1.
 */
class Http2FirstTransportTest {
  @TempDir Path dir;
  private TestCertificates authority;
  private final EventLoopGroup serverLoop =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<Channel> servers = new ArrayList<>();
  private final AtomicInteger fallbackSends = new AtomicInteger();
  private final ProbeTransport fallback =
      (request, max) -> {
        fallbackSends.incrementAndGet();
        return Futures.immediateFuture(
            new ProbeResponse(
                204, java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true), new byte[0], false));
      };
  private NettyHttp2Transport http2;

  @BeforeEach
  void setUp() throws Exception {
    authority = TestCertificates.newAuthority(dir, "test-ca");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", authority.authority().certificate());
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    http2 = new NettyHttp2Transport(1, trust);
  }

  @AfterEach
  void tearDown() throws Exception {
    http2.close();
    for (Channel server : servers) {
      server.close().sync();
    }
    serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void aPlatformThatSpeaksHttp2_isProbedOverHttp2() throws Exception {
    URI uri = start(authority.server("h2"), ApplicationProtocolNames.HTTP_2);
    Http2FirstTransport transport = new Http2FirstTransport(http2, fallback);

    ProbeResponse response = transport.send(get(uri), 1024).get(10, TimeUnit.SECONDS);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-protocol")).hasValue("h2");
    assertThat(new String(response.body(), UTF_8)).isEqualTo("{\"exists\":true}");
    assertThat(fallbackSends).as("the JDK client not used").hasValue(0);
  }

  @Test
  void aPlatformWithoutHttp2_goesToTheJdkClient_fromItsFirstProbeOn() throws Exception {
    URI uri = start(authority.server("h1"), ApplicationProtocolNames.HTTP_1_1);
    Http2FirstTransport transport = new Http2FirstTransport(http2, fallback);

    ProbeResponse first = transport.send(get(uri), 1024).get(10, TimeUnit.SECONDS);
    ProbeResponse second = transport.send(get(uri), 1024).get(10, TimeUnit.SECONDS);

    assertThat(first.status()).as("the fallback's answer").isEqualTo(204);
    assertThat(second.status()).isEqualTo(204);
    assertThat(fallbackSends).hasValue(2);
    assertThat(transport.knownNotHttp2(uri)).isTrue();
    assertThat(http2.connectionsOpened()).as("one TLS handshake to learn it").isEqualTo(1);
  }

  @Test
  void cleartextHttp_goesToTheJdkClient() throws Exception {
    Http2FirstTransport transport = new Http2FirstTransport(http2, fallback);

    ProbeResponse response =
        transport.send(get(URI.create("http://127.0.0.1:1/u")), 1024).get(10, TimeUnit.SECONDS);

    assertThat(response.status()).isEqualTo(204);
    assertThat(http2.connectionsOpened()).isZero();
  }

  @Test
  void aCertificateForAnotherName_failsTheProbe_andIsNotRetriedElsewhere() throws Exception {
    // A certificate from the trusted authority, but not for 127.0.0.1.
    URI uri = start(authority.client("someone-else"), ApplicationProtocolNames.HTTP_2);
    Http2FirstTransport transport = new Http2FirstTransport(http2, fallback);

    ListenableFuture<ProbeResponse> probe = transport.send(get(uri), 1024);

    assertThat(probe)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(SSLHandshakeException.class);
    assertThat(fallbackSends).hasValue(0);
  }

  @Test
  void theServersTransport_forNetty_stopsItsThreadsWhenClosed() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(1);
    try {
      ProbeTransport transport = CatalogLoader.newProbeTransport(executor, ProbeClient.NETTY, 1);
      assertThat(transport).isInstanceOf(Http2FirstTransport.class);
      URI uri = start(authority.server("h2b"), ApplicationProtocolNames.HTTP_2);
      // The JVM's trust store does not know the test authority: the handshake fails, after the
      // transport's event loop has started.
      assertThat(transport.send(get(uri), 1024)).failsWithin(Duration.ofSeconds(10));

      transport.close();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(Thread.getAllStackTraces().keySet())
                      .extracting(Thread::getName)
                      .noneMatch(name -> name.startsWith("socialcheck-http2-")));
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void probeClientNames() {
    assertThat(ProbeClient.parse("NeTTy")).isEqualTo(ProbeClient.NETTY);
    assertThat(ProbeClient.parse("jdk")).isEqualTo(ProbeClient.JDK);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProbeClient.parse("okhttp"))
        .hasMessage("unknown probe client 'okhttp' (jdk, netty)");
  }

  private static OutgoingRequest get(URI uri) {
    return new OutgoingRequest("GET", uri, Map.of(), new byte[0], Duration.ofSeconds(5));
  }

  /** A TLS server on 127.0.0.1 offering {@code protocol} by ALPN; answers HTTP/1.1 or HTTP/2. */
  private URI start(TestCertificates.Issued certificate, String protocol) throws Exception {
    SslContext ssl =
        SslContextBuilder.forServer(certificate.key(), certificate.certificate())
            .sslProvider(SslProvider.JDK)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    protocol))
            .build();
    Channel server =
        new ServerBootstrap()
            .group(serverLoop)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel.pipeline().addLast(ssl.newHandler(channel.alloc()));
                    channel.pipeline().addLast(new Protocols());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    servers.add(server);
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    return URI.create("https://127.0.0.1:" + port + "/users/someone");
  }

  /** After the handshake: HTTP/2 streams or HTTP/1.1, each request answered by {@link Answer}. */
  private static final class Protocols extends ApplicationProtocolNegotiationHandler {
    Protocols() {
      super(ApplicationProtocolNames.HTTP_1_1);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // the client refused the certificate, as a test wants: nothing to log
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        ctx.pipeline()
            .addLast(
                Http2FrameCodecBuilder.forServer().build(),
                new Http2MultiplexHandler(
                    new ChannelInitializer<Http2StreamChannel>() {
                      @Override
                      protected void initChannel(Http2StreamChannel stream) {
                        stream
                            .pipeline()
                            .addLast(
                                new Http2StreamFrameToHttpObjectCodec(true),
                                new HttpObjectAggregator(8192),
                                new Answer("h2"));
                      }
                    }));
      } else {
        ctx.pipeline()
            .addLast(
                new io.netty.handler.codec.http.HttpServerCodec(),
                new HttpObjectAggregator(8192),
                new Answer("h1"));
      }
    }
  }

  private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String protocol;

    Answer(String protocol) {
      this.protocol = protocol;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.OK,
              Unpooled.copiedBuffer("{\"exists\":true}", UTF_8));
      response.headers().set("x-protocol", protocol);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      ctx.writeAndFlush(response);
    }
  }
}
