package dev.socialcheck.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Prometheus endpoint of a server process started with {@code --metrics-port 0}: the port
 * is taken from the server's start-up log line ({@code metrics at http://...}). This is how a
 * black-box test sees what happened inside the server, e.g. that its checks were cancelled.
 */
final class ServerMetrics {
  private static final Pattern URL = Pattern.compile("metrics at (http://[0-9.]+:[0-9]+/metrics)");

  private final URI uri;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServerMetrics(URI uri) {
    this.uri = uri;
  }

  /** Finds the endpoint of {@code server} (started with {@code --metrics-port 0}). */
  static ServerMetrics of(ServerProcess server) {
    // JSON logs escape '/' as '\/'.
    Matcher m = URL.matcher(server.output().replace("\\/", "/"));
    assertThat(m.find()).as("metrics URL in the server log:%n%s", server.output()).isTrue();
    return new ServerMetrics(URI.create(m.group(1)));
  }

  /** The whole scrape. */
  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
    return response.body();
  }

  /** The value of one series, e.g. {@code socialcheck_checks_in_flight}; 0 if not exported yet. */
  double value(String series) throws IOException, InterruptedException {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
