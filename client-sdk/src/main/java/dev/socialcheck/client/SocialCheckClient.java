package dev.socialcheck.client;

import static com.google.common.base.Preconditions.checkState;
import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.CheckManyResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.ListPlatformsResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Client of the socialcheck service: does an e-mail address have an account on well-known
 * platforms?
 *
 * <pre>{@code
 * try (SocialCheckClient client =
 *     SocialCheckClient.create(
 *         SocialCheckSettings.newBuilder().setTarget("localhost:50051").setPlaintext(true).build())) {
 *   ListenableFuture<HasSocialAccountResponse> answer = client.hasSocialAccount("user@email.com");
 *   ListenableFuture<String> line =
 *       FluentFuture.from(answer)
 *           .transform(r -> r.getHasAccount() ? "found on " + r.getFoundOn() : "not found",
 *               MoreExecutors.directExecutor())
 *           .catching(SocialCheckException.class, e -> "failed: " + e.getMessage(),
 *               MoreExecutors.directExecutor());
 *   System.out.println(line.get()); // or keep composing: no thread waits for the server
 * }
 * }</pre>
 *
 * <h2>Asynchronous calls</h2>
 *
 * <p>Every call returns at once; no thread is parked while it is in flight. Futures complete on the
 * callback executor ({@link SocialCheckSettings.Builder#setExecutor}). Compose them with {@link
 * Futures#transform}, {@link com.google.common.util.concurrent.FluentFuture}, {@link
 * Futures#catching}, or block with {@code get()} where blocking is fine.
 *
 * <h2>Cancellation</h2>
 *
 * <p>Cancelling a returned future cancels the RPC, and the server then cancels the platform checks
 * it started for it. This holds for {@code cancel(true)} <em>and</em> {@code cancel(false)} (unlike
 * grpc-java's own {@code futureUnaryCall}), and for cancellation that Guava propagates from a
 * derived future ({@code Futures.transform(answer, ...).cancel(false)} cancels {@code answer}). The
 * cancelled future reports {@link java.util.concurrent.CancellationException}.
 *
 * <h2>Errors</h2>
 *
 * <p>A call that fails completes its future with a {@link SocialCheckException} carrying the gRPC
 * status and the server's message, e.g. {@code INVALID_ARGUMENT: email has no '@'}. Methods throw
 * only for programming errors: {@link NullPointerException} for a null argument, {@link
 * IllegalStateException} once the client is closed.
 *
 * <h2>Deadlines</h2>
 *
 * <p>Every call has a deadline: {@link SocialCheckSettings#defaultTimeout()} (30 s unless set), or
 * the call's {@link CallSettings}. When it passes, the call fails with {@code DEADLINE_EXCEEDED}
 * and the server cancels the checks.
 *
 * <h2>Lifecycle</h2>
 *
 * <p>Thread-safe; create one client per server and share it. {@link #close()} shuts down the
 * channel if the client created it (from a target), and leaves a borrowed one alone.
 */
public final class SocialCheckClient implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(SocialCheckClient.class.getName());

  /** How long {@link #close()} waits after cancelling the calls still running. */
  private static final Duration CANCELLED_CALLS_GRACE = Duration.ofSeconds(5);

  private final SocialCheckSettings settings;
  private final Channel channel;
  private final @Nullable ManagedChannel ownedChannel;
  private final @Nullable CallCredentials credentials;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SocialCheckClient(
      SocialCheckSettings settings, Channel channel, @Nullable ManagedChannel ownedChannel) {
    this.settings = settings;
    this.channel =
        settings.tracePropagation()
            ? TracePropagation.interceptor()
                .map(interceptor -> ClientInterceptors.intercept(channel, interceptor))
                .orElse(channel)
            : channel;
    this.ownedChannel = ownedChannel;
    this.credentials = settings.effectiveCallCredentials();
  }

  /**
   * Creates a client: with a channel to {@link SocialCheckSettings#target()} that it owns, or on
   * the borrowed {@link SocialCheckSettings#channel()}. Connecting is lazy: an unreachable server
   * shows as {@code UNAVAILABLE} failures of the calls, not here.
   *
   * <pre>{@code
   * SocialCheckClient client =
   *     SocialCheckClient.create(
   *         SocialCheckSettings.newBuilder().setTarget("localhost:50051").setPlaintext(true).build());
   * }</pre>
   *
   * @throws IllegalArgumentException if no gRPC transport on the class path can handle the target
   *     and credentials
   */
  public static SocialCheckClient create(SocialCheckSettings settings) {
    requireNonNull(settings, "settings");
    Optional<Channel> borrowed = settings.channel();
    if (borrowed.isPresent()) {
      return new SocialCheckClient(settings, borrowed.get(), null);
    }
    ManagedChannel owned = OwnedChannels.create(settings);
    return new SocialCheckClient(settings, owned, owned);
  }

  /**
   * Creates a client that owns a channel built from {@code builder}, configured from {@code
   * settings} as {@link #create} configures its own (for tests on another transport).
   */
  static SocialCheckClient createOwning(
      SocialCheckSettings settings, ManagedChannelBuilder<?> builder) {
    ManagedChannel owned = OwnedChannels.configure(builder, settings).build();
    return new SocialCheckClient(settings, owned, owned);
  }

  /** The settings this client was created with. */
  public SocialCheckSettings settings() {
    return settings;
  }

  /**
   * Asks whether {@code email} has an account on any platform of the server's catalog (strategy
   * RACE: answered at the first FOUND, the other checks cancelled).
   *
   * <pre>{@code
   * HasSocialAccountResponse answer = client.hasSocialAccount("user@email.com").get();
   * System.out.println(answer.getVerdict() + " " + answer.getFoundOn());
   * }</pre>
   *
   * @return the answer; fails with {@link SocialCheckException} (e.g. {@code INVALID_ARGUMENT} for
   *     a malformed address); cancelling it cancels the call and its checks
   */
  public ListenableFuture<HasSocialAccountResponse> hasSocialAccount(String email) {
    requireNonNull(email, "email");
    return hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail(email).build());
  }

  /**
   * Asks whether the request's address has an account, with the request's platforms, strategy,
   * hedge delay and check timeout.
   *
   * <pre>{@code
   * ListenableFuture<HasSocialAccountResponse> answer =
   *     client.hasSocialAccount(
   *         HasSocialAccountRequest.newBuilder()
   *             .setEmail("user@email.com")
   *             .addPlatforms("github")
   *             .addPlatforms("twitter")
   *             .setStrategy(Strategy.STRATEGY_HEDGED)
   *             .build());
   * }</pre>
   *
   * @see #hasSocialAccount(String)
   */
  public ListenableFuture<HasSocialAccountResponse> hasSocialAccount(
      HasSocialAccountRequest request) {
    return hasSocialAccount(request, CallSettings.defaults());
  }

  /**
   * Same as {@link #hasSocialAccount(HasSocialAccountRequest)}, with per-call overrides.
   *
   * <pre>{@code
   * ListenableFuture<HasSocialAccountResponse> answer =
   *     client.hasSocialAccount(
   *         HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build(),
   *         CallSettings.newBuilder().setTimeout(Duration.ofSeconds(2)).build());
   * }</pre>
   */
  public ListenableFuture<HasSocialAccountResponse> hasSocialAccount(
      HasSocialAccountRequest request, CallSettings callSettings) {
    requireNonNull(request, "request");
    return UnaryCallFuture.start(
        newCall(SocialAccountServiceGrpc.getHasSocialAccountMethod(), callSettings, null),
        request,
        headersOf(callSettings));
  }

  /**
   * Streams one result per platform, in the order the checks complete, to {@code listener}.
   *
   * <pre>{@code
   * ListenableFuture<Void> done =
   *     client.checkEach(
   *         CheckEachRequest.newBuilder().setEmail("user@email.com").build(), listener);
   * // later, if the remaining results are no longer wanted:
   * done.cancel(false); // cancels the stream and the server's checks
   * }</pre>
   *
   * @return the handle of the stream: succeeds after {@link CheckEachListener#onCompleted()}, fails
   *     after {@link CheckEachListener#onError} with the same {@link SocialCheckException};
   *     cancelling it cancels the call (see {@link CheckEachListener} for what the listener sees)
   */
  public ListenableFuture<@Nullable Void> checkEach(
      CheckEachRequest request, CheckEachListener listener) {
    return checkEach(request, CallSettings.defaults(), listener);
  }

  /** Same as {@link #checkEach(CheckEachRequest, CheckEachListener)}, with per-call overrides. */
  public ListenableFuture<@Nullable Void> checkEach(
      CheckEachRequest request, CallSettings callSettings, CheckEachListener listener) {
    requireNonNull(request, "request");
    requireNonNull(listener, "listener");
    return StreamCallFuture.start(
        newCall(SocialAccountServiceGrpc.getCheckEachMethod(), callSettings, null),
        request,
        headersOf(callSettings),
        new StreamCallFuture.Sink<CheckEachResponse>() {
          @Override
          public void onResult(CheckEachResponse response) {
            listener.onResult(response.getResult());
          }

          @Override
          public void onCompleted() {
            listener.onCompleted();
          }

          @Override
          public void onError(SocialCheckException error) {
            listener.onError(error);
          }
        },
        "CheckEachListener");
  }

  /**
   * Streams one result per platform, in completion order, to the calling thread. The returned
   * stream must be closed: closing it before its end cancels the call and the server's remaining
   * checks. Its operations block the consuming thread while waiting for the next result, and throw
   * {@link SocialCheckException} if the call fails.
   *
   * <pre>{@code
   * try (Stream<PlatformResult> results =
   *     client.checkEachBlocking(CheckEachRequest.newBuilder().setEmail("user@email.com").build())) {
   *   Optional<PlatformResult> firstFound =
   *       results.filter(r -> r.getStatus() == PlatformStatus.PLATFORM_STATUS_FOUND).findFirst();
   * } // leaving the block cancels whatever is still running
   * }</pre>
   *
   * <p>The callback executor is not used: the consuming thread runs the stream's operations.
   */
  public Stream<PlatformResult> checkEachBlocking(CheckEachRequest request) {
    return checkEachBlocking(request, CallSettings.defaults());
  }

  /** Same as {@link #checkEachBlocking(CheckEachRequest)}, with per-call overrides. */
  public Stream<PlatformResult> checkEachBlocking(
      CheckEachRequest request, CallSettings callSettings) {
    requireNonNull(request, "request");
    // gRPC's callbacks only queue results: they may run on the network thread.
    ClientCall<CheckEachRequest, CheckEachResponse> call =
        newCall(SocialAccountServiceGrpc.getCheckEachMethod(), callSettings, directExecutor());
    BlockingResponses<CheckEachResponse, PlatformResult> results =
        new BlockingResponses<>(call, CheckEachResponse::getResult, "the CheckEach stream");
    try {
      call.start(results.listener(() -> {}), headersOf(callSettings));
      call.request(1);
      call.sendMessage(request);
      call.halfClose();
    } catch (RuntimeException | Error e) {
      call.cancel("the call could not be started", e);
      throw e;
    }
    return results.stream();
  }

  /**
   * Checks every requested platform and collects the results, in completion order.
   *
   * <pre>{@code
   * List<PlatformResult> results =
   *     client.checkEachToList(CheckEachRequest.newBuilder().setEmail("user@email.com").build())
   *         .get();
   * }</pre>
   *
   * @return every result once the stream has ended; fails with {@link SocialCheckException};
   *     cancelling it cancels the call
   */
  public ListenableFuture<List<PlatformResult>> checkEachToList(CheckEachRequest request) {
    return checkEachToList(request, CallSettings.defaults());
  }

  /** Same as {@link #checkEachToList(CheckEachRequest)}, with per-call overrides. */
  public ListenableFuture<List<PlatformResult>> checkEachToList(
      CheckEachRequest request, CallSettings callSettings) {
    // Appended by serialized callbacks; read after the stream's future completes, which orders it.
    List<PlatformResult> results = new ArrayList<>();
    ListenableFuture<@Nullable Void> done =
        checkEach(
            request,
            callSettings,
            new CheckEachListener() {
              @Override
              public void onResult(PlatformResult result) {
                results.add(result);
              }

              @Override
              public void onCompleted() {}

              @Override
              public void onError(SocialCheckException error) {}
            });
    // Cancelling the transformed future cancels `done`, hence the call.
    return Futures.transform(done, ignored -> ImmutableList.copyOf(results), directExecutor());
  }

  /**
   * Screens a list of addresses over one {@code CheckMany} stream: each item is checked as {@link
   * #hasSocialAccount(HasSocialAccountRequest)} would check it, and its answer goes to {@code
   * listener}, tagged with the item's id, in the order the items are answered.
   *
   * <pre>{@code
   * Iterator<CheckManyRequest> items =
   *     Files.lines(Path.of("addresses.txt"))
   *         .map(email -> CheckManyRequest.newBuilder().setId(email).setEmail(email).build())
   *         .iterator();
   * ListenableFuture<Void> done = client.screen(items, listener); // see ScreenListener
   * done.get(); // or cancel(false) to stop: the server cancels every item's checks
   * }</pre>
   *
   * <p><b>Backpressure.</b> {@code items} is pulled only while the call can send (gRPC flow
   * control): the server reads a bounded number of items at a time (its {@code
   * --check-many-concurrency}), so once it holds that many, the transport's flow-control window
   * fills and pulling stops until the server answers. A million-line file is never in memory. The
   * iterator is pulled on the callback executor, never by two threads at once; an iterator that
   * blocks (a file, standard input) holds one of that executor's threads meanwhile. If it throws,
   * the call is cancelled and the future fails with {@code CANCELLED} and that cause.
   *
   * <p><b>Deadline.</b> A screening may run for hours: unlike the other calls it has no deadline
   * unless {@code callSettings} set one ({@link #screen(Iterator, CallSettings, ScreenListener)}).
   *
   * <p>Item errors (e.g. a malformed address) are answers with {@link CheckManyResponse#getError()}
   * set; they do not end the stream. The server counts every item against the caller's rate limit,
   * and items over it wait for a permit rather than fail.
   *
   * @return the handle of the stream: succeeds after {@link ScreenListener#onCompleted()}, fails
   *     after {@link ScreenListener#onError} with the same {@link SocialCheckException}; cancelling
   *     it cancels the call and every item's checks on the server
   */
  public ListenableFuture<@Nullable Void> screen(
      Iterator<? extends CheckManyRequest> items, ScreenListener listener) {
    return screen(items, CallSettings.defaults(), listener);
  }

  /** Same as {@link #screen(Iterator, ScreenListener)}, with per-call overrides. */
  public ListenableFuture<@Nullable Void> screen(
      Iterator<? extends CheckManyRequest> items,
      CallSettings callSettings,
      ScreenListener listener) {
    requireNonNull(items, "items");
    requireNonNull(listener, "listener");
    return StreamCallFuture.start(
        newScreenCall(callSettings),
        items,
        headersOf(callSettings),
        new StreamCallFuture.Sink<CheckManyResponse>() {
          @Override
          public void onResult(CheckManyResponse response) {
            listener.onResult(response);
          }

          @Override
          public void onCompleted() {
            listener.onCompleted();
          }

          @Override
          public void onError(SocialCheckException error) {
            listener.onError(error);
          }
        },
        "ScreenListener");
  }

  /**
   * Screens a list of addresses over one {@code CheckMany} stream and returns the answers, in the
   * order the items are answered, as a stream that must be closed: closing it before its end
   * cancels the call and every item's checks. Its operations block the consuming thread while
   * waiting for the next answer, and throw {@link SocialCheckException} if the call fails.
   *
   * <pre>{@code
   * try (Stream<CheckManyResponse> answers = client.screenBlocking(items)) {
   *   answers
   *       .filter(a -> a.hasResponse() && a.getResponse().getHasAccount())
   *       .forEach(a -> System.out.println(a.getId() + " found on " + a.getResponse().getFoundOn()));
   * } // leaving the block early cancels whatever is still running
   * }</pre>
   *
   * <p>Backpressure as in {@link #screen(Iterator, ScreenListener)}, driven by the consumer: the
   * next answer is requested when one is taken, so a consumer that stops taking makes the server
   * stop reading and the iterator stop being pulled. The iterator is pulled on the callback
   * executor. No deadline unless {@code callSettings} set one.
   */
  public Stream<CheckManyResponse> screenBlocking(Iterator<? extends CheckManyRequest> items) {
    return screenBlocking(items, CallSettings.defaults());
  }

  /** Same as {@link #screenBlocking(Iterator)}, with per-call overrides. */
  public Stream<CheckManyResponse> screenBlocking(
      Iterator<? extends CheckManyRequest> items, CallSettings callSettings) {
    requireNonNull(items, "items");
    ClientCall<CheckManyRequest, CheckManyResponse> call = newScreenCall(callSettings);
    BlockingResponses<CheckManyResponse, CheckManyResponse> answers =
        new BlockingResponses<>(call, response -> response, "the CheckMany stream");
    // Readiness runs on the callback executor (not the network thread): the pump may block.
    ItemPump<CheckManyRequest> pump = new ItemPump<>(call, items);
    try {
      call.start(answers.listener(pump::onReady), headersOf(callSettings));
      call.request(1);
    } catch (RuntimeException | Error e) {
      call.cancel("the call could not be started", e);
      throw e;
    }
    return answers.stream();
  }

  /**
   * Lists the platforms the server can check, most likely first.
   *
   * <pre>{@code
   * for (Platform p : client.listPlatforms().get().getPlatformsList()) {
   *   System.out.println(p.getId() + " (" + p.getDisplayName() + ")");
   * }
   * }</pre>
   */
  public ListenableFuture<ListPlatformsResponse> listPlatforms() {
    return listPlatforms(CallSettings.defaults());
  }

  /** Same as {@link #listPlatforms()}, with per-call overrides. */
  public ListenableFuture<ListPlatformsResponse> listPlatforms(CallSettings callSettings) {
    return UnaryCallFuture.start(
        newCall(SocialAccountServiceGrpc.getListPlatformsMethod(), callSettings, null),
        ListPlatformsRequest.getDefaultInstance(),
        headersOf(callSettings));
  }

  /**
   * Races several addresses: one {@code HasSocialAccount} call each, all at once; the first address
   * answered FOUND wins and the other calls are cancelled, with their server-side checks. The
   * client-side twin of the server's RACE strategy, e.g. for a person's several addresses.
   *
   * <pre>{@code
   * ListenableFuture<Optional<FoundAccount>> winner =
   *     client.firstFound(List.of("work@email.com", "home@email.com", "old@email.com"));
   * }</pre>
   *
   * @return the first {@link FoundAccount}; empty if every call answered without FOUND ({@code
   *     NOT_FOUND} or {@code UNKNOWN}); fails with the first call's failure if no address was found
   *     and a call failed; cancelling it cancels every call. Empty at once for an empty list.
   */
  public ListenableFuture<Optional<FoundAccount>> firstFound(List<String> emails) {
    return firstFound(emails, CallSettings.defaults());
  }

  /**
   * Same as {@link #firstFound(List)}, with per-call overrides. A {@link CallSettings#timeout()}
   * becomes one deadline shared by every call of the race.
   */
  public ListenableFuture<Optional<FoundAccount>> firstFound(
      List<String> emails, CallSettings callSettings) {
    List<String> addresses = List.copyOf(emails); // Also rejects null elements.
    requireNonNull(callSettings, "callSettings");
    Deadline deadline = deadlineOf(callSettings);
    return FirstFoundFuture.race(
        addresses,
        email ->
            UnaryCallFuture.start(
                newCall(
                    SocialAccountServiceGrpc.getHasSocialAccountMethod(),
                    callSettings,
                    deadline,
                    null),
                HasSocialAccountRequest.newBuilder().setEmail(email).build(),
                headersOf(callSettings)));
  }

  /**
   * Shuts down the channel if this client created it: no new calls; calls in flight may finish
   * within {@link SocialCheckSettings#shutdownTimeout()}, then are cancelled (their futures fail
   * with {@code CANCELLED} or {@code UNAVAILABLE}). Returns once the channel has terminated, so no
   * thread of it is left. A borrowed channel is left alone, calls in flight included. Afterwards,
   * new calls throw {@link IllegalStateException}. Idempotent: later calls return at once. If
   * interrupted, cancels the calls in flight and returns with the interrupt flag set.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true) || ownedChannel == null) {
      return;
    }
    ownedChannel.shutdown();
    try {
      if (!ownedChannel.awaitTermination(nanos(settings.shutdownTimeout()), TimeUnit.NANOSECONDS)) {
        ownedChannel.shutdownNow();
        if (!ownedChannel.awaitTermination(CANCELLED_CALLS_GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
          logger.warning("the channel did not terminate within " + CANCELLED_CALLS_GRACE);
        }
      }
    } catch (InterruptedException e) {
      ownedChannel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the client is closed and its own channel, if any, has terminated. */
  boolean isTerminated() {
    return closed.get() && (ownedChannel == null || ownedChannel.isTerminated());
  }

  private <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
      MethodDescriptor<ReqT, RespT> method,
      CallSettings callSettings,
      @Nullable Executor executorOverride) {
    requireNonNull(callSettings, "callSettings");
    return newCall(method, callSettings, deadlineOf(callSettings), executorOverride);
  }

  /**
   * @param deadline the call's deadline; {@code null}: none
   */
  private <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
      MethodDescriptor<ReqT, RespT> method,
      CallSettings callSettings,
      @Nullable Deadline deadline,
      @Nullable Executor executorOverride) {
    checkState(!closed.get(), "the SocialCheckClient is closed");
    CallOptions options =
        CallOptions.DEFAULT
            .withDeadline(deadline)
            .withMaxInboundMessageSize(settings.maxInboundMessageSize());
    Executor executor =
        executorOverride != null ? executorOverride : settings.executor().orElse(null);
    if (executor != null) {
      options = options.withExecutor(executor);
    }
    if (credentials != null) {
      options = options.withCallCredentials(credentials);
    }
    if (callSettings.waitForReady()) {
      options = options.withWaitForReady();
    }
    return channel.newCall(method, options);
  }

  /** A CheckMany call: the deadline only if the call settings set one. */
  private ClientCall<CheckManyRequest, CheckManyResponse> newScreenCall(CallSettings callSettings) {
    requireNonNull(callSettings, "callSettings");
    return newCall(
        SocialAccountServiceGrpc.getCheckManyMethod(),
        callSettings,
        callSettings.timeout().isPresent() || callSettings.deadline().isPresent()
            ? deadlineOf(callSettings)
            : null,
        null);
  }

  private Deadline deadlineOf(CallSettings callSettings) {
    return callSettings
        .deadline()
        .orElseGet(
            () ->
                Deadline.after(
                    nanos(callSettings.timeout().orElse(settings.defaultTimeout())),
                    TimeUnit.NANOSECONDS));
  }

  private static Metadata headersOf(CallSettings callSettings) {
    Metadata headers = new Metadata();
    callSettings
        .headers()
        .forEach(
            (key, value) ->
                headers.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value));
    return headers;
  }

  /** Nanoseconds, saturated: durations beyond 292 years are as good as forever. */
  private static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
