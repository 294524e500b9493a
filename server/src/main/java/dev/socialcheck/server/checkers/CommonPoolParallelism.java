package dev.socialcheck.server.checkers;

import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Makes sure the JVM's common {@link java.util.concurrent.ForkJoinPool} has at least two threads,
 * so that the probes' HTTP client does not start a thread per response.
 *
 * <p>Why: {@code HttpClient.sendAsync} of a client built with its own executor completes the future
 * it returns on {@code CompletableFuture}'s default executor (JDK's {@code
 * HttpClientImpl.sendAsync}: "makes sure that any dependent actions happen in the CF default
 * executor"). That executor is the common pool only when the pool's parallelism is above 1; on a
 * machine or container with 2 processors or fewer the parallelism is 1 and {@code
 * CompletableFuture} falls back to a new thread per task: one thread started for every probe
 * answered (target 6 of the benchmarks measured 1.0–1.2 threads started per probe on 2 processors).
 * A parallelism of 2 keeps the thread count flat.
 *
 * <p>The setting is read once, when the common pool is first used, so {@link #ensure} must run
 * first thing in {@code main}. An operator's own {@code -Djava.util.concurrent.ForkJoinPool.common
 * .parallelism} is left alone.
 */
public final class CommonPoolParallelism {
  /** The system property the common pool reads its parallelism from. */
  public static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /** The least parallelism for which {@code CompletableFuture} uses the common pool. */
  static final int MINIMUM = 2;

  private CommonPoolParallelism() {}

  /**
   * Sets {@link #PROPERTY} to {@value #MINIMUM} when it is unset and this JVM has too few
   * processors for the default to reach it. Call before anything uses the common pool or {@code
   * CompletableFuture}; later calls change nothing the pool sees.
   *
   * @param systemProperties the process's system properties ({@code System.getProperties()}), which
   *     {@code main} hands over: only the command line reads and writes process-wide settings
   * @return the value set, if any
   */
  public static Optional<String> ensure(Properties systemProperties) {
    Optional<String> value =
        wanted(systemProperties.getProperty(PROPERTY), Runtime.getRuntime().availableProcessors());
    value.ifPresent(v -> systemProperties.setProperty(PROPERTY, v));
    return value;
  }

  /**
   * The value to set: none when the operator set one, or when the default (processors − 1) is
   * already at least {@value #MINIMUM}.
   */
  static Optional<String> wanted(@Nullable String configured, int processors) {
    if (configured != null || processors - 1 >= MINIMUM) {
      return Optional.empty();
    }
    return Optional.of(String.valueOf(MINIMUM));
  }
}
