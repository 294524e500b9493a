package dev.socialcheck.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * Adds {@code authorization: Bearer <token>} to every call, and refuses to do so on a transport
 * without privacy and integrity unless allowed: the call then fails with {@code UNAUTHENTICATED}
 * and the token never leaves the process. This second check matters for borrowed channels, whose
 * security {@link SocialCheckSettings.Builder#build()} cannot see.
 */
final class BearerTokenCredentials extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String token;
  private final boolean allowInsecure;

  BearerTokenCredentials(String token, boolean allowInsecure) {
    this.token = token;
    this.allowInsecure = allowInsecure;
  }

  @Override
  public void applyRequestMetadata(
      RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    if (!allowInsecure && requestInfo.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
      applier.fail(
          Status.UNAUTHENTICATED.withDescription(
              "refusing to send the bearer token over a connection without privacy and integrity"
                  + " (security level "
                  + requestInfo.getSecurityLevel()
                  + "); use TLS, or SocialCheckSettings.Builder.setAllowBearerTokenOverPlaintext"));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    applier.apply(headers);
  }

  @Override
  public String toString() {
    return "BearerTokenCredentials{token=<redacted>}";
  }
}
