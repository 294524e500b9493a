package dev.socialcheck.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A stream of addresses drawn from a fixed population with Zipf-distributed popularity: the address
 * of rank {@code k} (1 = most popular) is requested with probability proportional to {@code 1 /
 * k^exponent}. Sampled by inverse CDF (binary search over the cumulative weights).
 *
 * <p>Deterministic: the address of request {@code i} depends only on the seed, the population, the
 * exponent and {@code i}, so every lane (and the model) sees the same sequence.
 */
final class ZipfAddresses {
  private final int population;
  private final double exponent;
  private final long seed;

  /** cumulative[k - 1] = P(rank <= k). */
  private final double[] cumulative;

  ZipfAddresses(int population, double exponent, long seed) {
    if (population < 1) {
      throw new IllegalArgumentException("population must be positive: " + population);
    }
    if (!(exponent > 0)) {
      throw new IllegalArgumentException("exponent must be positive: " + exponent);
    }
    this.population = population;
    this.exponent = exponent;
    this.seed = seed;
    this.cumulative = new double[population];
    double sum = 0;
    for (int k = 1; k <= population; k++) {
      sum += Math.pow(k, -exponent);
      cumulative[k - 1] = sum;
    }
    for (int k = 0; k < population; k++) {
      cumulative[k] /= sum;
    }
    cumulative[population - 1] = 1.0;
  }

  int population() {
    return population;
  }

  double exponent() {
    return exponent;
  }

  /** Probability of the address of rank {@code k} (1-based). */
  double probability(int k) {
    return cumulative[k - 1] - (k == 1 ? 0 : cumulative[k - 2]);
  }

  /** Rank (1 = most popular) of request {@code i}. */
  int rank(long i) {
    // A fresh generator per index: any request can be drawn alone, in any order.
    double u = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i).nextDouble();
    int at = Arrays.binarySearch(cumulative, u);
    // u is in [0, 1): the first rank whose cumulative probability exceeds u.
    int index = at >= 0 ? at + 1 : -at - 1;
    return Math.min(index, population - 1) + 1;
  }

  /** The address of rank {@code k}. */
  static String addressOfRank(int k) {
    return "z" + k + "@zipf.example";
  }

  /** The address of request {@code i}. */
  String address(long i) {
    return addressOfRank(rank(i));
  }
}
