package dev.socialcheck.server.checkers;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request as a probe sends it: templates expanded, cookies added.
 *
 * @param method HTTP method
 * @param uri where to
 * @param headers header values by name, in the order sent
 * @param body the body bytes (empty: none)
 * @param timeout how long to wait for the answer's headers
 */
@SuppressWarnings("ArrayRecordComponent") // handed to a transport, never compared or hashed
public record OutgoingRequest(
    String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {

  public OutgoingRequest {
    requireNonNull(method, "method");
    requireNonNull(uri, "uri");
    requireNonNull(timeout, "timeout");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body = body.clone();
  }

  /** The body bytes. */
  @Override
  public byte[] body() {
    return body.clone();
  }
}
