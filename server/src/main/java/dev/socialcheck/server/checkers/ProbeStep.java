package dev.socialcheck.server.checkers;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request a probe makes before its deciding request, for what that request must carry: a token
 * from a page, a cookie, a header. Its rules (optional) can end the check early, e.g. a 429 on the
 * token page is {@code RATE_LIMITED}; a value it cannot extract ends the check as {@code ERROR}.
 *
 * @param name for details and fixtures ({@code "step join: csrf not found"})
 * @param request what to send
 * @param extract values to extract from the answer, by the name later templates use
 * @param rules first match ends the check with its result; no match: go on
 */
public record ProbeStep(
    String name, ProbeRequest request, Map<String, Extractor> extract, List<ResponseRule> rules) {

  public ProbeStep {
    requireNonNull(name, "name");
    requireNonNull(request, "request");
    extract = Collections.unmodifiableMap(new LinkedHashMap<>(extract));
    rules = List.copyOf(rules);
  }
}
