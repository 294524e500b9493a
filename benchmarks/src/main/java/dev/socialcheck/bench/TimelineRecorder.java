package dev.socialcheck.bench;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.ForwardingPlatformChecker;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformChecker;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Server-side timestamps for target 3 ("early answer"), taken in the server JVM without touching
 * the server's code: a wrapper around each checker notes when a check started, when it produced a
 * FOUND and when its future was cancelled; a global gRPC interceptor notes when the answer was
 * handed to gRPC ({@code sendMessage}) and, when the call closes, folds the request's timeline into
 * histograms.
 *
 * <p>Requests are matched by e-mail address, so the load must use a distinct address per call in
 * flight (the driver does).
 */
final class TimelineRecorder implements ServerInterceptor {

  /** Per-request timestamps, all {@link System#nanoTime()}. */
  private static final class Run {
    @GuardedBy("this")
    long firstFound = Long.MAX_VALUE;

    @GuardedBy("this")
    long sent = Long.MAX_VALUE;

    @GuardedBy("this")
    final Map<String, Long> started = new HashMap<>();

    @GuardedBy("this")
    final Map<String, Long> cancelled = new HashMap<>();

    @GuardedBy("this")
    final List<String> completed = new ArrayList<>();
  }

  private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();

  @GuardedBy("this")
  private final Histogram foundToAnswer = newHistogram();

  @GuardedBy("this")
  private final Histogram foundToCancel = newHistogram();

  @GuardedBy("this")
  private final Histogram answerToCancel = newHistogram();

  @GuardedBy("this")
  private long cancelledBeforeAnswer;

  @GuardedBy("this")
  private long losersNotCancelled;

  @GuardedBy("this")
  private long runsWithoutFound;

  private final AtomicLong closedWithoutAnswer = new AtomicLong();

  @GuardedBy("this")
  private final Histogram dispatchDelay = newHistogram();

  private static Histogram newHistogram() {
    return new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
  }

