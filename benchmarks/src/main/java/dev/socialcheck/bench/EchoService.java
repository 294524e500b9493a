package dev.socialcheck.bench;

import com.google.protobuf.Duration;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Verdict;
import io.grpc.stub.StreamObserver;

/**
 * The baseline: the same method with the same messages, answered at once with a canned response
 * shaped like the engine's answer over the 3 instant platforms (same fields, same ids, same
 * details; the driver compares the sizes it receives). No validation, no engine, no executor hop.
 */
final class EchoService extends SocialAccountServiceGrpc.SocialAccountServiceImplBase {
  static final HasSocialAccountResponse CANNED = canned();

  private static HasSocialAccountResponse canned() {
    HasSocialAccountResponse.Builder response =
        HasSocialAccountResponse.newBuilder()
            .setVerdict(Verdict.VERDICT_NOT_FOUND)
            .setHasAccount(false)
            .setElapsed(Duration.newBuilder().setNanos(123_456));
    for (String id : BenchCatalogs.DEMO_IDS) {
      response.addResults(
          PlatformResult.newBuilder()
              .setPlatform(id)
              .setStatus(PlatformStatus.PLATFORM_STATUS_NOT_FOUND)
              .setLatency(Duration.newBuilder().setNanos(45_678))
              .setDetail("instant: no account"));
    }
    return response.build();
  }

  @Override
  public void hasSocialAccount(
      HasSocialAccountRequest request, StreamObserver<HasSocialAccountResponse> responseObserver) {
    responseObserver.onNext(CANNED);
    responseObserver.onCompleted();
  }
}
