package dev.socialcheck.client;

import dev.socialcheck.v1.PlatformResult;

/**
 * Receives the results of a {@link SocialCheckClient#checkEach(dev.socialcheck.v1.CheckEachRequest,
 * CheckEachListener) checkEach} stream: one {@link #onResult} per platform in the order the checks
 * completed, then exactly one of {@link #onCompleted} or {@link #onError}.
 *
 * <p>Calls come from the client's callback executor ({@link
 * SocialCheckSettings.Builder#setExecutor}), one at a time and in order, so an implementation needs
 * no locking of its own. They should return quickly: the next result is requested only once {@link
 * #onResult} has returned. If {@link #onResult} throws, the call is cancelled and {@link #onError}
 * follows with {@code CANCELLED} and the thrown exception as cause. After the stream is cancelled
 * (its future cancelled), no more results arrive and {@link #onError} receives {@code CANCELLED}.
 *
 * <pre>{@code
 * ListenableFuture<Void> done =
 *     client.checkEach(
 *         CheckEachRequest.newBuilder().setEmail("user@email.com").build(),
 *         new CheckEachListener() {
 *           @Override
 *           public void onResult(PlatformResult result) {
 *             System.out.println(result.getPlatform() + ": " + result.getStatus());
 *           }
 *
 *           @Override
 *           public void onCompleted() {
 *             System.out.println("every platform answered");
 *           }
 *
 *           @Override
 *           public void onError(SocialCheckException error) {
 *             System.err.println("stream failed: " + error.getMessage());
 *           }
 *         });
 * }</pre>
 */
public interface CheckEachListener {

  /** One platform's result, as soon as its check completed. */
  void onResult(PlatformResult result);

  /** The stream ended normally: every requested platform has reported. */
  void onCompleted();

  /** The stream failed or was cancelled; no other call follows. */
  void onError(SocialCheckException error);
}
