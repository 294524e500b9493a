package dev.socialcheck.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ServerCall;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DelayedServerListenerTest {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final ServerCall.Listener<String> recorder =
      new ServerCall.Listener<>() {
        @Override
        public void onMessage(String message) {
          events.add("message " + message);
        }

        @Override
        public void onHalfClose() {
          events.add("halfClose");
        }

        @Override
        public void onCancel() {
          events.add("cancel");
        }

        @Override
        public void onComplete() {
          events.add("complete");
        }

        @Override
        public void onReady() {
          events.add("ready");
        }
      };

  @Test
  void eventsBeforeTheDelegate_areReplayedInOrder_thenPassThrough() {
    DelayedServerListener<String> delayed = new DelayedServerListener<>();
    delayed.onReady();
    delayed.onMessage("a");
    assertThat(events).isEmpty();

    delayed.setDelegate(recorder);
    delayed.onHalfClose();
    delayed.onComplete();

    assertThat(events).containsExactly("ready", "message a", "halfClose", "complete");
    assertThat(delayed.isCancelled()).isFalse();
  }

  @Test
  void cancellationWhileWaiting_isVisibleAtOnce_andReplayed() {
    DelayedServerListener<String> delayed = new DelayedServerListener<>();
    delayed.onCancel();

    assertThat(delayed.isCancelled()).isTrue();
    delayed.setDelegate(recorder);
    assertThat(events).containsExactly("cancel");
  }
}
