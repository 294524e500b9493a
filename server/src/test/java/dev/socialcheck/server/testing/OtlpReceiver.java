package dev.socialcheck.server.testing;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A minimal OTLP trace collector on 127.0.0.1 (a free port), over gRPC ({@code
 * opentelemetry.proto.collector.trace.v1.TraceService/Export}) or HTTP/protobuf ({@code POST
 * /v1/traces}): keeps every export request it receives. Close it after the test.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final List<ExportTraceServiceRequest> requests = new CopyOnWriteArrayList<>();
  private final Runnable stop;
  private final int port;

  private OtlpReceiver(boolean grpc) throws IOException {
    if (grpc) {
      Server server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(
                  new TraceServiceGrpc.TraceServiceImplBase() {
                    @Override
                    public void export(
                        ExportTraceServiceRequest request,
                        StreamObserver<ExportTraceServiceResponse> response) {
                      requests.add(request);
                      response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                      response.onCompleted();
                    }
                  })
              .build()
              .start();
      port = server.getPort();
      stop =
          () -> {
            server.shutdownNow();
            try {
              server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          };
    } else {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      server.createContext(
          "/v1/traces",
          exchange -> {
            try (exchange;
                InputStream body = exchange.getRequestBody()) {
              requests.add(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
              byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
              exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
              exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
              if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
              }
            }
          });
      server.start();
      port = server.getAddress().getPort();
      stop = () -> server.stop(0);
    }
  }

  /** A receiver speaking OTLP over gRPC. */
  public static OtlpReceiver grpc() throws IOException {
    return new OtlpReceiver(true);
  }

  /** A receiver speaking OTLP over HTTP/protobuf. */
  public static OtlpReceiver httpProtobuf() throws IOException {
    return new OtlpReceiver(false);
  }

  /** {@code http://127.0.0.1:PORT}: the value of {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Export requests received so far. */
  public List<ExportTraceServiceRequest> requests() {
    return List.copyOf(requests);
  }

  /** Every span received so far. */
  public List<Span> spans() {
    List<Span> spans = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans resource : request.getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          spans.addAll(scope.getSpansList());
        }
      }
    }
    return spans;
  }

  /** Values of the resource attribute {@code key} in every request received. */
  public List<String> resourceAttribute(String key) {
    List<String> values = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans resource : request.getResourceSpansList()) {
        for (KeyValue kv : resource.getResource().getAttributesList()) {
          if (kv.getKey().equals(key)) {
            values.add(kv.getValue().getStringValue());
          }
        }
      }
    }
    return values;
  }

  @Override
  public void close() {
    stop.run();
  }
}
