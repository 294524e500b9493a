package dev.socialcheck.bench;

import java.time.Duration;
import java.util.Arrays;

/**
 * Target 5's zero-overhead model: the engine's start rules ({@link MixModel#trace}) replayed over a
 * {@link ZipfAddresses} stream arriving at a fixed rate, with or without a result cache in front of
 * every platform.
 *
 * <p>The cache behaves as the server's {@code CachingChecker} is meant to: a check whose platform
 * and address have a stored answer (younger than the TTL) answers at once and makes no call; every
 * other check is a call whose latency is the {@code k}-th call's draw ({@link
 * MixModel#callLatencyNanos}), as in the bench server's {@code mix-repeat} catalog; a call that
 * ends with FOUND or NOT_FOUND before its request is answered is stored when it ends; cancelled and
 * timed-out calls are not. No size bound (the population × platforms fits the server's bound).
 *
 * <p>Requests are replayed in arrival order: a request sees the answers stored by earlier requests
 * at the moments they were stored (so concurrent misses on a hot address are all calls, as in the
 * server), but not those of later requests that would have finished first (rare).
 */
final class CacheModel {
  private final MixModel model;
  private final ZipfAddresses addresses;
  private final double arrivalsPerSecond;
  private final long[] delayAfter;
  private final boolean cached;
  private final long ttlNanos;
  private boolean cacheFirst;

  /**
   * What the model predicts over the measured requests.
   *
   * @param checksPerRequest checks the engine starts (cache hits included)
   * @param callsPerRequest platform calls (checks minus cache hits)
   * @param hitRate cache hits ÷ checks started
   * @param noCallShare requests answered without any platform call
   * @param callsPerBin platform calls per request, per bin of arrivals (warm-up included)
   * @param callsPerPlatform platform calls per request, per platform (prior order)
   */
  @SuppressWarnings("ArrayRecordComponent") // a result read field by field, never compared
  record Summary(
      long p50Nanos,
      long p99Nanos,
      double checksPerRequest,
      double callsPerRequest,
      double hitRate,
      double noCallShare,
      double[] callsPerBin,
      double[] hitRatePerBin,
      double[] callsPerPlatform) {}

  CacheModel(
      MixModel model,
      ZipfAddresses addresses,
      double arrivalsPerSecond,
      long[] delayAfter,
      boolean cached,
      Duration ttl) {
    this.model = model;
    this.addresses = addresses;
    this.arrivalsPerSecond = arrivalsPerSecond;
    this.delayAfter = delayAfter.clone();
    this.cached = cached;
    this.ttlNanos = ttl.toNanos();
  }

  /**
   * The engine's behaviour since platforms with a cached answer start first: a request whose
   * platforms include a cached FOUND is answered at once, without a call. Without it, the model is
   * the engine before that change (a cache hit answers when its platform's turn comes).
   */
  CacheModel cacheFirst() {
    this.cacheFirst = true;
    return this;
  }

