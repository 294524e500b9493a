package dev.socialcheck.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheModelTest {
  private final MixModel mix = new MixModel(42);
  private final long[] hedged = MixModel.uniformDelay(288_000_000L);

  private CacheModel.Summary run(ZipfAddresses addresses, boolean cached, Duration ttl) {
    return new CacheModel(mix, addresses, 100, hedged, cached, ttl).run(200, 800, 100);
  }

  @Test
  void cacheOn_savesCalls_onRepeatedAddresses() {
    ZipfAddresses zipf = new ZipfAddresses(1000, 1.0, 42);
    CacheModel.Summary off = run(zipf, false, Duration.ofMinutes(10));
    CacheModel.Summary on = run(zipf, true, Duration.ofMinutes(10));

    assertThat(off.hitRate()).as("no cache, no hits").isZero();
    assertThat(off.callsPerRequest())
        .as("no cache: calls = checks")
        .isEqualTo(off.checksPerRequest());
    assertThat(on.callsPerRequest())
        .as("fewer calls with the cache")
        .isLessThan(off.callsPerRequest());
    assertThat(on.hitRate()).as("hit rate").isBetween(0.3, 1.0);
    assertThat(on.p50Nanos()).as("median from the cache").isLessThan(off.p50Nanos());
  }

  @Test
  void zeroTtl_storesNothing() {
    ZipfAddresses zipf = new ZipfAddresses(1000, 1.0, 42);
    CacheModel.Summary off = run(zipf, false, Duration.ZERO);
    CacheModel.Summary on = run(zipf, true, Duration.ZERO);

    assertThat(on.hitRate()).as("nothing is ever visible").isZero();
    assertThat(on.callsPerRequest()).as("same calls as without").isEqualTo(off.callsPerRequest());
  }
}
