package dev.socialcheck.bench;

import com.github.benmanes.caffeine.cache.Cache;
import dev.socialcheck.server.checkers.ResultCache;
import dev.socialcheck.server.engine.EmailAddress;
import java.lang.reflect.Field;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Looks inside the server's {@link ResultCache} (its Caffeine map, by reflection: the server offers
 * no view of its keys) and checks that nothing there carries an address: every key must be {@code
 * platformId:<64 hex digits>}, and no key or value may contain an {@code @}, the population's
 * domain or a local part of it. As a second check, it recomputes the plain {@code sha256} of every
 * address of the {@link ZipfAddresses} population and counts the keys it finds among them: with
 * plain hashes every key was found (a hash does not protect a guessable address); with the HMAC
 * keys of {@code --cache-key-secret-file} none should be. The sample value is URL-encoded (one
 * token of the answer line).
 */
final class CacheInspection {
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}:[0-9a-f]{64}");
  private static final Pattern LOCAL_PART = Pattern.compile("\\bz[0-9]+\\b");

  private CacheInspection() {}

  static String inspect(ResultCache cache, int population) {
    Map<?, ?> entries;
    try {
      Field field = ResultCache.class.getDeclaredField("cache");
      field.setAccessible(true);
      entries = ((Cache<?, ?>) field.get(cache)).asMap();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "CACHEKEYS error=" + e.getClass().getSimpleName();
    }
    Set<String> hashes = new HashSet<>();
    for (int k = 1; k <= population; k++) {
      hashes.add(EmailAddress.parse(ZipfAddresses.addressOfRank(k)).sha256Hex());
    }
    long total = 0;
    long wellFormed = 0;
    long inPopulation = 0;
    long withAddressPart = 0;
    String sampleKey = "-";
    String sampleValue = "-";
    for (Map.Entry<?, ?> e : entries.entrySet()) {
      String key = String.valueOf(e.getKey());
      String value = String.valueOf(e.getValue());
      total++;
      if (KEY.matcher(key).matches()) {
        wellFormed++;
        if (hashes.contains(key.substring(key.indexOf(':') + 1))) {
          inPopulation++;
        }
      }
      String both = (key + " " + value).toLowerCase(Locale.ROOT);
      if (both.contains("@") || both.contains("zipf") || LOCAL_PART.matcher(both).find()) {
        withAddressPart++;
      }
      if (total == 1) {
        sampleKey = key;
        sampleValue = URLEncoder.encode(value, StandardCharsets.UTF_8);
      }
    }
    return "CACHEKEYS entries="
        + total
        + " wellFormed="
        + wellFormed
        + " hashOfPopulationAddress="
        + inPopulation
        + " withAddressPart="
        + withAddressPart
        + " sampleKey="
        + sampleKey
        + " sampleValue="
        + sampleValue;
  }
}
