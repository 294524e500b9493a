package dev.socialcheck.server.grpc;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.socialcheck.server.testing.ProbeFixture;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.Verdict;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A race through the gRPC server where the platforms are fake HTTP servers on 127.0.0.1. */
class HttpPlatformsEndToEndTest {
  @RegisterExtension
  static final WireMockExtension platforms =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  @Test
  void race_overHttpPlatforms_answersWithTheFastFound_andCancelsTheSlowOne() throws Exception {
    platforms.stubFor(
        get(urlPathMatching("/slow/.*"))
            .willReturn(aResponse().withStatus(200).withFixedDelay(10_000)));
    platforms.stubFor(
        get(urlPathMatching("/fast/.*"))
            .willReturn(aResponse().withStatus(200).withFixedDelay(50)));
    platforms.stubFor(get(urlPathMatching("/broken/.*")).willReturn(aResponse().withStatus(500)));
    String base = platforms.baseUrl();
    try (ProbeFixture fixture = new ProbeFixture();
        TestServer server =
            new TestServer(
                fixture.catalog(
                    """
                    platforms:
                      - {id: slow, name: Slow, prior: 0.9, kind: api, timeout: 30s,
                         request: {url: "%1$s/slow/{email_sha256}"}, rules: [{status: 200, result: FOUND}]}
                      - {id: broken, name: Broken, prior: 0.5, kind: api,
                         request: {url: "%1$s/broken/{email_sha256}"}, rules: [{status: 200, result: FOUND}]}
                      - {id: fast, name: Fast, prior: 0.1, kind: api,
                         request: {url: "%1$s/fast/{email_sha256}"}, rules: [{status: 200, result: FOUND}]}
                    """
                        .formatted(base)))) {
      HasSocialAccountResponse response =
          server
              .blocking()
              .withDeadlineAfter(20, TimeUnit.SECONDS)
              .hasSocialAccount(
                  HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build());

      assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
      assertThat(response.getFoundOn()).isEqualTo("fast");
      assertThat(response.getResultsList())
          .extracting(PlatformResult::getPlatform, PlatformResult::getStatus)
          .containsExactly(
              Tuple.tuple("slow", PlatformStatus.PLATFORM_STATUS_CANCELLED),
              Tuple.tuple("broken", PlatformStatus.PLATFORM_STATUS_ERROR),
              Tuple.tuple("fast", PlatformStatus.PLATFORM_STATUS_FOUND));
      assertThat(response.getResults(1).getDetail()).isEqualTo("unexpected answer: HTTP 500");
      assertThat(server.engine.stats().checksCancelled()).isEqualTo(1);
    }
  }
}
