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
 * @param query query parameters appended to the URL, each name and value form-encoded as a whole
 *     (so a JSON document can go into a parameter)
 * @param headers header templates, in catalog order (secrets from the environment already resolved)
 * @param body what to send
 * @param followRedirects whether 3xx answers are followed (at most {@link ProbeSpec#MAX_REDIRECTS})
 *     before the rules see the answer
 */
public record ProbeRequest(
    String method,
    ProbeTemplate url,
    Map<String, ProbeTemplate> query,
    Map<String, ProbeTemplate> headers,
    ProbeBody body,
    boolean followRedirects) {

  public ProbeRequest {
    requireNonNull(method, "method");
    requireNonNull(url, "url");
    requireNonNull(body, "body");
    query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** The URL for one check: the template expanded, then the query parameters appended. */
  String url(ProbeValues values) {
    String url = this.url.expand(values, ProbeTemplate.Encoding.URL);
    if (query.isEmpty()) {
      return url;
    }
    StringBuilder out = new StringBuilder(url);
    char separator = url.indexOf('?') < 0 ? '?' : '&';
    for (Map.Entry<String, ProbeTemplate> parameter : query.entrySet()) {
      out.append(separator)
          .append(
              java.net.URLEncoder.encode(
                  parameter.getKey(), java.nio.charset.StandardCharsets.UTF_8))
          .append('=')
          .append(
              java.net.URLEncoder.encode(
                  parameter.getValue().expand(values, ProbeTemplate.Encoding.RAW),
                  java.nio.charset.StandardCharsets.UTF_8));
      separator = '&';
    }
    return out.toString();
  }
}
