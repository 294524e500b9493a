package dev.socialcheck.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Records the deadline the SDK gave each call it made on the channel (empty: none). */
final class DeadlineRecorder implements ClientInterceptor {
  private final List<Optional<Deadline>> deadlines = new ArrayList<>();

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    synchronized (deadlines) {
      deadlines.add(Optional.ofNullable(callOptions.getDeadline()));
    }
    return next.newCall(method, callOptions);
  }

  /** The deadlines of the last {@code count} calls, oldest first; each call must have one. */
  List<Deadline> last(int count) {
    synchronized (deadlines) {
      assertThat(deadlines.size()).as("calls made").isGreaterThanOrEqualTo(count);
      return deadlines.subList(deadlines.size() - count, deadlines.size()).stream()
          .map(d -> d.orElseThrow(() -> new AssertionError("a call without a deadline")))
          .toList();
    }
  }

  /** The deadline of the last call, which must have one. */
  Deadline last() {
    return last(1).get(0);
  }

  /** Whether the last call had a deadline. */
  boolean lastHadDeadline() {
    synchronized (deadlines) {
      assertThat(deadlines).as("calls made").isNotEmpty();
      return deadlines.get(deadlines.size() - 1).isPresent();
    }
  }
}
