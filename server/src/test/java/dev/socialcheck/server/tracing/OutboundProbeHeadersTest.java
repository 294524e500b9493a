package dev.socialcheck.server.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.InMemoryTracing;
import dev.socialcheck.server.testing.ProbeFixture;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outbound probes never carry trace context: a platform must not learn our trace ids (nor be able
 * to join its logs with ours), whatever is current when the check runs.
 */
class OutboundProbeHeadersTest {
  @RegisterExtension
  static final WireMockExtension platform =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static final List<String> TRACE_HEADERS =
      List.of(
          "traceparent",
          "tracestate",
          "baggage",
          "grpc-trace-bin",
          "b3",
          "x-b3-traceid",
          "uber-trace-id",
          "x-cloud-trace-context");

  private final ProbeFixture fixture = new ProbeFixture();
  private final InMemoryTracing spans = new InMemoryTracing();

  @AfterEach
  void tearDown() {
    fixture.close();
    spans.close();
  }

  @Test
  @SuppressWarnings("try") // the scope only makes the caller's span current
  void httpProbe_underAnActiveTrace_sendsNoTraceHeaders() throws Exception {
    platform.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(404)));
    Platform probe =
        fixture.platform(
            """
            id: fake
            name: Fake
            prior: 0.5
            kind: api
            request:
              url: "%s/users/{email_sha256}"
            rules:
              - {status: 200, result: FOUND}
              - {status: 404, result: NOT_FOUND}
            """
                .formatted(platform.baseUrl()));
    var scheduler = CheckEngine.newScheduler();
    try {
      CheckEngine engine =
          new CheckEngine(
              scheduler,
              com.google.common.base.Ticker.systemTicker(),
              Tracing.using(spans.sdk()).observer());
      Span caller = spans.sdk().getTracer("test").spanBuilder("caller").startSpan();
      CheckReport report;
      try (Scope scope = caller.makeCurrent()) {
        report =
            engine
                .run(
                    CheckRequest.builder(EmailAddress.parse("user@email.com"), List.of(probe))
                        .build())
                .get(30, TimeUnit.SECONDS);
      } finally {
        caller.end();
      }

      assertThat(report.results().get(0).status()).isEqualTo(CheckStatus.NOT_FOUND);
      assertThat(spans.require("check fake").getParentSpanId())
          .as("the check was traced, under the caller's span")
          .isEqualTo(caller.getSpanContext().getSpanId());
      List<LoggedRequest> sent = platform.findAll(anyRequestedFor(anyUrl()));
      assertThat(sent).as("requests the platform received").hasSize(1);
      List<String> headerNames =
          sent.get(0).getHeaders().keys().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
      assertThat(headerNames)
          .as("headers sent to the platform")
          .doesNotContainAnyElementsOf(TRACE_HEADERS);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
