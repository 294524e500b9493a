package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CookieJarTest {
  private static final URI PLATFORM = URI.create("https://platform.example/signup");

  @Test
  void anAnswerWithoutCookiesLeavesTheJarEmpty() {
    CookieJar jar = new CookieJar();
    jar.store(PLATFORM, Map.of("content-type", List.of("text/html")));

    assertThat(jar.header(PLATFORM)).isEmpty();
    assertThat(jar.value("sid")).isEmpty();
    assertThat(jar.values()).isEmpty();
  }

  @Test
  void http2sLowerCaseSetCookieIsKeptAndSentBack() {
    CookieJar jar = new CookieJar();
    jar.store(PLATFORM, Map.of("set-cookie", List.of("sid=s-1; Path=/")));

    assertThat(jar.header(URI.create("https://platform.example/check"))).contains("sid=s-1");
    assertThat(jar.value("sid")).contains("s-1");
    assertThat(jar.values()).containsExactly("s-1");
  }

  @Test
  void cookiesStayWithTheirHostAndLaterAnswersAddToThem() {
    CookieJar jar = new CookieJar();
    jar.store(PLATFORM, Map.of("Set-Cookie", List.of("sid=s-1; Path=/")));
    jar.store(PLATFORM, Map.of("Set-Cookie", List.of("csrf=c-2; Path=/")));

    assertThat(jar.header(URI.create("https://other.example/"))).isEmpty();
    assertThat(jar.header(PLATFORM).orElseThrow()).contains("sid=s-1").contains("csrf=c-2");
  }
}
