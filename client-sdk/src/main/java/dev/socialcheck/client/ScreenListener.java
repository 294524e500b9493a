package dev.socialcheck.client;

import dev.socialcheck.v1.CheckManyResponse;

/**
 * Receives the answers of a {@link SocialCheckClient#screen(java.util.Iterator, ScreenListener)
 * screen} stream: one {@link #onResult} per item, in the order the items were answered (match them
 * by {@link CheckManyResponse#getId()}), then exactly one of {@link #onCompleted} or {@link
 * #onError}.
 *
 * <p>Calls come from the client's callback executor ({@link
 * SocialCheckSettings.Builder#setExecutor}), one at a time and in order, so an implementation needs
 * no locking of its own. The next answer is requested only once {@link #onResult} has returned: a
 * slow listener slows the server down (it then reads fewer items) instead of filling memory. If
 * {@link #onResult} throws, the call is cancelled and {@link #onError} follows with {@code
 * CANCELLED} and the thrown exception as cause.
 *
 * <pre>{@code
 * ListenableFuture<Void> done =
 *     client.screen(
 *         items,
 *         new ScreenListener() {
 *           @Override
 *           public void onResult(CheckManyResponse answer) {
 *             if (answer.hasError()) {
 *               System.out.println(answer.getId() + ": " + answer.getError().getMessage());
 *             } else {
 *               System.out.println(answer.getId() + ": " + answer.getResponse().getVerdict());
 *             }
 *           }
 *
 *           @Override
 *           public void onCompleted() {
 *             System.out.println("every item answered");
 *           }
 *
 *           @Override
 *           public void onError(SocialCheckException error) {
 *             System.err.println("stream failed: " + error.getMessage());
 *           }
 *         });
 * }</pre>
 */
public interface ScreenListener {

  /**
   * One item's answer: {@link CheckManyResponse#getResponse()}, or {@link
   * CheckManyResponse#getError()} for an item the server refused (e.g. {@code INVALID_ARGUMENT} for
   * a malformed address), which does not end the stream.
   */
  void onResult(CheckManyResponse answer);

  /** The stream ended normally: every item was answered. */
  void onCompleted();

  /**
   * The stream failed or was cancelled; no other call follows. Items without an answer by then were
   * not checked to the end: send them again (on {@code UNAVAILABLE} from a server shutting down, to
   * another replica).
   */
  void onError(SocialCheckException error);
}
