package dev.socialcheck.server.grpc;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.socialcheck.server.engine.CheckListener;
import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.PlatformResult;
import dev.socialcheck.v1.CheckEachResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a run's results to a {@code CheckEach} caller in completion order.
 *
 * <p>Results arrive on whichever thread completed a check. Every touch of the observer, which is
 * not thread-safe, runs as a task of one sequential executor, so calls are serialized and keep the
 * order in which results arrived, and no lock is held while calling gRPC. Results wait in a queue
 * while the transport is not ready ({@link ServerCallStreamObserver#isReady()}) and are sent from
 * the on-ready handler; the queue holds at most one entry per platform. When the caller cancels or
 * its deadline passes, the run is cancelled and nothing more is sent.
 */
final class CheckEachStream implements CheckListener {
  private static final Logger log = LoggerFactory.getLogger(CheckEachStream.class);

  private final ServerCallStreamObserver<CheckEachResponse> observer;
  private final Executor serialized;

  // Confined to tasks of `serialized`.
  private final Queue<CheckEachResponse> pending = new ArrayDeque<>();
  private boolean finished;
  private boolean closed;

  private volatile boolean cancelled;

  CheckEachStream(ServerCallStreamObserver<CheckEachResponse> observer, Executor executor) {
    this.observer = observer;
    this.serialized = MoreExecutors.newSequentialExecutor(executor);
    observer.setOnReadyHandler(() -> serialized.execute(this::drain));
  }

  /** Follows {@code run}: completes the stream after its last result, cancels it on cancel. */
  void follow(ListenableFuture<CheckReport> run) {
    // Setting a cancel handler also stops onNext from throwing once the call is cancelled.
    observer.setOnCancelHandler(
        () -> {
          cancelled = true;
          run.cancel(true);
        });
    Futures.addCallback(
        run,
        new FutureCallback<CheckReport>() {
          @Override
          public void onSuccess(@Nullable CheckReport report) {
            serialized.execute(
                () -> {
                  finished = true;
                  drain();
                });
          }

          @Override
          public void onFailure(Throwable t) {
            if (t instanceof CancellationException) {
              return;
            }
            log.error("CheckEach failed unexpectedly", t);
            serialized.execute(
                () -> {
                  if (!closed && !cancelled) {
                    closed = true;
                    observer.onError(
                        Status.INTERNAL.withDescription("internal error").asException());
                  }
                });
          }
        },
        MoreExecutors.directExecutor());
  }

  @Override
  public void onResult(PlatformResult result) {
    CheckEachResponse message =
        CheckEachResponse.newBuilder().setResult(Protos.toProto(result)).build();
    serialized.execute(
        () -> {
          pending.add(message);
          drain();
        });
  }

  private void drain() {
    if (closed || cancelled) {
      return;
    }
    while (!pending.isEmpty() && observer.isReady()) {
      observer.onNext(pending.remove());
    }
    if (pending.isEmpty() && finished) {
      closed = true;
      observer.onCompleted();
    }
  }
}
