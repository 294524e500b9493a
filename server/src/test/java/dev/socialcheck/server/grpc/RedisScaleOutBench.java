package dev.socialcheck.server.grpc;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.socialcheck.server.redis.RedisRateLimiter;
import dev.socialcheck.server.redis.RedisStats;
import dev.socialcheck.server.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scale-out benchmark (opt-in, not part of {@code ./mvnw -B verify}): {@code ./mvnw -B
 * -Pbench-redis -pl server -am test}. Prints a Markdown report and writes it to {@code
 * server/target/bench-redis.md}.
 *
 * <p>Two setups side by side, in one run, on the same request sequence and under the same machine
 * noise (their calls alternate): two replicas with only their local caches, and two replicas
 * sharing one real redis-server (cache, caller quota, platform budgets). Requests are {@code
 * CheckEach} calls over a Zipf mix of addresses (popular addresses come back often), sent in turn
 * to each replica (two by default, {@code -Dbench.replicas}) as a round-robin balancer would; each
 * address is checked on two fake platforms (WireMock, fixed delay). Reported: platform calls (calls
 * saved by sharing), the Redis round trips a replica adds (shared-cache lookup on a local miss,
 * caller-quota decision on every call) and the end-to-end call latency of both setups, p50/p99.
 */
class RedisScaleOutBench {
  private static final int ADDRESSES = Integer.getInteger("bench.addresses", 2000);
  private static final int REQUESTS = Integer.getInteger("bench.requests", 4000);
  private static final double ZIPF_S = Double.parseDouble(System.getProperty("bench.zipf", "1.0"));
  private static final int PLATFORM_DELAY_MS = Integer.getInteger("bench.platformDelayMs", 5);
  private static final int ROUND_TRIPS = Integer.getInteger("bench.roundTrips", 3000);
  private static final int REPLICAS = Integer.getInteger("bench.replicas", 2);
  private static final int WARMUP = 300;

