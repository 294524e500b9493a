package dev.socialcheck.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.grpc.EquivalentAddressGroup;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SocialCheckSettings.Builder#setLoadBalancingPolicy}: two loopback replicas behind one
 * target name (a test name resolver that answers both addresses, as DNS does for a Kubernetes
 * headless service).
 */
class LoadBalancingTest {
  private static final String SCHEME = "socialcheck-two-replicas";

  private final AtomicInteger callsOnFirst = new AtomicInteger();
  private final AtomicInteger callsOnSecond = new AtomicInteger();
  private TestServer first;
  private TestServer second;
  private NameResolverProvider resolver;

  private static ServerInterceptor counting(AtomicInteger calls) {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        calls.incrementAndGet();
        return next.startCall(call, headers);
      }
    };
  }

  @BeforeEach
  void startReplicas() throws Exception {
    first =
        TestServer.loopback(
            List.of("github"), InsecureServerCredentials.create(), counting(callsOnFirst));
    second =
        TestServer.loopback(
            List.of("github"), InsecureServerCredentials.create(), counting(callsOnSecond));
    List<EquivalentAddressGroup> addresses =
        List.of(first, second).stream()
            .map(server -> HostAndPort.fromString(server.target()))
            .map(
                hp -> new EquivalentAddressGroup(new InetSocketAddress(hp.getHost(), hp.getPort())))
            .toList();
    resolver = new FixedResolverProvider(addresses);
    NameResolverRegistry.getDefaultRegistry().register(resolver);
  }

  @AfterEach
  void stopReplicas() throws Exception {
    NameResolverRegistry.getDefaultRegistry().deregister(resolver);
    first.close();
    second.close();
  }

  private SocialCheckSettings.Builder settings() {
    return SocialCheckSettings.newBuilder()
        .setTarget(SCHEME + ":///socialcheck")
        .setPlaintext(true);
  }

  @Test
  void roundRobin_spreadsCallsOverEveryReplica() {
    try (SocialCheckClient client =
        SocialCheckClient.create(settings().setLoadBalancingPolicy("round_robin").build())) {
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                client.listPlatforms().get(10, TimeUnit.SECONDS);
                assertThat(callsOnFirst).as("calls on the first replica").hasPositiveValue();
                assertThat(callsOnSecond).as("calls on the second replica").hasPositiveValue();
              });
    }
  }

  @Test
  void byDefault_everyCallGoesToOneReplica() throws Exception {
    try (SocialCheckClient client = SocialCheckClient.create(settings().build())) {
      for (int i = 0; i < 20; i++) {
        client.listPlatforms().get(10, TimeUnit.SECONDS);
      }
    }

    assertThat(List.of(callsOnFirst.get(), callsOnSecond.get()))
        .as("pick_first: one connection, to the first address")
        .containsExactly(20, 0);
  }

  @Test
  void unknownPolicy_isRefusedAtOnce() {
    assertThatThrownBy(() -> settings().setLoadBalancingPolicy("fastest_first"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown load-balancing policy 'fastest_first'");
  }

  /** Resolves every name of {@link #SCHEME} to the same addresses. */
  private static final class FixedResolverProvider extends NameResolverProvider {
    private final List<EquivalentAddressGroup> addresses;

    FixedResolverProvider(List<EquivalentAddressGroup> addresses) {
      this.addresses = addresses;
    }

    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 5;
    }

    @Override
    public String getDefaultScheme() {
      return SCHEME;
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
      if (!SCHEME.equals(targetUri.getScheme())) {
        return null;
      }
      return new NameResolver() {
        @Override
        public String getServiceAuthority() {
          return "socialcheck";
        }

        @Override
        public void start(Listener2 listener) {
          listener.onResult(
              ResolutionResult.newBuilder()
                  .setAddressesOrError(StatusOr.fromValue(addresses))
                  .build());
        }

        @Override
        public void shutdown() {}
      };
    }
  }
}
