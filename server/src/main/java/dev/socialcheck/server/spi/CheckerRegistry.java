package dev.socialcheck.server.spi;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import com.google.common.collect.ImmutableSortedMap;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@link CheckerProvider}s of a class path, one per type: what a catalog entry's {@code type:}
 * names. Modelled on grpc-java's {@code LoadBalancerRegistry}, with one difference: two providers
 * of one type are an error, not a contest of priorities — which checker a catalog entry runs must
 * never depend on which jars happen to be on the class path, or in which order.
 *
 * <p>Immutable and thread-safe.
 */
public final class CheckerRegistry {
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private static final Supplier<CheckerRegistry> DEFAULT =
      Suppliers.memoize(() -> load(CheckerProvider.class.getClassLoader()));

  private final ImmutableSortedMap<String, CheckerProvider> byType;

  private CheckerRegistry(ImmutableSortedMap<String, CheckerProvider> byType) {
    this.byType = byType;
  }

  /**
   * The providers of the class path the server was loaded from (the built-in {@code http} and
   * {@code simulated} types and those of every jar beside it), found once per process.
   *
   * @throws CheckerProviderException if they cannot be used (two of one type, ...)
   */
  public static CheckerRegistry defaultRegistry() {
    return requireNonNull(DEFAULT.get());
  }

  /**
   * The available providers that {@code loader} finds with {@link ServiceLoader}.
   *
   * @throws CheckerProviderException if two have the same type, a type is malformed, or one fails
   *     to load (a class named in {@code META-INF/services} is missing, has no public no-argument
   *     constructor, or throws)
   */
  public static CheckerRegistry load(ClassLoader loader) {
    Iterator<CheckerProvider> found = ServiceLoader.load(CheckerProvider.class, loader).iterator();
    List<CheckerProvider> providers = new ArrayList<>();
    while (true) {
      try {
        if (!found.hasNext()) {
          break;
        }
        providers.add(found.next());
      } catch (ServiceConfigurationError e) {
        throw new CheckerProviderException(
            "a checker provider on the class path cannot be loaded: " + e.getMessage(), e);
      }
    }
    return of(providers);
  }

  /**
   * A registry of exactly these providers (those available), e.g. for tests.
   *
   * @throws CheckerProviderException if two have the same type or a type is malformed
   */
  public static CheckerRegistry of(List<? extends CheckerProvider> providers) {
    TreeMap<String, CheckerProvider> byType = new TreeMap<>();
    for (CheckerProvider provider : providers) {
      requireNonNull(provider, "provider");
      if (!provider.isAvailable()) {
        continue;
      }
      String type = provider.type();
      if (type == null || !TYPE.matcher(type).matches()) {
        throw new CheckerProviderException(
            describe(provider)
                + " declares the checker type '"
                + type
                + "': a type is 1 to 32 lower-case letters, digits or '-', starting with a letter");
      }
      CheckerProvider other = byType.putIfAbsent(type, provider);
      if (other != null) {
        throw new CheckerProviderException(
            "two checker providers of type '"
                + type
                + "': "
                + describe(other)
                + " and "
                + describe(provider)
                + "; remove one of them from the class path");
      }
    }
    return new CheckerRegistry(ImmutableSortedMap.copyOf(byType));
  }

  /** The provider of {@code type}, if any. */
  public Optional<CheckerProvider> provider(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  /** Every type, in alphabetical order. */
  public Set<String> types() {
    return byType.keySet();
  }

  /** Every provider, by type in alphabetical order. */
  public List<CheckerProvider> providers() {
    return List.copyOf(byType.values());
  }

  /** {@code com.acme.AcmeProvider (from /opt/acme.jar)}. */
  private static String describe(CheckerProvider provider) {
    Class<?> type = provider.getClass();
    CodeSource source = type.getProtectionDomain().getCodeSource();
    URL location = source == null ? null : source.getLocation();
    return type.getName() + (location == null ? "" : " (from " + location.getPath() + ")");
  }
}
