package dev.socialcheck.server.grpc;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.Hashing;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Requires {@code authorization: Bearer <token>} with one of the configured tokens. Tokens are kept
 * as SHA-256 digests and compared in constant time ({@link MessageDigest#isEqual}) against every
 * known token, so neither the token's content nor its length leaks through timing. A missing or
 * wrong token ends the call with {@code UNAUTHENTICATED} and no detail. The matching token's name
 * becomes the caller's identity (access log, per-caller rate limit).
 */
final class BearerTokenAuthenticator implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final List<Map.Entry<String, byte[]>> digests;

  /**
   * @param tokens caller name to token
   */
  BearerTokenAuthenticator(Map<String, String> tokens) {
    this.digests =
        tokens.entrySet().stream().map(e -> Map.entry(e.getKey(), digest(e.getValue()))).toList();
  }

  private static byte[] digest(String token) {
    return Hashing.sha256().hashString(token, UTF_8).asBytes();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String caller = authenticate(headers.get(AUTHORIZATION));
    if (caller == null) {
      call.close(
          Status.UNAUTHENTICATED.withDescription("missing or invalid bearer token"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    CallInfo info = CallInfo.current();
    if (info != null) {
      info.setCaller(caller);
    }
    return next.startCall(call, headers);
  }

  private @Nullable String authenticate(@Nullable String header) {
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    byte[] presented = digest(header.substring(7).trim());
    String match = null;
    for (Map.Entry<String, byte[]> known : digests) {
      // No early exit: the time taken does not depend on which token matched, or whether any did.
      if (MessageDigest.isEqual(presented, known.getValue())) {
        match = known.getKey();
      }
    }
    return match;
  }
}
