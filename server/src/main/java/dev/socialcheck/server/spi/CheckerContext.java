package dev.socialcheck.server.spi;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableMap;
import dev.socialcheck.server.engine.PlatformChecker;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the server shares with every checker a {@link CheckerProvider} builds: timers and clocks
 * (fake ones in tests), the environment, the user agent of outbound calls, and a bounded pool for
 * blocking code. One context serves a whole catalog; none of it is owned by the checkers.
 *
 * <p>Immutable and thread-safe; built by the server (or a test) with {@link #builder()}.
 */
public final class CheckerContext {
  private final @Nullable ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final Clock clock;
  private final Function<String, @Nullable String> environment;
  private final String userAgent;
  private final @Nullable Function<BlockingCheck, PlatformChecker> blocking;
  private final ImmutableMap<Class<?>, Object> services;

  private CheckerContext(Builder builder) {
    this.scheduler = builder.scheduler;
    this.ticker = builder.ticker;
    this.clock = builder.clock;
    this.environment = builder.environment;
    this.userAgent = builder.userAgent;
    this.blocking = builder.blocking;
    this.services = ImmutableMap.copyOf(builder.services);
  }

  /** A builder with the system's clocks, no environment and no scheduler. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs short timer tasks (simulated latencies, a checker's own timeouts); never block on it. Not
   * owned: never shut it down.
   *
   * @throws IllegalStateException if the server gave none (only test set-ups of HTTP catalogs do)
   */
  public ScheduledExecutorService scheduler() {
    if (scheduler == null) {
      throw new IllegalStateException("this catalog was loaded without a scheduler for timers");
    }
    return scheduler;
  }

  /** The clock of latencies and timeouts; agrees with {@link #scheduler()}. */
  public Ticker ticker() {
    return ticker;
  }

  /** The wall clock (dates, e.g. of a {@code Retry-After} header). */
  public Clock clock() {
    return clock;
  }

  /**
   * The environment variable {@code name} of the server process, if set: how catalogs refer to
   * credentials without holding them ({@code ${env:NAME}}).
   */
  public Optional<String> environmentVariable(String name) {
    return Optional.ofNullable(environment.apply(name));
  }

  /** The environment lookup itself ({@code name} to value, {@code null} when unset). */
  public Function<String, @Nullable String> environment() {
    return environment;
  }

  /** The {@code User-Agent} of outbound calls of entries that set none. */
  public String userAgent() {
    return userAgent;
  }

  /**
   * A checker that runs {@code check} on the server's bounded pool of blocking-checker threads
   * ({@code --blocking-checker-threads}): interrupted when cancelled or out of time, {@code ERROR}
   * when it throws, {@code RATE_LIMITED} at once when the pool and its queue are full. See {@link
   * BlockingCheck}.
   *
   * @throws IllegalStateException if the server gave no pool (only test set-ups of HTTP catalogs)
   */
  public PlatformChecker blocking(BlockingCheck check) {
    requireNonNull(check, "check");
    if (blocking == null) {
      throw new IllegalStateException("this catalog was loaded without a blocking-checker pool");
    }
    return blocking.apply(check);
  }

  /**
   * A further service the server offers to providers that know its type (the built-in HTTP probe
   * finds its transport this way), if offered.
   */
  public <T> Optional<T> service(Class<T> type) {
    return Optional.ofNullable(type.cast(services.get(type)));
  }

  /** Builder of {@link CheckerContext}; not thread-safe. */
  public static final class Builder {
    private @Nullable ScheduledExecutorService scheduler;
    private Ticker ticker = Ticker.systemTicker();
    private Clock clock = Clock.systemUTC();
    private Function<String, @Nullable String> environment = name -> null;
    private String userAgent = "socialcheck/1 (account-existence checker)";
    private @Nullable Function<BlockingCheck, PlatformChecker> blocking;
    private final Map<Class<?>, Object> services = new java.util.LinkedHashMap<>();

    private Builder() {}

    /** Timers of the checkers (borrowed). */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The clock of latencies and timeouts (default: the system's). */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** The wall clock (default: the system's, UTC). */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Looks up environment variables (default: none is set). */
    public Builder environment(Function<String, @Nullable String> environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /** The {@code User-Agent} of outbound calls. */
    public Builder userAgent(String userAgent) {
      this.userAgent = requireNonNull(userAgent, "userAgent");
      return this;
    }

    /**
     * Turns blocking code into checkers on a bounded pool (see {@link CheckerContext#blocking}).
     */
    public Builder blocking(Function<BlockingCheck, PlatformChecker> adapter) {
      this.blocking = requireNonNull(adapter, "adapter");
      return this;
    }

    /** Offers {@code service} to the providers that ask for {@code type}. */
    public <T> Builder service(Class<T> type, T service) {
      services.put(type, type.cast(requireNonNull(service, "service")));
      return this;
    }

    public CheckerContext build() {
      return new CheckerContext(this);
    }
  }
}
