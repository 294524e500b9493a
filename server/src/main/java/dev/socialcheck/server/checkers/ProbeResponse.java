package dev.socialcheck.server.checkers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a platform answered: status, headers and at most a bounded prefix of the body. The body is
 * decoded and parsed as JSON on first use only. Used by one check at a time.
 */
public final class ProbeResponse {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int status;
  private final HttpHeaders headers;
  private final byte[] body;
  private final boolean truncated;
  private @Nullable String text;
  private Optional<JsonNode> json = Optional.empty();
  private boolean jsonRead;

  /**
   * @param body the bytes read (at most the platform's limit)
   * @param truncated whether the body was longer than the limit and only a prefix was read
   */
  public ProbeResponse(int status, HttpHeaders headers, byte[] body, boolean truncated) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.truncated = truncated;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The response headers. */
  public HttpHeaders headers() {
    return headers;
  }

  /** The body bytes read. */
  public byte[] body() {
    return body.clone();
  }

  /** Whether the body was longer than the platform's limit and only a prefix was read. */
  public boolean truncated() {
    return truncated;
  }

  /** The body read so far, decoded as UTF-8 (invalid bytes replaced). */
  String text() {
    if (text == null) {
      text = new String(body, StandardCharsets.UTF_8);
    }
    return text;
  }

  /**
   * The body as JSON; empty if it is not complete JSON, or if the platform labelled it HTML (a
   * challenge page is never read as an answer document).
   */
  Optional<JsonNode> json() {
    if (!jsonRead) {
      json = parseJson();
      jsonRead = true;
    }
    return json;
  }

  private Optional<JsonNode> parseJson() {
    if (truncated || body.length == 0 || isHtml()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(body));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private boolean isHtml() {
    return headers
        .firstValue("Content-Type")
        .map(type -> type.toLowerCase(Locale.ROOT).contains("html"))
        .orElse(false);
  }
}
