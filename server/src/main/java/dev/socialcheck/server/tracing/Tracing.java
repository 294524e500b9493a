package dev.socialcheck.server.tracing;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.engine.CheckObserver;
import io.grpc.ServerBuilder;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Tracing of the server, configured the OpenTelemetry way: off unless {@code OTEL_TRACES_EXPORTER}
 * (or the system property {@code otel.traces.exporter}) names an exporter other than {@code none};
 * then the OpenTelemetry SDK is built by its autoconfigure module from the standard {@code OTEL_*}
 * variables ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_PROTOCOL} {@code grpc}
 * or {@code http/protobuf}, {@code OTEL_TRACES_SAMPLER}, {@code OTEL_PROPAGATORS}, ...). Defaults
 * socialcheck sets, which those variables override: service name {@code socialcheck}, and no
 * OpenTelemetry metrics or logs exporter (metrics are Prometheus, logs are logback).
 *
 * <p>When on, {@link #configure(ServerBuilder)} makes grpc-java's OpenTelemetry module open a
 * server span per RPC, continuing the caller's W3C {@code traceparent}, and {@link #observer()}
 * adds a child span per platform check ({@link CheckSpans}). grpc-java 1.85.1 keeps its tracing
 * behind the experimental flag {@code GRPC_EXPERIMENTAL_ENABLE_OTEL_TRACING} (its metrics are not):
 * socialcheck sets that flag as a system property when tracing is on, unless the environment sets
 * it.
 *
 * <p>When off, nothing is built: no SDK, no interceptor, no stream tracer, and the engine's
 * observer is {@link CheckObserver#NONE}, so a call pays nothing for tracing.
 */
public final class Tracing implements AutoCloseable {
  /** The experimental switch of grpc-java's OpenTelemetry tracing (environment or property). */
  static final String GRPC_TRACING_FLAG = "GRPC_EXPERIMENTAL_ENABLE_OTEL_TRACING";

  private static final Tracing OFF = new Tracing(null, null);

  private final @Nullable OpenTelemetry openTelemetry;
  private final @Nullable OpenTelemetrySdk owned;

  private Tracing(@Nullable OpenTelemetry openTelemetry, @Nullable OpenTelemetrySdk owned) {
    this.openTelemetry = openTelemetry;
    this.owned = owned;
  }

  /** Tracing off. */
  public static Tracing off() {
    return OFF;
  }

  /** On or off as the process's environment and system properties say (see the class comment). */
  public static Tracing fromEnvironment() {
    if (!requested(System.getenv(), System.getProperties())) {
      return OFF;
    }
    return autoconfigure(Map.of());
  }

  /**
   * Whether the settings turn tracing on: a traces exporter other than {@code none}, and the SDK
   * not disabled ({@code OTEL_SDK_DISABLED}).
   */
  static boolean requested(Map<String, String> env, Properties properties) {
    String exporter =
        properties.getProperty(
            "otel.traces.exporter", env.getOrDefault("OTEL_TRACES_EXPORTER", ""));
    String disabled =
        properties.getProperty("otel.sdk.disabled", env.getOrDefault("OTEL_SDK_DISABLED", ""));
    return !exporter.isBlank()
        && !exporter.strip().toLowerCase(Locale.ROOT).equals("none")
        && !disabled.strip().equalsIgnoreCase("true");
  }

  /**
   * Tracing on, with an SDK that autoconfigure builds from the environment, the system properties
   * and then {@code settings} (autoconfigure property names, e.g. {@code otel.traces.exporter});
   * the returned instance owns the SDK and shuts it down (flushing spans) on {@link #close()}.
   *
   * @throws IllegalArgumentException if a setting is invalid (the message says which)
   */
  public static Tracing autoconfigure(Map<String, String> settings) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", "socialcheck");
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    defaults.putAll(settings);
    OpenTelemetrySdk sdk;
    try {
      sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(() -> defaults)
              // close() flushes and shuts down (the serve command's shutdown hook calls it, after
              // the server has drained): no second, concurrent hook of the SDK's own.
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      // ConfigurationException: a bad OTEL_* value; the message names it.
      throw new IllegalArgumentException(
          "cannot set up tracing from the OTEL_* settings: " + e.getMessage(), e);
    }
    return new Tracing(sdk, sdk);
  }

  /** Tracing on, with an OpenTelemetry instance the caller owns (tests, embedding). */
  public static Tracing using(OpenTelemetry openTelemetry) {
    return new Tracing(requireNonNull(openTelemetry, "openTelemetry"), null);
  }

  /** Whether spans are made. */
  public boolean enabled() {
    return openTelemetry != null;
  }

  /** The engine hook that opens check spans; {@link CheckObserver#NONE} when off. */
  public CheckObserver observer() {
    OpenTelemetry otel = openTelemetry;
    return otel == null
        ? CheckObserver.NONE
        : new CheckSpans(otel.getTracer("dev.socialcheck.server", version()));
  }

  /**
   * Adds the server span of every RPC to {@code builder} (grpc-java's OpenTelemetry module, its
   * metrics off); nothing when off.
   */
  public void configure(ServerBuilder<?> builder) {
    OpenTelemetry otel = openTelemetry;
    if (otel == null) {
      return;
    }
    if (System.getenv(GRPC_TRACING_FLAG) == null && System.getProperty(GRPC_TRACING_FLAG) == null) {
      // Read once, when GrpcOpenTelemetry is loaded: that happens just below, not before.
      System.setProperty(GRPC_TRACING_FLAG, "true");
    }
    GrpcOpenTelemetry.newBuilder()
        .sdk(otel)
        .disableAllMetrics()
        .build()
        .configureServerBuilder(builder);
  }

  /** Flushes and shuts down an SDK this instance built; no-op otherwise. */
  @Override
  public void close() {
    OpenTelemetrySdk sdk = owned;
    if (sdk != null) {
      sdk.close();
    }
  }

  private static String version() {
    String version = Tracing.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
