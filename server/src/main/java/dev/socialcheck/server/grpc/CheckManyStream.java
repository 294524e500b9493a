package dev.socialcheck.server.grpc;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.Strategy;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.CheckManyResponse;
import dev.socialcheck.v1.HasSocialAccountResponse;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code CheckMany} stream: reads items as its concurrency limit allows, checks each with the
 * engine, and sends the answers in the order they come.
 *
 * <p><b>Threading.</b> gRPC delivers items, the half-close, readiness and cancellation; the engine
 * completes runs on its threads; the rate limit answers on Redis's or the scheduler's. Each of
 * these only queues a task on one sequential executor, which owns every field below and is the only
 * caller of the observer (which is not thread-safe): calls are serialized, no lock is needed, and
 * no gRPC call is ever made under a lock.
 *
 * <p><b>Flow control.</b> Inbound flow control is manual: the stream requests {@code concurrency}
 * items at the start and one more each time an answer is handed to the transport. So the items it
 * holds (waiting for a rate-limit permit, being checked, or answered but not sent because the
 * client does not read) never exceed {@code concurrency}; with that many held it reads nothing
 * more, and the client's sends block in its own flow control. Answers are sent only while the
 * transport is ready ({@link ServerCallStreamObserver#isReady()}), the rest from the ready handler.
 *
 * <p><b>Items.</b> An item is parsed like a {@code HasSocialAccount} request; a bad one is answered
 * with its {@code INVALID_ARGUMENT} status and the stream goes on. A good one takes a permit from
 * the caller's rate limit ({@link ItemPermits}), waiting on the scheduler for as long as the limit
 * says when it is refused, then is checked. Items with the same normalized address and options
 * share the run of the first while it is in flight ({@link RunKey}): one engine run, one answer per
 * item.
 *
 * <p><b>End.</b> After the half-close, once every held item is answered: {@code OK}. On
 * cancellation or deadline: every run and every permit wait is cancelled, nothing more is sent. On
 * server shutdown ({@link #drain()}): nothing more is read, the held items are answered, then the
 * stream ends with {@code UNAVAILABLE} so that the client sends the rest elsewhere.
 */
final class CheckManyStream implements StreamObserver<CheckManyRequest> {
  private static final Logger log = LoggerFactory.getLogger(CheckManyStream.class);

  /** What every stream of a server shares. */
  record Settings(
      CheckEngine engine,
      RequestParser parser,
      ItemPermits permits,
      int concurrency,
      CheckManyStats stats,
      Executor executor) {}

  private final ServerCallStreamObserver<CheckManyResponse> observer;
  private final Settings settings;
  private final Executor serialized;
  private final ScheduledExecutorService scheduler;
  private final String callerKey;
  private final @Nullable Deadline deadline;
  private final @Nullable CallInfo callInfo;
  private final Set<CheckManyStream> openStreams;

  // Confined to tasks of `serialized`.
  private final Map<RunKey, SharedRun> runs = new HashMap<>();
  private final Map<Object, Future<?>> permitWaits = new HashMap<>();
  private final Queue<CheckManyResponse> outbox = new ArrayDeque<>();
  private int held;
  private boolean halfClosed;
  private boolean draining;
  private boolean ended;

  /**
   * @param deadline the call's deadline, if any: each item's checks end by then
   * @param callInfo the call's telemetry, which counts the items
   * @param openStreams where the stream is while it is open (for {@link #drain()} at shutdown)
   */
  private CheckManyStream(
      ServerCallStreamObserver<CheckManyResponse> observer,
      Settings settings,
      @Nullable Deadline deadline,
      @Nullable CallInfo callInfo,
      Set<CheckManyStream> openStreams) {
    this.observer = observer;
    this.settings = settings;
    this.serialized = MoreExecutors.newSequentialExecutor(settings.executor());
    this.scheduler = settings.engine().scheduler();
    this.callerKey = CallerRateLimit.callerKey(callInfo);
    this.deadline = deadline;
    this.callInfo = callInfo;
    this.openStreams = openStreams;
  }

  /**
   * Sets up flow control and cancellation on {@code observer}, adds the stream to {@code
   * openStreams} until it ends, and asks for the first items. Call from the service handler, before
   * it returns the stream.
   */
  static CheckManyStream start(
      ServerCallStreamObserver<CheckManyResponse> observer,
      Settings settings,
      @Nullable Deadline deadline,
      @Nullable CallInfo callInfo,
      Set<CheckManyStream> openStreams) {
    CheckManyStream stream =
        new CheckManyStream(observer, settings, deadline, callInfo, openStreams);
    openStreams.add(stream);
    observer.disableAutoRequest();
    observer.setOnReadyHandler(() -> stream.serialized.execute(stream::flush));
    // Setting a cancel handler also stops onNext from throwing once the call is cancelled.
    observer.setOnCancelHandler(() -> stream.serialized.execute(stream::cancelled));
    settings.stats().streamOpened();
    observer.request(settings.concurrency());
    return stream;
  }

  @Override
  public void onNext(CheckManyRequest item) {
    serialized.execute(() -> admit(item));
  }

  @Override
  public void onCompleted() {
    serialized.execute(
        () -> {
          halfClosed = true;
          flush();
        });
  }

  @Override
  public void onError(Throwable t) {
    // gRPC reports the client's cancellation (or the deadline) here and to the cancel handler.
    serialized.execute(this::cancelled);
  }

  /** Server shutdown: read nothing more, answer what is held, then end with UNAVAILABLE. */
  void drain() {
    serialized.execute(
        () -> {
          draining = true;
          flush();
        });
  }

  private void admit(CheckManyRequest item) {
    if (ended) {
      return;
    }
    held++;
    settings.stats().itemReceived(held);
    CheckRequest request;
    try {
      request = settings.parser().parse(item, deadline);
    } catch (StatusException e) {
      outbox.add(error(item.getId(), e.getStatus()));
      flush();
      return;
    }
    acquirePermit(item.getId(), request, false);
  }

  private void acquirePermit(String id, CheckRequest request, boolean waited) {
    ListenableFuture<Optional<Duration>> decision = settings.permits().tryAcquire(callerKey);
    if (decision.isDone()) {
      decided(id, request, waited, decision);
      return;
    }
    Object token = new Object();
    permitWaits.put(token, decision);
    decision.addListener(
        () ->
            serialized.execute(
                () -> {
                  if (permitWaits.remove(token) != null) {
                    decided(id, request, waited, decision);
                  }
                }),
        directExecutor());
  }

  private void decided(
      String id,
      CheckRequest request,
      boolean waited,
      ListenableFuture<Optional<Duration>> decision) {
    Optional<Duration> wait;
    try {
      wait = requireNonNull(Futures.getDone(decision));
    } catch (ExecutionException | CancellationException e) {
      wait = Optional.empty(); // never happens by contract: let the item go
    }
    if (wait.isEmpty()) {
      check(id, waited ? rebudgeted(request) : request);
      return;
    }
    settings.stats().permitWaited();
    Object token = new Object();
    permitWaits.put(
        token,
        scheduler.schedule(
            () ->
                serialized.execute(
                    () -> {
                      if (permitWaits.remove(token) != null) {
                        acquirePermit(id, request, true);
                      }
                    }),
            Math.max(1, wait.get().toNanos()),
            TimeUnit.NANOSECONDS));
  }

  /** The request with the time left before the deadline now, after waiting for a permit. */
  private CheckRequest rebudgeted(CheckRequest request) {
    if (deadline == null) {
      return request;
    }
    Duration left = Duration.ofNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    return new CheckRequest(
        request.email(),
        request.platforms(),
        request.strategy(),
        request.hedgeDelay(),
        request.checkTimeout(),
        Optional.of(left),
        request.stopAtFirstFound());
  }

  private void check(String id, CheckRequest request) {
    RunKey key = RunKey.of(request);
    SharedRun shared = runs.get(key);
    if (shared != null) {
      shared.ids.add(id);
      settings.stats().itemCoalesced();
      return;
    }
    ListenableFuture<CheckReport> run = settings.engine().run(request);
    SharedRun started = new SharedRun(key, run, id);
    runs.put(key, started);
    run.addListener(() -> serialized.execute(() -> finished(started)), directExecutor());
  }

  private void finished(SharedRun shared) {
    runs.remove(shared.key, shared);
    if (ended) {
      return;
    }
    CheckReport report;
    try {
      report = Futures.getDone(shared.run);
    } catch (CancellationException e) {
      return; // only the stream's end cancels runs
    } catch (ExecutionException e) {
      log.error("CheckMany item failed unexpectedly", e.getCause());
      shared.ids.forEach(
          id -> outbox.add(error(id, Status.INTERNAL.withDescription("internal error"))));
      flush();
      return;
    }
    HasSocialAccountResponse answer = Protos.toProto(requireNonNull(report));
    for (String id : shared.ids) {
      outbox.add(CheckManyResponse.newBuilder().setId(id).setResponse(answer).build());
    }
    flush();
  }

  /** Sends what the transport takes, asks for as many items as were answered, ends when due. */
  private void flush() {
    if (ended) {
      return;
    }
    int sent = 0;
    while (!outbox.isEmpty() && observer.isReady()) {
      CheckManyResponse response = outbox.remove();
      observer.onNext(response);
      held--;
      sent++;
      boolean failed = response.hasError();
      if (failed) {
        settings.stats().itemFailed();
      } else {
        settings.stats().itemAnswered();
      }
      if (callInfo != null) {
        callInfo.itemSent(failed);
      }
    }
    if (held > 0) {
      if (sent > 0 && !halfClosed && !draining) {
        observer.request(sent);
      }
      return;
    }
    if (halfClosed) {
      end();
      observer.onCompleted();
    } else if (draining) {
      end();
      observer.onError(
          Status.UNAVAILABLE
              .withDescription(
                  "server shutting down: every item read was answered; send the others again")
              .asException());
    } else if (sent > 0) {
      observer.request(sent);
    }
  }

  private void cancelled() {
    if (ended) {
      return;
    }
    end();
    runs.values().forEach(shared -> shared.run.cancel(true));
    runs.clear();
    permitWaits.values().forEach(wait -> wait.cancel(false));
    permitWaits.clear();
    settings.stats().itemsDropped(held);
    held = 0;
    outbox.clear();
  }

  private void end() {
    ended = true;
    settings.stats().streamClosed();
    openStreams.remove(this);
  }

  private static CheckManyResponse error(String id, Status status) {
    return CheckManyResponse.newBuilder()
        .setId(id)
        .setError(
            com.google.rpc.Status.newBuilder()
                .setCode(status.getCode().value())
                .setMessage(status.getDescription() == null ? "" : status.getDescription()))
        .build();
  }

  /** What makes two items the same check: the normalized address and every option. */
  private record RunKey(
      String email,
      List<String> platforms,
      Strategy strategy,
      Duration hedgeDelay,
      Optional<Duration> checkTimeout) {
    static RunKey of(CheckRequest request) {
      return new RunKey(
          request.email().value(),
          request.platforms().stream().map(Platform::id).sorted().toList(),
          request.strategy(),
          request.hedgeDelay(),
          request.checkTimeout());
    }
  }

  /** A run in flight and the ids of the items it answers. */
  private static final class SharedRun {
    final RunKey key;
    final ListenableFuture<CheckReport> run;
    final List<String> ids = new ArrayList<>(1);

    SharedRun(RunKey key, ListenableFuture<CheckReport> run, String firstId) {
      this.key = key;
      this.run = run;
      ids.add(firstId);
    }
  }
}
