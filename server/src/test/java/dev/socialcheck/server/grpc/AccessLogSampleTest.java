package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.metrics.ServiceMetrics;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code accessLogSample}: below 1, only a share of the successful calls leave an access line;
 * failed calls always do, and metrics count every call.
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
  void defaultSample_writesEveryCall() throws Exception {
    try (TestServer server = new TestServer(catalog, metrics, b -> b.metrics(metrics))) {
      ListenableFuture<HasSocialAccountResponse> ok =
          server
              .future()
              .hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail("a@b.cd").build());
      checker.awaitCall().complete(CheckOutcome.found("yes"));
      ok.get(10, TimeUnit.SECONDS);
      server.awaitPoolIdle();
    }

    assertThat(accessLines()).as("access lines").singleElement().asString().contains(" OK ");
  }
}
