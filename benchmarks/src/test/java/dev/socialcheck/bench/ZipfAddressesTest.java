package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ZipfAddressesTest {
  private final ZipfAddresses zipf = new ZipfAddresses(10_000, 1.0, 42);

  @Test
  void address_sameIndex_sameAddress_inAnyOrder() {
    ZipfAddresses again = new ZipfAddresses(10_000, 1.0, 42);

    assertThat(again.address(123)).as("same seed, same index").isEqualTo(zipf.address(123));
    assertThat(IntStream.range(0, 1000).map(i -> zipf.rank(i)))
        .as("ranks within the population")
        .allMatch(k -> k >= 1 && k <= 10_000);
  }

  @Test
  void rank_followsTheZipfProbabilities() {
    int draws = 200_000;
    long top = IntStream.range(0, draws).filter(i -> zipf.rank(i) == 1).count();
    long second = IntStream.range(0, draws).filter(i -> zipf.rank(i) == 2).count();

    // 1 / H(10,000) = 0.1020; rank 2 has half of it at exponent 1.
    assertThat(zipf.probability(1)).as("P(rank 1)").isCloseTo(0.1020, within(0.0005));
    assertThat(top / (double) draws).as("share of rank 1").isCloseTo(0.1020, within(0.004));
    assertThat(second / (double) draws).as("share of rank 2").isCloseTo(0.0510, within(0.003));
  }
}
