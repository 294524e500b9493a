package dev.socialcheck.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records the request headers of every call that reaches the test server. */
final class HeaderRecorder implements ServerInterceptor {
  final BlockingQueue<Metadata> received = new LinkedBlockingQueue<>();

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata requestHeaders, ServerCallHandler<ReqT, RespT> next) {
    received.add(requestHeaders);
    return next.startCall(call, requestHeaders);
  }

  /** The headers of the next call that reached the server (waits up to 10 s). */
  Metadata next() throws InterruptedException {
    Metadata metadata = received.poll(10, TimeUnit.SECONDS);
    assertThat(metadata).as("headers of a call that reached the server").isNotNull();
    return metadata;
  }
}
