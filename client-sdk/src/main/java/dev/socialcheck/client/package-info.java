/**
 * Java client for the socialcheck gRPC service: does an e-mail address have an account on
 * well-known platforms?
 *
 * <p>Start with {@link dev.socialcheck.client.SocialCheckClient}, built from {@link
 * dev.socialcheck.client.SocialCheckSettings}. Calls return Guava {@link
 * com.google.common.util.concurrent.ListenableFuture}s that compose without blocking, and
 * cancelling one (with or without interrupt) cancels the call on the server. Failures are {@link
 * dev.socialcheck.client.SocialCheckException}s carrying the gRPC status. Requests and responses
 * are the {@code dev.socialcheck.v1} protobuf messages.
 *
 * <pre>{@code
 * try (SocialCheckClient client =
 *     SocialCheckClient.create(
 *         SocialCheckSettings.newBuilder().setTarget("localhost:50051").setPlaintext(true).build())) {
 *   HasSocialAccountResponse answer = client.hasSocialAccount("user@email.com").get();
 *   System.out.println(answer.getHasAccount() ? "found on " + answer.getFoundOn() : "not found");
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.socialcheck.client.SocialCheckClient}: the calls ({@code hasSocialAccount},
 *       {@code checkEach} in three flavours, {@code screen} and {@code screenBlocking}, {@code
 *       listPlatforms}, {@code firstFound}).
 *   <li>{@link dev.socialcheck.client.SocialCheckSettings}, {@link
 *       dev.socialcheck.client.CallSettings}: client-wide and per-call configuration; {@link
 *       dev.socialcheck.client.RetryPolicy}, {@link dev.socialcheck.client.HedgingPolicy}.
 *   <li>{@link dev.socialcheck.client.CheckEachListener}, {@link
 *       dev.socialcheck.client.FoundAccount}: streaming results and race winners.
 *   <li>{@link dev.socialcheck.client.SocialCheckException}: the one failure type.
 * </ul>
 *
 * <p>Every public type is thread-safe unless it says otherwise (builders are not). Nullness follows
 * JSpecify: everything is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.socialcheck.client;

import org.jspecify.annotations.NullMarked;
