package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.Fingerprints;
import dev.socialcheck.server.metrics.ServiceMetrics;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * {@code accessLogSample}: below 1 (the default, 1 in 100), only a share of the successful calls
 * leave an access line, each saying which share; failed calls always do, and metrics count every
 * call.
 */
class AccessLogSampleTest {
  private final FakeChecker checker = new FakeChecker();
  private final Catalog catalog = new Catalog("test", List.of(platform("a", 0.5, checker)));
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger access = (Logger) LoggerFactory.getLogger("socialcheck.access");
  private final Level accessLevel = access.getLevel();

  AccessLogSampleTest() {
    logs.start();
    access.addAppender(logs);
    access.setLevel(Level.INFO);
  }

  @AfterEach
  void detach() {
    access.detachAppender(logs);
    access.setLevel(accessLevel);
  }

  private List<String> accessLines() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void sampleZero_writesNoSuccessfulCall_butEveryFailedOne() throws Exception {
    try (TestServer server =
        new TestServer(catalog, metrics, b -> b.metrics(metrics).accessLogSample(0))) {
      ListenableFuture<HasSocialAccountResponse> ok =
          server
              .future()
              .hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail("a@b.cd").build());
      checker.awaitCall().complete(CheckOutcome.found("yes"));
      ok.get(10, TimeUnit.SECONDS);
      assertThatExceptionOfType(StatusRuntimeException.class)
          .isThrownBy(
              () ->
                  server.blocking().hasSocialAccount(HasSocialAccountRequest.getDefaultInstance()));
      server.awaitPoolIdle();
    }

    assertThat(accessLines())
        .as("access lines")
        .singleElement()
        .asString()
        .startsWith("HasSocialAccount INVALID_ARGUMENT");
    assertThat(metrics.scrape())
        .as("metrics count both calls")
        .contains(
            "socialcheck_rpc_requests_total{code=\"OK\",method=\"HasSocialAccount\","
                + "strategy=\"race\"} 1.0")
        .contains(
            "socialcheck_rpc_requests_total{code=\"INVALID_ARGUMENT\","
                + "method=\"HasSocialAccount\",strategy=\"race\"} 1.0");
  }

  @Test
  void sampleOne_writesEveryCall() throws Exception {
    try (TestServer server =
        new TestServer(catalog, metrics, b -> b.metrics(metrics).accessLogSample(1))) {
      ListenableFuture<HasSocialAccountResponse> ok =
          server
              .future()
              .hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail("a@b.cd").build());
      checker.awaitCall().complete(CheckOutcome.found("yes"));
      ok.get(10, TimeUnit.SECONDS);
      server.awaitPoolIdle();
    }

    assertThat(logs.list)
        .as("access lines")
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.getFormattedMessage()).contains(" OK ");
              assertThat(keys(line))
                  .as("a line that stands for itself")
                  .doesNotContainKey("sample");
            });
  }

  @Test
  void defaultSample_isOneInAHundred() {
    assertThat(SocialCheckServer.DEFAULT_ACCESS_LOG_SAMPLE).isEqualTo(0.01);
    assertThat(ServerSettings.newBuilder().build().accessLogSample())
        .as("the assembly's default")
        .isEqualTo(SocialCheckServer.DEFAULT_ACCESS_LOG_SAMPLE);
  }

  /**
   * A successful call is written when its draw falls under the share, with {@code sample=<share>}
   * so that counts read from the log can be weighted; failed calls never depend on the draw.
   */
  @Test
  void sampledLine_saysItsShare_andOnlyDrawsUnderTheShareAreWritten() throws Exception {
    Deque<Double> draws = new ArrayDeque<>(List.of(0.005, 0.5, 0.0099));
    CallTelemetry telemetry =
        new CallTelemetry(
            null, Ticker.systemTicker(), 0.01, Fingerprints.random(), draws::removeFirst);
    HealthStatusManager health = new HealthStatusManager();
    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(health.getHealthService(), telemetry))
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel);
      for (int i = 0; i < 3; i++) {
        stub.check(HealthCheckRequest.getDefaultInstance());
      }
      assertThatExceptionOfType(StatusRuntimeException.class)
          .isThrownBy(
              () -> stub.check(HealthCheckRequest.newBuilder().setService("nothing").build()));
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    assertThat(draws).as("one draw per successful call, none for the failed one").isEmpty();
    assertThat(logs.list).as("access lines").hasSize(3);
    assertThat(logs.list.get(0).getFormattedMessage()).startsWith("Check OK ");
    assertThat(keys(logs.list.get(0))).containsEntry("sample", 0.01);
    assertThat(logs.list.get(1).getFormattedMessage()).startsWith("Check OK ");
    assertThat(logs.list.get(2).getFormattedMessage()).startsWith("Check NOT_FOUND ");
    assertThat(keys(logs.list.get(2)))
        .as("a failed call stands for itself")
        .doesNotContainKey("sample");
  }

  private static Map<String, Object> keys(ILoggingEvent line) {
    Map<String, Object> keys = new LinkedHashMap<>();
    for (KeyValuePair pair : line.getKeyValuePairs()) {
      keys.put(pair.key, pair.value);
    }
    return keys;
  }
}
