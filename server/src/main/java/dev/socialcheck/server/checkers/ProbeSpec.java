package dev.socialcheck.server.checkers;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How to ask one platform about an address, and how to read its answer: optional steps that fetch
 * what the deciding request must carry (a token, a cookie), then the deciding request and its
 * rules. The steps and the request share one cookie jar and the check's timeout.
 *
 * @param platformId the platform's id (for fixtures and recording)
 * @param userAgent the platform's own {@code User-Agent}, or {@code null} for the catalog default
 * @param steps requests made before {@code request}, in order
 * @param request the deciding request
 * @param blockedWhen challenge-page fingerprints, checked on every answer before any other rule; a
 *     match is {@code BLOCKED}
 * @param rules answer rules of the deciding request, first match wins; no match means {@code ERROR}
 * @param maxBodyBytes how much of a body to read at most
 */
public record ProbeSpec(
    String platformId,
    @Nullable String userAgent,
    List<ProbeStep> steps,
    ProbeRequest request,
    List<ResponseRule> blockedWhen,
    List<ResponseRule> rules,
    int maxBodyBytes) {

  /** Redirects followed at most per request. */
  public static final int MAX_REDIRECTS = 3;

  /** Default cap on the body bytes read. */
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

  public ProbeSpec {
    requireNonNull(platformId, "platformId");
    requireNonNull(request, "request");
    steps = List.copyOf(steps);
    blockedWhen = List.copyOf(blockedWhen);
    rules = List.copyOf(rules);
    checkArgument(!rules.isEmpty(), "a probe needs at least one rule");
    checkArgument(maxBodyBytes > 0, "maxBodyBytes must be positive");
  }
}
