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
      assertThat(response.getResults(0).getPlatform()).isEqualTo("slow");
      assertThat(response.getResults(0).getStatus())
          .isEqualTo(PlatformStatus.PLATFORM_STATUS_CANCELLED);
      assertThat(response.getResults(2).getPlatform()).isEqualTo("fast");
      assertThat(response.getResults(2).getStatus())
          .isEqualTo(PlatformStatus.PLATFORM_STATUS_FOUND);
      // "broken" answers 500 at once, and usually before "fast" (50 ms): then it is an ERROR with
      // the status in the detail. On a loaded machine "fast" can win first, and "broken" is
      // cancelled like "slow": which one happens is the machine's, not the server's, doing.
      PlatformResult broken = response.getResults(1);
      assertThat(broken.getPlatform()).isEqualTo("broken");
      if (broken.getStatus() == PlatformStatus.PLATFORM_STATUS_ERROR) {
        assertThat(broken.getDetail()).isEqualTo("unexpected answer: HTTP 500");
        assertThat(server.engine.stats().checksCancelled()).isEqualTo(1);
      } else {
        assertThat(broken.getStatus()).isEqualTo(PlatformStatus.PLATFORM_STATUS_CANCELLED);
        assertThat(server.engine.stats().checksCancelled()).isEqualTo(2);
      }
    }
  }
}
