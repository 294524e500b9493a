package dev.socialcheck.server.checkers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a platform answered: status, headers and at most a bounded prefix of the body. The body is
 * parsed as JSON on first use only.
 */
final class ProbeResponse {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int status;
  private final HttpHeaders headers;
  private final byte[] body;
  private final boolean truncated;
  private @Nullable String text;
  private @Nullable Optional<JsonNode> json;

  ProbeResponse(int status, HttpHeaders headers, byte[] body, boolean truncated) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.truncated = truncated;
  }

  int status() {
    return status;
  }

  HttpHeaders headers() {
    return headers;
  }

  /** Whether the body was longer than the platform's limit and only a prefix was read. */
  boolean truncated() {
    return truncated;
  }

  /** The body read so far, decoded as UTF-8 (invalid bytes replaced). */
  String text() {
    if (text == null) {
      text = new String(body, StandardCharsets.UTF_8);
    }
    return text;
  }

  /** The body as JSON; empty if it is not (complete) JSON. */
  Optional<JsonNode> json() {
    if (json == null) {
      json = parseJson();
    }
    return json;
  }

  private Optional<JsonNode> parseJson() {
    if (truncated || body.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(body));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
