package dev.socialcheck.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.base.Splitter;
import dev.socialcheck.bench.PlatformFleet.Protocol;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loopback fleet speaks each protocol it claims, answers honestly, and counts what it saw. */
class PlatformFleetTest {
  private static final FleetCertificate CERTIFICATE = FleetCertificate.create();
  private static ExecutorService executor;
  private static HttpClient client;
  private static PlatformFleet fleet;

  @BeforeAll
  static void start() throws Exception {
    executor = Executors.newFixedThreadPool(2);
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .executor(executor)
            .sslContext(CERTIFICATE.trustingContext())
            .build();
    fleet =
        new PlatformFleet(
            new FleetModel(new FleetModel.Latency(1, 1)),
            CERTIFICATE,
            EnumSet.allOf(Protocol.class),
            1,
            100);
  }

  @AfterAll
  static void stop() {
    fleet.close();
    executor.shutdownNow();
  }

  private static URI check(Protocol protocol, String platform, String email) {
    return fleet
        .urls(protocol)
        .get(platform)
        .resolve("check?email=" + URLEncoder.encode(email, UTF_8));
  }

  private static HttpResponse<String> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyProtocol_servesItsHttpVersion_onLoopbackOnly() throws Exception {
    for (Protocol protocol : Protocol.values()) {
      URI uri = check(protocol, "social", "a@bench.example");
      HttpResponse<String> response = get(uri);

      assertThat(uri.getHost()).as("%s host", protocol).isEqualTo("127.0.0.1");
      assertThat(response.statusCode()).as("%s status", protocol).isEqualTo(200);
      assertThat(response.version())
          .as("%s version (the client prefers HTTP/2)", protocol)
          .isEqualTo(
              protocol == Protocol.H2_TLS || protocol == Protocol.H2C
                  ? HttpClient.Version.HTTP_2
                  : HttpClient.Version.HTTP_1_1);
    }
  }

  @Test
  void answers_followTheModel_forFoundAndNotFound() throws Exception {
    int found = 0;
    for (int i = 0; i < 40; i++) {
      String email = "u" + i + "@bench.example";
      String body = get(check(Protocol.H2_TLS, "social", email)).body();
      boolean expected = FleetModel.found("social", email);
      assertThat(body).as("answer for %s", email).contains("\"exists\":" + expected);
      found += expected ? 1 : 0;
    }
    assertThat(found).as("FOUND answers among 40 (share 0.5)").isBetween(5, 35);
  }

  @Test
  void keepAlive_andHttp2_reuseOneConnection_andTlsHandshakesAreCounted() throws Exception {
    for (Protocol protocol : EnumSet.of(Protocol.H1, Protocol.H1_TLS, Protocol.H2_TLS)) {
      get(check(protocol, "video", "warm@bench.example"));
      PlatformFleet.Counters before = fleet.counters();
      for (int i = 0; i < 5; i++) {
        get(check(protocol, "video", "k" + i + "@bench.example"));
      }
      PlatformFleet.Counters delta = fleet.counters().minus(before);

      assertThat(delta.requests()).as("%s requests", protocol).isEqualTo(5);
      assertThat(delta.connections()).as("%s new connections once warm", protocol).isZero();
    }
    PlatformFleet.Counters before = fleet.counters();
    HttpClient fresh =
        HttpClient.newBuilder()
            .executor(executor)
            .sslContext(CERTIFICATE.trustingContext())
            .build();
    fresh.send(
        HttpRequest.newBuilder(check(Protocol.H2_TLS, "shop", "t@bench.example")).build(),
        HttpResponse.BodyHandlers.discarding());
    PlatformFleet.Counters delta = fleet.counters().minus(before);
    assertThat(delta.connections()).as("a new client's connection").isEqualTo(1);
    assertThat(delta.tlsHandshakes()).as("its TLS handshake").isEqualTo(1);
    assertThat(delta.http2Requests()).as("over HTTP/2").isEqualTo(1);
  }

  @Test
  void twoStepPlatform_wantsTheTokenAndCookieOfItsPage() throws Exception {
    URI check = check(Protocol.H2_TLS, "forum", "two@bench.example");
    PlatformFleet.Counters before = fleet.counters();

    HttpResponse<String> bare = get(check);
    HttpResponse<String> page = get(fleet.urls(Protocol.H2_TLS).get("forum").resolve("token"));
    Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
    assertThat(csrf.find()).as("token in the page").isTrue();
    String cookie =
        Splitter.on(';')
            .split(page.headers().firstValue("set-cookie").orElseThrow())
            .iterator()
            .next();
    HttpResponse<String> withToken = get(check, "Cookie", cookie, "X-CSRF-Token", csrf.group(1));
    HttpResponse<String> wrongToken = get(check, "Cookie", cookie, "X-CSRF-Token", "nope");

    assertThat(bare.statusCode()).as("no token").isEqualTo(403);
    assertThat(wrongToken.statusCode()).as("another session's token").isEqualTo(403);
    assertThat(withToken.statusCode()).as("token and cookie").isEqualTo(200);
    assertThat(withToken.body()).contains("\"exists\":");
    assertThat(fleet.counters().minus(before).rejected()).as("rejected checks").isEqualTo(2);
  }

  @Test
  void cancelledRequest_isCountedAsAbandoned() throws Exception {
    try (PlatformFleet slow =
        new PlatformFleet(
            new FleetModel(new FleetModel.Latency(2000, 2000)),
            CERTIFICATE,
            EnumSet.of(Protocol.H2_TLS),
            1,
            100)) {
      URI uri = slow.urls(Protocol.H2_TLS).get("social").resolve("check?email=c%40bench.example");
      CompletableFuture<HttpResponse<Void>> call =
          client.sendAsync(
              HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
      await().atMost(Duration.ofSeconds(10)).until(() -> slow.counters().requests() == 1);

      call.cancel(true);

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(slow.counters().abandoned())
                      .as("the answer found its stream reset")
                      .isEqualTo(1));
    }
  }
}
