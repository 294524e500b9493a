package dev.socialcheck.server.checkers;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request of a probe (a step's or the deciding one), as the catalog declares it.
 *
 * @param method HTTP method
 * @param url URL template; values land percent-encoded
 * @param headers header templates, in catalog order (secrets from the environment already resolved)
 * @param body what to send
 * @param followRedirects whether 3xx answers are followed (at most {@link ProbeSpec#MAX_REDIRECTS})
 *     before the rules see the answer
 */
public record ProbeRequest(
    String method,
    ProbeTemplate url,
    Map<String, ProbeTemplate> headers,
    ProbeBody body,
    boolean followRedirects) {

  public ProbeRequest {
    requireNonNull(method, "method");
    requireNonNull(url, "url");
    requireNonNull(body, "body");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** The {@code Content-Type} to send: the declared header, else what the body implies. */
  java.util.Optional<String> contentType() {
    for (Map.Entry<String, ProbeTemplate> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase("Content-Type")) {
        return java.util.Optional.of(header.getValue().toString());
      }
    }
    return body.defaultContentType();
  }
}
