package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** Target 6's lane tells the probe path's errors and wrong answers apart from the rest. */
class OutboundLaneTest {
  private static PlatformResult result(String platform, PlatformStatus status, String detail) {
    return PlatformResult.newBuilder()
        .setPlatform(platform)
        .setStatus(status)
        .setDetail(detail)
        .build();
  }

  @Test
  void countsErrorsAndAnswersThatAreNotTheFleets() {
    Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    LoadGenerator.Lane lane = new OutboundProbeTarget().lane("race", outcomes);
    HasSocialAccountRequest request = lane.requests.apply(7);
    String email = request.getEmail();
    boolean socialFound = FleetModel.found("social", email);
    boolean videoFound = FleetModel.found("video", email);
    HasSocialAccountResponse response =
        HasSocialAccountResponse.newBuilder()
            .addResults(result("social", status(socialFound), "right"))
            .addResults(result("video", status(!videoFound), "wrong on purpose"))
            .addResults(result("shop", PlatformStatus.PLATFORM_STATUS_CANCELLED, "cancelled"))
            .addResults(result("forum", PlatformStatus.PLATFORM_STATUS_ERROR, "I/O error: X"))
            .build();

    lane.record(request, response, true, 1_000_000);

    assertThat(outcomes.keySet())
        .containsExactlyInAnyOrder("WRONG ANSWER: video", "ERROR: I/O error: X");
  }

  private static PlatformStatus status(boolean found) {
    return found ? PlatformStatus.PLATFORM_STATUS_FOUND : PlatformStatus.PLATFORM_STATUS_NOT_FOUND;
  }
}