  /** Replays arrivals {@code 0 .. warmup + measured - 1}; figures over the measured ones. */
  Summary run(long warmup, long measured, int arrivalsPerBin) {
    int platforms = MixModel.PLATFORMS.size();
    int population = addresses.population();
    long timeout = MixModel.TIMEOUT.toNanos();
    // Per rank and platform: the interval in which a stored answer is visible, and calls so far.
    long[][] storedFrom = new long[population + 1][platforms];
    long[][] storedUntil = new long[population + 1][platforms];
    int[][] calls = new int[population + 1][platforms];
    for (long[] row : storedFrom) {
      Arrays.fill(row, Long.MAX_VALUE);
    }
    long total = warmup + measured;
    int bins = (int) ((total + arrivalsPerBin - 1) / arrivalsPerBin);
    long[] binCalls = new long[bins];
    long[] binChecks = new long[bins];
    long[] binHits = new long[bins];
    long[] binRequests = new long[bins];
    long[] latencies = new long[(int) measured];
    long checks = 0;
    long hits = 0;
    long noCall = 0;
    long[] callsByPlatform = new long[platforms];
    double period = 1e9 / arrivalsPerSecond;
    long[] noneCompleted = new long[platforms];
    Arrays.fill(noneCompleted, -1);
    for (long i = 0; i < total; i++) {
      long arrival = Math.round(i * period);
      int rank = addresses.rank(i);
      String email = ZipfAddresses.addressOfRank(rank);
      long[] requestHits = new long[1];
      long[] requestCalls = new long[1];
      long[] requestCallsByPlatform = new long[platforms];
      boolean foundInCache = false;
      if (cached && cacheFirst) {
        for (int p = 0; p < platforms && !foundInCache; p++) {
          foundInCache =
              storedFrom[rank][p] <= arrival
                  && arrival < storedUntil[rank][p]
                  && model.draw(email, MixModel.PLATFORMS.get(p)).found();
        }
      }
      MixModel.Trace trace =
          foundInCache
              ? new MixModel.Trace(0, 1, noneCompleted)
              : MixModel.trace(
                  (p, offset) -> {
                    MixModel.PlatformSpec spec = MixModel.PLATFORMS.get(p);
                    boolean found = model.draw(email, spec).found();
                    long at = arrival + offset;
                    if (cached && storedFrom[rank][p] <= at && at < storedUntil[rank][p]) {
                      requestHits[0]++;
                      // A hit stores nothing new: "answers" false.
                      return new MixModel.Check(0, found, false);
                    }
                    requestCalls[0]++;
                    requestCallsByPlatform[p]++;
                    long latency = model.callLatencyNanos(email, spec, calls[rank][p]++);
                    boolean inTime = latency < timeout;
                    return new MixModel.Check(Math.min(latency, timeout), found && inTime, inTime);
                  },
                  delayAfter);
      if (foundInCache) {
        requestHits[0] = 1;
      }
      if (cached) {
        for (int p = 0; p < platforms; p++) {
          long done = trace.completedAtNanos()[p];
          if (done >= 0) {
            store(storedFrom, storedUntil, rank, p, arrival + done);
          }
        }
      }
      int bin = (int) (i / arrivalsPerBin);
      binRequests[bin]++;
      binCalls[bin] += requestCalls[0];
      binChecks[bin] += trace.started();
      binHits[bin] += requestHits[0];
      if (i >= warmup) {
        latencies[(int) (i - warmup)] = trace.latencyNanos();
        checks += trace.started();
        hits += requestHits[0];
        noCall += requestCalls[0] == 0 ? 1 : 0;
        for (int p = 0; p < platforms; p++) {
          callsByPlatform[p] += requestCallsByPlatform[p];
        }
      }
    }
    Arrays.sort(latencies);
    double[] callsPerBin = new double[bins];
    double[] hitRatePerBin = new double[bins];
    for (int b = 0; b < bins; b++) {
      callsPerBin[b] = binCalls[b] / (double) Math.max(1, binRequests[b]);
      hitRatePerBin[b] = binHits[b] / (double) Math.max(1, binChecks[b]);
    }
    return new Summary(
        latencies[(int) Math.floor(0.50 * (measured - 1))],
        latencies[(int) Math.floor(0.99 * (measured - 1))],
        checks / (double) measured,
        (checks - hits) / (double) measured,
        hits / (double) Math.max(1, checks),
        noCall / (double) measured,
        callsPerBin,
        hitRatePerBin,
        Arrays.stream(callsByPlatform).mapToDouble(c -> c / (double) measured).toArray());
  }

  /**
   * A store at {@code at}: Caffeine keeps the last write, which expires {@code ttl} after it; a
   * zero TTL stores nothing (as {@code ResultCache.put}). Stores of one key are merged into one
   * interval.
   */
  private void store(long[][] from, long[][] until, int rank, int p, long at) {
    if (ttlNanos == 0) {
      return;
    }
    long end = ttlNanos >= Long.MAX_VALUE - at ? Long.MAX_VALUE : at + ttlNanos;
    if (from[rank][p] == Long.MAX_VALUE || at > until[rank][p]) {
      from[rank][p] = at;
      until[rank][p] = end;
    } else {
      from[rank][p] = Math.min(from[rank][p], at);
      until[rank][p] = Math.max(until[rank][p], end);
    }
  }
}
