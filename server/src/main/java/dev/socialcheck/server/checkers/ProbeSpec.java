package dev.socialcheck.server.checkers;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How to ask one platform about an address, and how to read its answer.
 *
 * @param method HTTP method ({@code GET}, {@code POST}, ...)
 * @param url URL template; only URL-safe placeholders
 * @param headers request headers (values final: secrets from the environment already resolved)
 * @param body body template, or {@code null} for none
 * @param rules answer rules, first match wins; no match means {@code ERROR}
 * @param followRedirects whether to follow 3xx answers (at most {@link #MAX_REDIRECTS}) before the
 *     rules see them
 * @param maxBodyBytes how much of a body to read at most
 */
public record ProbeSpec(
    String method,
    EmailTemplate url,
    Map<String, String> headers,
    @Nullable EmailTemplate body,
    List<ResponseRule> rules,
    boolean followRedirects,
    int maxBodyBytes) {

  /** Redirects followed at most per check. */
  public static final int MAX_REDIRECTS = 3;

  /** Default cap on the body bytes read. */
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

  public ProbeSpec {
    requireNonNull(method, "method");
    requireNonNull(url, "url");
    headers = Map.copyOf(headers);
    rules = List.copyOf(rules);
    checkArgument(!rules.isEmpty(), "a probe needs at least one rule");
    checkArgument(maxBodyBytes > 0, "maxBodyBytes must be positive");
    for (String placeholder : url.placeholders()) {
      checkArgument(
          EmailTemplate.URL_SAFE.contains(placeholder),
          "the URL may only use {email_urlencoded}, {email_sha256} or {email_md5}, not {%s}",
          placeholder);
    }
  }
}
