package dev.socialcheck.server.grpc;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.canary.Canary;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.Fingerprints;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformLearning;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.CheckManyResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.ListPlatformsResponse;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts {@code socialcheck.v1.SocialAccountService} to the {@link CheckEngine}.
 *
 * <p>Handlers never block: they validate, start a run and return. A unary answer is sent by the
 * thread that completes the run (the engine's timer thread or a checker's I/O thread): converting
 * the report and handing ~150 bytes to the transport takes microseconds, and a hop to {@code
 * executor} cost milliseconds at p99 on a busy machine (benchmarks/RESULTS.md, target 3). Streams
 * still go through {@code executor} ({@link CheckEachStream}, {@link CheckManyStream}). When the
 * call is cancelled or its deadline passes, the run is cancelled, which cancels every check still
 * in flight.
 */
final class SocialAccountServiceImpl extends SocialAccountServiceGrpc.SocialAccountServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(SocialAccountServiceImpl.class);

  private final CheckEngine engine;
  private final Fingerprints fingerprints;
  private final Catalog catalog;
  private final RequestParser parser;
  private final Duration defaultHedgeDelay;
  private final Executor executor;
  private final Function<String, Optional<Canary.State>> canary;
  private final CheckManyStream.Settings checkMany;
  private final Set<CheckManyStream> openStreams = ConcurrentHashMap.newKeySet();

  /**
   * @param checkManyConcurrency most items of one CheckMany stream held at once
   * @param itemPermits where CheckMany items take their rate-limit permits
   * @param checkManyStats the CheckMany counters
   * @param canary what the canary knows of a platform (empty when no canary watches it)
   * @param fingerprints tags addresses in log lines
   */
  SocialAccountServiceImpl(
      CheckEngine engine,
      Catalog catalog,
      Duration defaultHedgeDelay,
      Executor executor,
      int checkManyConcurrency,
      ItemPermits itemPermits,
      CheckManyStats checkManyStats,
      Function<String, Optional<Canary.State>> canary,
      Fingerprints fingerprints) {
    this.fingerprints = fingerprints;
    this.engine = engine;
    this.catalog = catalog;
    this.parser = new RequestParser(catalog, defaultHedgeDelay);
    this.defaultHedgeDelay = defaultHedgeDelay;
    this.executor = executor;
    this.canary = canary;
    this.checkMany =
        new CheckManyStream.Settings(
            engine, parser, itemPermits, checkManyConcurrency, checkManyStats, executor);
  }

  @Override
  public void hasSocialAccount(
      HasSocialAccountRequest request, StreamObserver<HasSocialAccountResponse> responseObserver) {
    Context context = Context.current();
    CheckRequest checkRequest;
    try {
      checkRequest = parser.parse(request, context.getDeadline());
    } catch (StatusException e) {
      responseObserver.onError(e);
      return;
    }
    describeAddress(checkRequest);
    ListenableFuture<CheckReport> run = engine.run(checkRequest);
    // Runs on client cancel, deadline, and also once the call has completed (then it is a no-op).
    Context.CancellationListener cancelRun = ignored -> run.cancel(true);
    context.addListener(cancelRun, directExecutor());
    Futures.addCallback(
        run,
        new FutureCallback<CheckReport>() {
          @Override
          public void onSuccess(@Nullable CheckReport done) {
            CheckReport report = requireNonNull(done);
            context.removeListener(cancelRun);
            if (log.isDebugEnabled()) { // the fingerprint is an HMAC: not for a line not written
              log.debug(
                  "HasSocialAccount email={} strategy={} verdict={} elapsed={}",
                  fingerprints.of(checkRequest.email()),
                  checkRequest.strategy(),
                  report.verdict(),
                  report.elapsed());
            }
            responseObserver.onNext(Protos.toProto(report));
            responseObserver.onCompleted();
          }

          @Override
          public void onFailure(Throwable t) {
            context.removeListener(cancelRun);
            if (t instanceof CancellationException) {
              return; // The caller cancelled or ran out of time: nobody is listening any more.
            }
            log.error("HasSocialAccount failed unexpectedly", t);
            responseObserver.onError(
                Status.INTERNAL.withDescription("internal error").asException());
          }
        },
        directExecutor());
  }

  @Override
  public void checkEach(
      CheckEachRequest request, StreamObserver<CheckEachResponse> responseObserver) {
    ServerCallStreamObserver<CheckEachResponse> observer =
        (ServerCallStreamObserver<CheckEachResponse>) responseObserver;
    CheckRequest checkRequest;
    try {
      checkRequest = parser.parse(request, Context.current().getDeadline());
    } catch (StatusException e) {
      observer.onError(e);
      return;
    }
    describeAddress(checkRequest);
    CheckEachStream stream = new CheckEachStream(observer, executor);
    ListenableFuture<CheckReport> run = engine.run(checkRequest, stream);
    stream.follow(run);
  }

  /** Hands the parsed address to the telemetry, so the call's fingerprint is computed once. */
  private static void describeAddress(CheckRequest checkRequest) {
    CallInfo info = CallInfo.current();
    if (info != null) {
      info.describeAddress(checkRequest.email());
    }
  }

  @Override
  public StreamObserver<CheckManyRequest> checkMany(
      StreamObserver<CheckManyResponse> responseObserver) {
    return CheckManyStream.start(
        (ServerCallStreamObserver<CheckManyResponse>) responseObserver,
        checkMany,
        Context.current().getDeadline(),
        CallInfo.current(),
        openStreams);
  }

  /**
   * Server shutdown: every open CheckMany stream reads no further item, answers the ones it holds,
   * then ends with {@code UNAVAILABLE}.
   */
  void drainStreams() {
    openStreams.forEach(CheckManyStream::drain);
  }

  @Override
  public void listPlatforms(
      ListPlatformsRequest request, StreamObserver<ListPlatformsResponse> responseObserver) {
    ListPlatformsResponse.Builder response = ListPlatformsResponse.newBuilder();
    PlatformLearning learning = engine.learning();
    List<PlatformLearning.Step> plan = learning.plan(catalog.platforms(), defaultHedgeDelay);
    for (Platform platform : catalog.platforms()) {
      int rank = 0;
      while (!plan.get(rank).platform().id().equals(platform.id())) {
        rank++;
      }
      response.addPlatforms(
          Protos.toProto(
              platform,
              learning.snapshot(platform.id()),
              plan.get(rank),
              rank + 1,
              canary.apply(platform.id())));
    }
    responseObserver.onNext(response.build());
    responseObserver.onCompleted();
  }
}
