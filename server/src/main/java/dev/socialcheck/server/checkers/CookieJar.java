package dev.socialcheck.server.checkers;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The cookies of one check: what the platform set at any step or redirect is sent back on the
 * following requests (domain, path and {@code Secure} rules as in {@link CookieManager}). One jar
 * per check, never shared between checks, platforms or callers.
 */
public final class CookieJar {
  /**
   * Made with the first {@code Set-Cookie}: most probes never see one, and a manager (with its
   * store, lock and lists) per probe, asked on every request, cost more than the probe's own code.
   */
  private @Nullable CookieManager cookies;

  /** Stores the {@code Set-Cookie} headers of an answer from {@code uri}. */
  void store(URI uri, Map<String, List<String>> responseHeaders) {
    CookieManager manager = cookies;
    if (manager == null) {
      if (!setsCookies(responseHeaders)) {
        return;
      }
      manager = new CookieManager(null, CookiePolicy.ACCEPT_ORIGINAL_SERVER);
      cookies = manager;
    }
    try {
      manager.put(uri, responseHeaders);
    } catch (IOException e) {
      // CookieManager.put does not do I/O; a malformed Set-Cookie is skipped by it.
    }
  }

  /** Whether the headers hold what {@link CookieManager#put} reads (names in any case). */
  private static boolean setsCookies(Map<String, List<String>> headers) {
    for (String name : headers.keySet()) {
      if (name != null
          && (name.equalsIgnoreCase("Set-Cookie") || name.equalsIgnoreCase("Set-Cookie2"))) {
        return true;
      }
    }
    return false;
  }

  /** The {@code Cookie} header value for a request to {@code uri}, if any cookie applies. */
  Optional<String> header(URI uri) {
    CookieManager cookies = this.cookies;
    if (cookies == null) {
      return Optional.empty();
    }
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
    CookieManager cookies = this.cookies;
    if (cookies == null) {
      return Optional.empty();
    }
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue)
        .filter(v -> !v.isEmpty())
        .findFirst();
  }

  /** Every cookie value set during the check (for redacting fixtures). */
  public List<String> values() {
    CookieManager cookies = this.cookies;
    if (cookies == null) {
      return List.of();
    }
    return cookies.getCookieStore().getCookies().stream().map(HttpCookie::getValue).toList();
  }
}
