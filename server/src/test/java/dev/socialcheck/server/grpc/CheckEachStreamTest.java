package dev.socialcheck.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.SettableFuture;
import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.PlatformResult;
import dev.socialcheck.server.engine.Verdict;
import dev.socialcheck.server.testing.CapturedLogs;
import dev.socialcheck.server.testing.FakeServerStream;
import dev.socialcheck.v1.CheckEachResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CheckEachStream} against an observer whose readiness the test controls. */
class CheckEachStreamTest {
  @RegisterExtension final CapturedLogs logs = CapturedLogs.of(CheckEachStream.class);
  private final FakeObserver observer = new FakeObserver();
  private final CheckEachStream stream =
      new CheckEachStream(observer, MoreExecutors.directExecutor());
  private final SettableFuture<CheckReport> run = SettableFuture.create();

  private static PlatformResult result(String id) {
    return new PlatformResult(id, CheckStatus.NOT_FOUND, Duration.ofMillis(5), "no");
  }

  private static CheckReport report() {
    return new CheckReport(Verdict.NOT_FOUND, Optional.empty(), List.of(), Duration.ZERO);
  }

  @Test
  void notReady_nothingIsSent_untilTheTransportAsksForMore() {
    stream.follow(run);
    observer.ready = false;

    stream.onResult(result("a"));
    stream.onResult(result("b"));
    run.set(report());
    assertThat(observer.sent).as("sent while not ready").isEmpty();
    assertThat(observer.completed).isFalse();

    observer.ready = true;
    observer.onReady.run();

    assertThat(observer.sent).containsExactly("a", "b");
    assertThat(observer.completed).isTrue();
  }

  @Test
  void readinessLostMidway_stopsSending_andResumesOnReady() {
    stream.follow(run);
    observer.readyFor = 1;

    stream.onResult(result("a"));
    stream.onResult(result("b"));
    assertThat(observer.sent).containsExactly("a");

    observer.readyFor = Integer.MAX_VALUE;
    observer.onReady.run();
    assertThat(observer.sent).containsExactly("a", "b");
    assertThat(observer.completed).isFalse();

    run.set(report());
    assertThat(observer.completed).isTrue();
  }

  @Test
  void cancelledCall_cancelsTheRun_andSendsNothingMore() {
    stream.follow(run);
    stream.onResult(result("a"));

    observer.onCancel.run();
    stream.onResult(result("b"));

    assertThat(run.isCancelled()).isTrue();
    assertThat(observer.sent).containsExactly("a");
    assertThat(observer.completed).isFalse();
    assertThat(observer.error).isNull();
  }

  @Test
  void failedRun_endsTheStreamWithInternal_withoutDetails() {
    stream.follow(run);

    run.setException(new IllegalStateException("secret details"));

    assertThat(observer.error).isNotNull();
    assertThat(io.grpc.Status.fromThrowable(observer.error).getCode())
        .isEqualTo(io.grpc.Status.Code.INTERNAL);
    assertThat(observer.error).hasMessageNotContaining("secret");
    assertThat(logs.take(Level.ERROR, "CheckEach failed unexpectedly"))
        .as("the server's own log keeps the cause")
        .singleElement()
        .satisfies(e -> assertThat(e.getThrowableProxy().getMessage()).isEqualTo("secret details"));
  }

  /** A server observer with readiness under test control; records what was sent. */
  private static final class FakeObserver extends FakeServerStream<CheckEachResponse> {
    @Override
    protected void deliver(CheckEachResponse value) {
      sent.add(value.getResult().getPlatform());
    }
  }
}
