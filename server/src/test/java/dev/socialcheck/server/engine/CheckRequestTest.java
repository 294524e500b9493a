package dev.socialcheck.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.Futures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckRequestTest {
  private static final EmailAddress EMAIL = EmailAddress.parse("someone@example.com");

  private static List<Platform> platforms(int count) {
    List<Platform> platforms = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      platforms.add(
          new Platform(
              "p" + i,
              "P" + i,
              0.5,
              Duration.ofSeconds(1),
              (email, context) -> Futures.immediateFuture(CheckOutcome.notFound("test"))));
    }
    return platforms;
  }

  /** Short lists are compared pairwise, long ones through a set: both refuse a repeated id. */
  @ParameterizedTest
  @ValueSource(ints = {2, 3, 32, 33, 80})
  void aPlatformListedTwice_isRefused_whateverTheListsLength(int count) {
    List<Platform> listed = platforms(count);
    assertThat(CheckRequest.builder(EMAIL, listed).build().platforms()).hasSize(count);

    List<Platform> twice = new ArrayList<>(listed);
    twice.set(count - 1, listed.get(0));

    assertThatThrownBy(() -> CheckRequest.builder(EMAIL, twice).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("platform p0 listed twice");
  }

  @Test
  void oneOrNoPlatform() {
    assertThat(CheckRequest.builder(EMAIL, platforms(1)).build().platforms()).hasSize(1);
    assertThatThrownBy(() -> CheckRequest.builder(EMAIL, List.of()).build())
        .hasMessage("at least one platform is required");
  }
}
