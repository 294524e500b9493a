package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A small run of target "screen": both ways answer every address, and the heap probe reads. */
class ScreenTargetSmokeTest {
  private static final int ITEMS = 2_000;

  @Test
  void inProcess_streamAndUnary_answerEveryAddress() throws Exception {
    try (ScreenTarget.Target target = new ScreenTarget.Target("in-process")) {
      ScreenTarget.Run stream = ScreenTarget.screen(target.channel, ITEMS);
      ScreenTarget.Run unary = ScreenTarget.unary(target.channel, ITEMS);

      assertThat(stream.items()).as("items answered by the stream").isEqualTo(ITEMS);
      assertThat(stream.errors()).as("item errors").isZero();
      assertThat(unary.errors()).as("unary errors").isZero();
      assertThat(target.server.checkManyStats().peakItemsHeldByOneStream())
          .as("items the stream held at once")
          .isLessThanOrEqualTo(ScreenTarget.CONCURRENCY);
      assertThat(ScreenTarget.liveHeapNearTheEnd(target.channel, ITEMS))
          .as("live heap read")
          .isPositive();
    }
  }

  @Test
  void netty_streamAnswersEveryAddress() throws Exception {
    try (ScreenTarget.Target target = new ScreenTarget.Target("netty")) {
      assertThat(ScreenTarget.screen(target.channel, ITEMS).items())
          .as("items answered over loopback")
          .isEqualTo(ITEMS);
    }
  }
}