  /**
   * The gRPC executor SocialCheckServer would create (a fixed pool of twice the processors), timing
   * how long each task waits between {@code execute} and the start of its run: queueing plus the
   * wake-up of a parked pool thread. Every call's handler runs on it; unary answers no longer do
   * (they are sent by the thread that decides the run).
   */
  Executor timedExecutor() {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            2 * Runtime.getRuntime().availableProcessors(),
            new ThreadFactoryBuilder().setNameFormat("socialcheck-grpc-%d").build());
    return task -> {
      long submitted = System.nanoTime();
      pool.execute(
          () -> {
            long delay = System.nanoTime() - submitted;
            synchronized (this) {
              dispatchDelay.recordValue(Math.min(delay, dispatchDelay.getHighestTrackableValue()));
            }
            task.run();
          });
    };
  }

  /** The same catalog, each checker wrapped to timestamp its check. */
  Catalog instrument(Catalog catalog) {
    List<Platform> platforms = new ArrayList<>();
    for (Platform p : catalog.platforms()) {
      platforms.add(
          new Platform(p.id(), p.displayName(), p.prior(), p.timeout(), wrap(p.id(), p.checker())));
    }
    return new Catalog(catalog.name(), platforms);
  }

  private PlatformChecker wrap(String platformId, PlatformChecker delegate) {
    return new ForwardingPlatformChecker(delegate) {
      @Override
      public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
        Run run = runs.computeIfAbsent(email.value(), k -> new Run());
        long start = System.nanoTime();
        ListenableFuture<CheckOutcome> future = super.check(email, context);
        synchronized (run) {
          run.started.put(platformId, start);
        }
        // Added before the engine's own listeners, so it runs first when the future completes.
        future.addListener(
            () -> {
              long now = System.nanoTime();
              synchronized (run) {
                if (future.isCancelled()) {
                  run.cancelled.put(platformId, now);
                  return;
                }
                run.completed.add(platformId);
                if (isFound(future) && run.firstFound == Long.MAX_VALUE) {
                  run.firstFound = now;
                }
              }
            },
            directExecutor());
        return future;
      }
    };
  }

  private static boolean isFound(ListenableFuture<CheckOutcome> future) {
    try {
      return requireNonNull(Futures.getDone(future)).status() == CheckStatus.FOUND;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String[] email = new String[1];
    ServerCall<ReqT, RespT> timed =
        new SimpleForwardingServerCall<ReqT, RespT>(call) {
          @Override
          public void sendMessage(RespT message) {
            long now = System.nanoTime();
            Run run = email[0] == null ? null : runs.get(email[0]);
            if (run != null) {
              synchronized (run) {
                run.sent = now;
              }
            }
            super.sendMessage(message);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            super.close(status, trailers);
            if (email[0] != null) {
              Run run = runs.remove(email[0]);
              if (run != null) {
                fold(run);
              }
            }
          }
        };
    boolean unary =
        call.getMethodDescriptor()
            .getFullMethodName()
            .equals(SocialAccountServiceGrpc.getHasSocialAccountMethod().getFullMethodName());
    return new SimpleForwardingServerCallListener<ReqT>(next.startCall(timed, headers)) {
      @Override
      public void onMessage(ReqT message) {
        if (!unary || !(message instanceof InputStream raw)) {
          super.onMessage(message);
          return;
        }
        // The server parses requests after its interceptors (RequestDecoding): they see the
        // transport's bytes. Read them, note the address, and hand on a copy.
        byte[] bytes;
        try {
          bytes = raw.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        try {
          email[0] = HasSocialAccountRequest.parseFrom(bytes).getEmail();
          runs.computeIfAbsent(email[0], k -> new Run());
        } catch (InvalidProtocolBufferException e) {
          // Not a request: the server refuses it; nothing to time.
        }
        @SuppressWarnings("unchecked") // ReqT is InputStream here (checked above)
        ReqT copy = (ReqT) new ByteArrayInputStream(bytes);
        super.onMessage(copy);
      }
    };
  }

  private void fold(Run run) {
    synchronized (run) {
      synchronized (this) {
        if (run.sent == Long.MAX_VALUE) {
          closedWithoutAnswer.incrementAndGet();
          return;
        }
        if (run.firstFound == Long.MAX_VALUE) {
          runsWithoutFound++;
          return;
        }
        foundToAnswer.recordValue(Math.max(0, run.sent - run.firstFound));
        for (String platform : run.started.keySet()) {
          Long cancelledAt = run.cancelled.get(platform);
          if (cancelledAt == null) {
            if (!run.completed.contains(platform)) {
              losersNotCancelled++;
            }
            continue;
          }
          foundToCancel.recordValue(Math.max(0, cancelledAt - run.firstFound));
          if (cancelledAt <= run.sent) {
            cancelledBeforeAnswer++;
          }
          answerToCancel.recordValue(Math.max(0, cancelledAt - run.sent));
        }
      }
    }
  }

  /** One line for the driver: counters and the histograms, then resets them. */
  synchronized String reportAndReset() {
    String line =
        "TIMELINE"
            + " runs="
            + foundToAnswer.getTotalCount()
            + " runsWithoutFound="
            + runsWithoutFound
            + " closedWithoutAnswer="
            + closedWithoutAnswer.getAndSet(0)
            + " losersNotCancelled="
            + losersNotCancelled
            + " cancelledBeforeAnswer="
            + cancelledBeforeAnswer
            + " foundToAnswer="
            + Histograms.encode(foundToAnswer)
            + " foundToCancel="
            + Histograms.encode(foundToCancel)
            + " answerToCancel="
            + Histograms.encode(answerToCancel)
            + " dispatchDelay="
            + Histograms.encode(dispatchDelay);
    foundToAnswer.reset();
    foundToCancel.reset();
    answerToCancel.reset();
    dispatchDelay.reset();
    cancelledBeforeAnswer = 0;
    losersNotCancelled = 0;
    runsWithoutFound = 0;
    return line;
  }
}
