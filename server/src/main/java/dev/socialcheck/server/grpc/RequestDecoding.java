package dev.socialcheck.server.grpc;

import com.google.protobuf.Message;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Parses a service's requests in our code rather than in grpc-java's, so that bytes which are not a
 * valid request message get {@code INVALID_ARGUMENT} and a human description.
 *
 * <p>Why: grpc-java parses each request with the method's marshaller and treats a parse failure as
 * an application error: the caller gets {@code UNKNOWN} "Application error processing RPC", the
 * logger {@code io.grpc.internal.SerializingExecutor} writes a SEVERE stack trace, and the
 * interceptors never see the call closed (the access log said {@code CANCELLED}). Anyone who can
 * reach the port could write a stack trace to the log per ten-byte request.
 *
 * <p>How: {@link #of} registers every method with a pass-through request marshaller, so requests
 * travel through the interceptors as the transport's {@link InputStream}, and the innermost
 * listener parses them with the method's own marshaller. A failure closes the call through the
 * interceptors (so the access log and metrics record it) with {@code INVALID_ARGUMENT} and the
 * message type's name, never the bytes (they may hold an address); the service then hears nothing
 * more of the call but its end. A compressed request that exceeds the size limit once decompressed
 * keeps its {@code RESOURCE_EXHAUSTED}. Requests are only parsed once every interceptor has let the
 * call through, so a call refused by authentication, the rate limit or load shedding is never
 * parsed. Responses are untouched (grpc-java's {@code ServerInterceptors.useInputStreamMessages}
 * would re-serialize them, and its listener lets a parse failure escape just the same).
 *
 * <p>The parsed request is also where the telemetry learns what the call asks ({@link
 * CallInfo#describe}).
 */
final class RequestDecoding {
  /** Hands the transport's stream through unparsed; it is read before the listener returns. */
  private static final MethodDescriptor.Marshaller<InputStream> PASS_THROUGH =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
          return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
          return stream;
        }
      };

  private RequestDecoding() {}

  /** {@code service} with requests parsed here: intercept the result, not {@code service}. */
  static ServerServiceDefinition of(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor()); // for server reflection
    List<ServerMethodDefinition<InputStream, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<InputStream, ?> raw = raw(method);
      descriptor.addMethod(raw.getMethodDescriptor());
      methods.add(raw);
    }
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(builder::addMethod);
    return builder.build();
  }

  private static <ReqT, RespT> ServerMethodDefinition<InputStream, RespT> raw(
      ServerMethodDefinition<ReqT, RespT> definition) {
    MethodDescriptor<ReqT, RespT> method = definition.getMethodDescriptor();
    ServerCallHandler<ReqT, RespT> handler = definition.getServerCallHandler();
    String invalid = "request is not a valid " + messageName(method) + " message";
    return ServerMethodDefinition.create(
        method.toBuilder(PASS_THROUGH, method.getResponseMarshaller()).build(),
        (call, headers) ->
            new ParsingListener<>(
                call, method, handler.startCall(new TypedCall<>(call, method), headers), invalid));
  }

  private static String messageName(MethodDescriptor<?, ?> method) {
    return method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto
            && proto.getMessagePrototype() instanceof Message message
        ? message.getDescriptorForType().getFullName()
        : method.getFullMethodName() + " request";
  }

  /** Parses each request and hands it on; refuses the call if it does not parse. */
  private static final class ParsingListener<ReqT> extends ServerCall.Listener<InputStream> {
    private final ServerCall<InputStream, ?> call;
    private final MethodDescriptor<ReqT, ?> method;
    private final ServerCall.Listener<ReqT> delegate;
    private final String invalid;

    /** Set once a request did not parse. Listener events are serialized: no lock needed. */
    private boolean refused;

    ParsingListener(
        ServerCall<InputStream, ?> call,
        MethodDescriptor<ReqT, ?> method,
        ServerCall.Listener<ReqT> delegate,
        String invalid) {
      this.call = call;
      this.method = method;
      this.delegate = delegate;
      this.invalid = invalid;
    }

    @Override
    public void onMessage(InputStream message) {
      if (refused) {
        return;
      }
      ReqT request;
      try {
        request = method.parseRequest(message);
      } catch (RuntimeException e) {
        refused = true;
        call.close(refusal(Status.fromThrowable(e)), new Metadata());
        return;
      }
      CallInfo info = CallInfo.current();
      if (info != null) {
        info.describe(request);
      }
      delegate.onMessage(request);
    }

    private Status refusal(Status failure) {
      return failure.getCode() == Status.Code.RESOURCE_EXHAUSTED
          ? Status.RESOURCE_EXHAUSTED.withDescription(failure.getDescription())
          : Status.INVALID_ARGUMENT.withDescription(invalid);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        delegate.onReady();
      }
    }

    @Override
    public void onEvent(@Nullable Object event) {
      if (!refused) {
        delegate.onEvent(event);
      }
    }

    @Override
    public void onCancel() {
      delegate.onCancel();
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }
  }

  /** The call as the service sees it: typed requests, everything else forwarded. */
  private static final class TypedCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {
    private final ServerCall<InputStream, RespT> raw;
    private final MethodDescriptor<ReqT, RespT> method;

    TypedCall(ServerCall<InputStream, RespT> raw, MethodDescriptor<ReqT, RespT> method) {
      this.raw = raw;
      this.method = method;
    }

    @Override
    public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
      return method;
    }

    @Override
    public void request(int numMessages) {
      raw.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      raw.sendHeaders(headers);
    }

    @Override
    public void sendMessage(RespT message) {
      raw.sendMessage(message);
    }

    @Override
    public boolean isReady() {
      return raw.isReady();
    }

    @Override
    public void close(Status status, Metadata trailers) {
      raw.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return raw.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      raw.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      raw.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      raw.setOnReadyThreshold(numBytes);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return raw.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return raw.getAttributes();
    }

    @Override
    public @Nullable String getAuthority() {
      return raw.getAuthority();
    }

    @Override
    public void triggerEvent(@Nullable Object event) {
      raw.triggerEvent(event);
    }
  }
}
