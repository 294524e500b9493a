package dev.socialcheck.client;

import io.grpc.ClientInterceptor;
import java.util.Optional;

/**
 * Whether calls can carry the caller's OpenTelemetry context: only when the OpenTelemetry API (api
 * and context) is on the class path. This class refers to no OpenTelemetry type, so it loads
 * without them; {@link TraceContextInjection}, which does, is loaded only after the check.
 */
final class TracePropagation {
  private static final Optional<ClientInterceptor> INTERCEPTOR = create();

  private TracePropagation() {}

  /** The interceptor that injects the current context, or empty without the OpenTelemetry API. */
  static Optional<ClientInterceptor> interceptor() {
    return INTERCEPTOR;
  }

  private static Optional<ClientInterceptor> create() {
    ClassLoader loader = TracePropagation.class.getClassLoader();
    try {
      for (String name :
          new String[] {
            "io.opentelemetry.api.GlobalOpenTelemetry",
            "io.opentelemetry.context.Context",
            "io.opentelemetry.context.propagation.TextMapSetter"
          }) {
        Class.forName(name, false, loader);
      }
      return Optional.of(new TraceContextInjection());
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
  }
}
