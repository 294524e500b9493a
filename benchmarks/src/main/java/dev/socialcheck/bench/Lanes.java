package dev.socialcheck.bench;

import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.Strategy;

/** Request streams more than one target sends. */
final class Lanes {
  private Lanes() {}

  /** RACE over the server's platforms, a new address per call ({@code u<n>@bench.example}). */
  static LoadGenerator.Lane simple(String name) {
    return new LoadGenerator.Lane(
        name,
        n -> HasSocialAccountRequest.newBuilder().setEmail("u" + n + "@bench.example").build(),
        null);
  }

  /**
   * The realistic mix's addresses ({@link MixModel#address}) with this strategy, and this hedge
   * delay when it is not negative.
   */
  static LoadGenerator.Lane mix(String name, Strategy strategy, long hedgeNanos) {
    HasSocialAccountRequest.Builder template =
        HasSocialAccountRequest.newBuilder().setStrategy(strategy);
    if (hedgeNanos >= 0) {
      template.setHedgeDelay(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(hedgeNanos / 1_000_000_000L)
              .setNanos((int) (hedgeNanos % 1_000_000_000L)));
    }
    HasSocialAccountRequest prototype = template.build();
    return new LoadGenerator.Lane(
        name, n -> prototype.toBuilder().setEmail(MixModel.address(n)).build(), null);
  }
}
