package dev.socialcheck.server.cli;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.CheckManyResponse;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.ObjLongConsumer;
import me.tongfei.progressbar.ProgressBar;
import org.jspecify.annotations.Nullable;

/**
 * One run of {@code screen}: feeds the input's lines to a {@code CheckMany} stream as fast as the
 * stream takes them, and writes each answer to the results as it comes.
 *
 * <p>The input is read only while the call is ready (gRPC flow control): the server reads a bounded
 * number of items at a time, so a large input is never in memory, only the addresses of the items
 * in flight (to write them beside their answers). Lines an earlier run already answered are skipped
 * without being sent; lines that cannot be read are written as errors without being sent.
 *
 * <p>{@link #stop()} (Ctrl-C) cancels the stream: the server cancels every item's checks, the
 * answers received so far are in the results, and a new run resumes after them.
 */
final class Screening {
  /** How a run ended. */
  enum End {
    /** Every line has its record. */
    COMPLETED,
    /** {@link #stop()} was called. */
    STOPPED,
    /** The stream failed (see {@link #failure()}). */
    FAILED
  }

  private final ScreenInput input;
  private final ResultsFile results;
  private final CheckManyRequest options;
  private final @Nullable ProgressBar progress;
  private final ObjLongConsumer<Screening> afterRecord;

  /** Id (the input line) to address, for the items sent and not yet answered. */
  private final Map<String, String> inFlight = new ConcurrentHashMap<>();

  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile @Nullable ClientCallStreamObserver<CheckManyRequest> call;
  private volatile boolean stopped;
  private volatile @Nullable String failure;

  // Confined to the ready handler (gRPC serializes it).
  private boolean inputEnded;
  private long skipped;

  /**
   * @param options platforms, strategy, hedge delay and check timeout for every item
   * @param progress advanced for every line done or skipped, if shown
   * @param afterRecord told after each record this run writes, with the count so far
   */
  Screening(
      ScreenInput input,
      ResultsFile results,
      CheckManyRequest options,
      @Nullable ProgressBar progress,
      ObjLongConsumer<Screening> afterRecord) {
    this.input = input;
    this.results = results;
    this.options = options;
    this.progress = progress;
    this.afterRecord = afterRecord;
  }

  /** Runs the stream over {@code channel} to its end. */
  End run(Channel channel) throws InterruptedException {
    SocialAccountServiceGrpc.newStub(channel).checkMany(new Answers());
    ended.await();
    if (stopped) {
      return End.STOPPED;
    }
    return failure == null ? End.COMPLETED : End.FAILED;
  }

  /** Cancels the stream; {@link #run} then returns {@link End#STOPPED}. Any thread. */
  void stop() {
    stopped = true;
    ClientCallStreamObserver<CheckManyRequest> started = call;
    if (started != null) {
      started.cancel("the screening was interrupted", null);
    }
  }

  /** Why the stream failed, for people. */
  @Nullable String failure() {
    return failure;
  }

  /** Lines skipped because an earlier run had answered them. */
  long skipped() {
    return skipped;
  }

  private void fail(String why, @Nullable Throwable cause) {
    failure = why;
    ClientCallStreamObserver<CheckManyRequest> started = call;
    if (started != null) {
      started.cancel(why, cause);
    }
  }

  private void recorded(long count) {
    if (progress != null) {
      progress.step();
      progress.setExtraMessage(" found " + results.tally().found());
    }
    afterRecord.accept(this, count);
  }

  /** The call's observer: sends input lines when ready, writes answers when they come. */
  private final class Answers
      implements ClientResponseObserver<CheckManyRequest, CheckManyResponse> {
    @Override
    public void beforeStart(ClientCallStreamObserver<CheckManyRequest> requestStream) {
      call = requestStream;
      requestStream.setOnReadyHandler(() -> send(requestStream));
      if (stopped) {
        requestStream.cancel("the screening was interrupted", null);
      }
    }

    private void send(ClientCallStreamObserver<CheckManyRequest> requests) {
      try {
        while (!inputEnded && !stopped && requests.isReady()) {
          if (!input.hasNext()) {
            inputEnded = true;
            requests.onCompleted();
            return;
          }
          ScreenInput.Item item = input.next();
          if (results.isDone(item.line())) {
            skipped++;
            if (progress != null) {
              progress.step();
            }
          } else if (item.error() != null) {
            recorded(
                results.writeError(item.line(), item.email(), "INVALID_ARGUMENT", item.error()));
          } else {
            String id = Long.toString(item.line());
            inFlight.put(id, item.email());
            requests.onNext(options.toBuilder().setId(id).setEmail(item.email()).build());
          }
        }
      } catch (UncheckedIOException e) {
        inputEnded = true;
        fail("cannot read the input: " + requireNonNull(e.getCause()).getMessage(), e);
      } catch (IOException e) {
        inputEnded = true;
        fail("cannot write the results: " + e.getMessage(), e);
      }
    }

    @Override
    public void onNext(CheckManyResponse answer) {
      String email = inFlight.remove(answer.getId());
      long line;
      try {
        line = Long.parseLong(answer.getId());
      } catch (NumberFormatException e) {
        fail("the server answered an item that was not sent", e);
        return;
      }
      try {
        long count =
            answer.hasError()
                ? results.writeError(
                    line,
                    email == null ? "" : email,
                    Status.fromCodeValue(answer.getError().getCode()).getCode().name(),
                    answer.getError().getMessage())
                : results.writeAnswer(line, email == null ? "" : email, answer.getResponse());
        recorded(count);
      } catch (IOException e) {
        fail("cannot write the results: " + e.getMessage(), e);
      }
    }

    @Override
    public void onError(Throwable t) {
      if (failure == null) {
        Status status = Status.fromThrowable(t);
        failure =
            status.getCode()
                + (status.getDescription() == null ? "" : ": " + status.getDescription());
      }
      ended.countDown();
    }

    @Override
    public void onCompleted() {
      ended.countDown();
    }
  }
}
