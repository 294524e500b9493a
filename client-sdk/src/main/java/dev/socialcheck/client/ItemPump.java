package dev.socialcheck.client;

import io.grpc.ClientCall;
import java.util.Iterator;

/**
 * Sends a {@code CheckMany} call's items from an iterator as the call's flow control allows: on
 * each readiness callback it pulls and sends items while {@link ClientCall#isReady()}, and
 * half-closes after the last one. Once the server stops reading, the transport's flow-control
 * window fills, the call stops being ready, and the iterator is no longer pulled until the server
 * reads again.
 *
 * <p>Runs only from the call's listener callbacks, which gRPC serializes: the iterator is never
 * pulled by two threads. If the iterator throws, the call is cancelled with that cause.
 */
final class ItemPump<ReqT> {
  private final ClientCall<ReqT, ?> call;
  private final Iterator<? extends ReqT> items;
  private boolean done;

  ItemPump(ClientCall<ReqT, ?> call, Iterator<? extends ReqT> items) {
    this.call = call;
    this.items = items;
  }

  /** Sends what the call takes now. */
  void onReady() {
    try {
      while (!done && call.isReady()) {
        if (!items.hasNext()) {
          done = true;
          call.halfClose();
          return;
        }
        call.sendMessage(items.next());
      }
    } catch (RuntimeException | Error e) {
      done = true;
      call.cancel("the items iterator threw", e);
    }
  }
}