  @Test
  void twoReplicas_localCachesVersusSharedRedis() throws Exception {
    WireMockServer platforms =
        new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    platforms.start();
    platforms.stubFor(
        get(urlPathMatching("/[a-z]+/alpha/.*"))
            .willReturn(aResponse().withStatus(200).withFixedDelay(PLATFORM_DELAY_MS)));
    platforms.stubFor(
        get(urlPathMatching("/[a-z]+/beta/.*"))
            .willReturn(aResponse().withStatus(404).withFixedDelay(PLATFORM_DELAY_MS)));
    String base = platforms.baseUrl();
    Duration timeout = Duration.ofMillis(100); // the production default
    double noLimit = 1_000_000; // the limit is on, so its cost is measured, but never reached
    TestReplica[] local = new TestReplica[REPLICAS];
    TestReplica[] shared = new TestReplica[REPLICAS];
    try (RedisServer redis = RedisServer.startNew()) {
      for (int r = 0; r < REPLICAS; r++) {
        local[r] = new TestReplica(base + "/local", null, "bench:", timeout, noLimit);
        shared[r] = new TestReplica(base + "/shared", redis.uri(), "bench:", timeout, noLimit);
      }
      TestReplica sharedA = shared[0];

      for (int i = 0; i < WARMUP; i++) {
        String warm = "warmup" + i + "@example.com";
        local[i % REPLICAS].checkEach(warm);
        shared[i % REPLICAS].checkEach(warm);
      }
      platforms.resetRequests();
      redis.command("FLUSHALL");

      Random random = new Random(42);
      Zipf zipf = new Zipf(ADDRESSES, ZIPF_S);
      long[] localNanos = new long[REQUESTS];
      long[] sharedNanos = new long[REQUESTS];
      Set<Integer> distinct = new HashSet<>();
      for (int i = 0; i < REQUESTS; i++) {
        int rank = zipf.sample(random);
        distinct.add(rank);
        String email = "user" + rank + "@example.com";
        TestReplica l = local[i % REPLICAS];
        TestReplica s = shared[i % REPLICAS];
        if (i % 4 < 2) { // alternate which setup goes first
          localNanos[i] = timed(l, email);
          sharedNanos[i] = timed(s, email);
        } else {
          sharedNanos[i] = timed(s, email);
          localNanos[i] = timed(l, email);
        }
      }
      int localCalls = count(platforms, "/local/.*");
      int sharedCalls = count(platforms, "/shared/.*");
      int ideal = distinct.size() * 2;

      long[] lookups = new long[ROUND_TRIPS];
      long[] quotas = new long[ROUND_TRIPS];
      RedisRateLimiter.Rate rate = RedisRateLimiter.Rate.perSecond(noLimit);
      for (int i = 0; i < ROUND_TRIPS; i++) {
        long start = System.nanoTime();
        assertThat(sharedA.redis().resultStore().get("bench:miss" + i).get(10, TimeUnit.SECONDS))
            .isEmpty();
        lookups[i] = System.nanoTime() - start;
        start = System.nanoTime();
        assertThat(
                sharedA
                    .redis()
                    .rateLimiter()
                    .acquire("quota:bench", rate, RedisStats.Limit.CALLER)
                    .get(10, TimeUnit.SECONDS))
            .isPresent();
        quotas[i] = System.nanoTime() - start;
      }
      long fallbacks = 0;
      for (TestReplica replica : shared) {
        for (RedisStats.Use use : RedisStats.Use.values()) {
          fallbacks += replica.redis().stats().fallbacks(use);
        }
      }

      StringBuilder report = new StringBuilder();
      report.append(
          String.format(
              Locale.ROOT,
              "Workload: %d CheckEach calls, Zipf(s=%.1f) over %d addresses (%d distinct seen),"
                  + " 2 platforms (%d ms each), round-robin over %d replicas; %d cores.%n%n",
              REQUESTS,
              ZIPF_S,
              ADDRESSES,
              distinct.size(),
              PLATFORM_DELAY_MS,
              REPLICAS,
              Runtime.getRuntime().availableProcessors()));
      report.append("| setup | platform calls | vs. local caches | call p50 | call p99 |\n");
      report.append("|---|---|---|---|---|\n");
      report.append(row(REPLICAS + " replicas, local caches", localCalls, localCalls, localNanos));
      report.append(row(REPLICAS + " replicas + Redis", sharedCalls, localCalls, sharedNanos));
      report.append(
          String.format(
              Locale.ROOT,
              "| (floor: each address once per platform) | %d | %s | | |%n",
              ideal,
              percent(ideal, localCalls)));
      report.append(
          String.format(
              Locale.ROOT,
              "%nCalls saved by sharing: %d of %d (%.1f %%); Redis fallbacks during the run: %d.%n%n",
              localCalls - sharedCalls,
              localCalls,
              100.0 * (localCalls - sharedCalls) / localCalls,
              fallbacks));
      report.append(
          "| Redis round trip added by a replica (%d sequential) | p50 | p99 |\n"
              .formatted(ROUND_TRIPS));
      report.append("|---|---|---|\n");
      report.append(
          "| shared-cache lookup on a local miss (GET) | %s | %s |\n"
              .formatted(ms(percentile(lookups, 50)), ms(percentile(lookups, 99))));
      report.append(
          "| caller-quota decision, every call (EVALSHA, GCRA) | %s | %s |\n"
              .formatted(ms(percentile(quotas, 50)), ms(percentile(quotas, 99))));
      System.out.println(report);
      Files.writeString(Path.of("target", "bench-redis.md"), report.toString());
      assertThat(sharedCalls).as("sharing never costs calls").isLessThanOrEqualTo(localCalls);
    } finally {
      for (TestReplica replica : local) {
        if (replica != null) {
          replica.close();
        }
      }
      for (TestReplica replica : shared) {
        if (replica != null) {
          replica.close();
        }
      }
      platforms.stop();
    }
  }

  private static long timed(TestReplica replica, String email) {
    long start = System.nanoTime();
    assertThat(replica.checkEach(email)).hasSize(2);
    return System.nanoTime() - start;
  }

  private static int count(WireMockServer platforms, String pathRegex) {
    return platforms
        .countRequestsMatching(getRequestedFor(urlPathMatching(pathRegex)).build())
        .getCount();
  }

  private static String row(String name, int calls, int baseline, long[] nanos) {
    return String.format(
        Locale.ROOT,
        "| %s | %d | %s | %s | %s |%n",
        name,
        calls,
        percent(calls, baseline),
        ms(percentile(nanos, 50)),
        ms(percentile(nanos, 99)));
  }

  private static String percent(int calls, int baseline) {
    return String.format(Locale.ROOT, "%.1f %%", 100.0 * calls / baseline);
  }

  private static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  /** Ranks 1..n with probability proportional to 1/rank^s. */
  private static final class Zipf {
    private final double[] cumulative;

    Zipf(int n, double s) {
      cumulative = new double[n];
      double sum = 0;
      for (int k = 1; k <= n; k++) {
        sum += 1 / Math.pow(k, s);
        cumulative[k - 1] = sum;
      }
      for (int k = 0; k < n; k++) {
        cumulative[k] /= sum;
      }
    }

    int sample(Random random) {
      int i = Arrays.binarySearch(cumulative, random.nextDouble());
      return (i >= 0 ? i : -i - 1) + 1;
    }
  }
}
