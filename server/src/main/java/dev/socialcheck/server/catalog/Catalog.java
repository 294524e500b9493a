package dev.socialcheck.server.catalog;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import dev.socialcheck.server.engine.Platform;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An immutable, named set of platforms with distinct ids, ordered by descending prior. A catalog
 * may own resources (an HTTP client's threads): {@link #close()} releases them.
 */
public final class Catalog implements AutoCloseable {
  private final String name;
  private final ImmutableMap<String, Platform> platforms;

  /** The platforms in order, kept as one list: every request without a subset uses it as is. */
  private final List<Platform> ordered;

  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @throws IllegalArgumentException if {@code platforms} is empty or has duplicate ids
   */
  public Catalog(String name, List<Platform> platforms) {
    this(name, platforms, () -> {});
  }

  /**
   * @param onClose releases what the catalog's checkers hold; run once by {@link #close()}
   */
  public Catalog(String name, List<Platform> platforms, Runnable onClose) {
    this.onClose = onClose;
    checkArgument(!platforms.isEmpty(), "catalog %s has no platforms", name);
    this.name = name;
    ImmutableMap.Builder<String, Platform> byId = ImmutableMap.builder();
    platforms.stream()
        .sorted(Comparator.comparingDouble(Platform::prior).reversed().thenComparing(Platform::id))
        .forEach(p -> byId.put(p.id(), p));
    this.platforms = byId.buildOrThrow();
    this.ordered = List.copyOf(this.platforms.values());
  }

  /** Releases the resources of the catalog's checkers. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.run();
    }
  }

  /** The catalog's name, e.g. {@code demo}. */
  public String name() {
    return name;
  }

  /** Every platform, highest prior first. */
  public List<Platform> platforms() {
    return ordered;
  }

  /** The platform with this id, if any. */
  public Optional<Platform> find(String id) {
    return Optional.ofNullable(platforms.get(id));
  }

  /**
   * Resolves requested ids. Empty means every platform; duplicates are dropped.
   *
   * @throws UnknownPlatformException naming the first unknown id and the known ones
   */
  public List<Platform> select(List<String> ids) {
    if (ids.isEmpty()) {
      return platforms();
    }
    Map<String, Platform> selected = new LinkedHashMap<>();
    for (String id : ids) {
      Platform platform = platforms.get(id);
      if (platform == null) {
        throw new UnknownPlatformException(id, platforms.keySet());
      }
      selected.putIfAbsent(id, platform);
    }
    return List.copyOf(selected.values());
  }
}
