package dev.socialcheck.server.checkers;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cookies of one check: what the platform set at any step or redirect is sent back on the
 * following requests (domain, path and {@code Secure} rules as in {@link CookieManager}). One jar
 * per check, never shared between checks, platforms or callers.
 */
public final class CookieJar {
  private final CookieManager cookies =
      new CookieManager(null, CookiePolicy.ACCEPT_ORIGINAL_SERVER);

  /** Stores the {@code Set-Cookie} headers of an answer from {@code uri}. */
  void store(URI uri, Map<String, List<String>> responseHeaders) {
    try {
      cookies.put(uri, responseHeaders);
    } catch (IOException e) {
      // CookieManager.put does not do I/O; a malformed Set-Cookie is skipped by it.
    }
  }

  /** The {@code Cookie} header value for a request to {@code uri}, if any cookie applies. */
  Optional<String> header(URI uri) {
    Map<String, List<String>> header;
    try {
      header = cookies.get(uri, Map.of());
    } catch (IOException e) {
      return Optional.empty();
    }
    List<String> values = header.getOrDefault("Cookie", List.of());
    return values.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", values));
  }

  /** The value of the cookie named {@code name}, if the platform set one. */
  Optional<String> value(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue)
        .filter(v -> !v.isEmpty())
        .findFirst();
  }

  /** Every cookie value set during the check (for redacting fixtures). */
  public List<String> values() {
    return cookies.getCookieStore().getCookies().stream().map(HttpCookie::getValue).toList();
  }
}
