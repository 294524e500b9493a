package dev.socialcheck.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.jspecify.annotations.Nullable;

/**
 * Puts the OpenTelemetry context current when a call starts into the call's headers, with the
 * propagators of {@code GlobalOpenTelemetry} ({@code getOrNoop()}: it never fixes the global
 * instance, and injects nothing until an SDK is registered). Loaded only when the OpenTelemetry API
 * is on the class path ({@link TracePropagation#interceptor()}): the SDK's dependency on it is
 * optional, and loading this class without it would fail.
 */
final class TraceContextInjection implements ClientInterceptor {
  private static final TextMapSetter<Metadata> SETTER =
      (headers, key, value) -> {
        if (headers != null) {
          headers.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
        }
      };

  TraceContextInjection() {}

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    Context context = Context.current();
    return new SimpleForwardingClientCall<ReqT, RespT>(next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<RespT> responseListener, @Nullable Metadata headers) {
        if (headers != null) {
          GlobalOpenTelemetry.getOrNoop()
              .getPropagators()
              .getTextMapPropagator()
              .inject(context, headers, SETTER);
        }
        super.start(responseListener, headers);
      }
    };
  }
}
