package dev.socialcheck.client;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.util.concurrent.AbstractFuture;
import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Races one {@code HasSocialAccount} call per address: completes with the first response whose
 * verdict is FOUND, in completion order, and then cancels every other call (which cancels their
 * checks on the server). Without a FOUND it completes once every call has ended: with the first
 * failure if a call failed (nothing can be said about that address), otherwise empty. Cancelling it
 * cancels every call.
 */
final class FirstFoundFuture extends AbstractFuture<Optional<FoundAccount>> {
  private final ImmutableList<ListenableFuture<HasSocialAccountResponse>> calls;
  private final AtomicInteger remaining;
  private final AtomicReference<@Nullable Throwable> firstFailure = new AtomicReference<>();

  private FirstFoundFuture(ImmutableList<ListenableFuture<HasSocialAccountResponse>> calls) {
    this.calls = calls;
    this.remaining = new AtomicInteger(calls.size());
  }

  static ListenableFuture<Optional<FoundAccount>> race(
      List<String> emails, Function<String, ListenableFuture<HasSocialAccountResponse>> check) {
    if (emails.isEmpty()) {
      return Futures.immediateFuture(Optional.empty());
    }
    List<ListenableFuture<HasSocialAccountResponse>> started = new ArrayList<>(emails.size());
    try {
      for (String email : emails) {
        started.add(check.apply(email));
      }
    } catch (RuntimeException e) {
      started.forEach(call -> call.cancel(false));
      throw e;
    }
    // Every call exists before any callback can complete the race and cancel the others.
    FirstFoundFuture race = new FirstFoundFuture(ImmutableList.copyOf(started));
    for (int i = 0; i < emails.size(); i++) {
      Futures.addCallback(started.get(i), race.new Entrant(emails.get(i)), directExecutor());
    }
    return race;
  }

  @Override
  protected void afterDone() {
    boolean interrupt = wasInterrupted();
    calls.forEach(call -> call.cancel(interrupt));
  }

  @Override
  protected @Nullable String pendingToString() {
    return "calls=" + calls.size() + ", remaining=" + remaining.get();
  }

  private final class Entrant implements FutureCallback<HasSocialAccountResponse> {
    private final String email;

    Entrant(String email) {
      this.email = email;
    }

    @Override
    public void onSuccess(@Nullable HasSocialAccountResponse response) {
      if (requireNonNull(response).getVerdict() == Verdict.VERDICT_FOUND) {
        set(Optional.of(new FoundAccount(email, response)));
      }
      ended();
    }

    @Override
    public void onFailure(Throwable t) {
      // A cancelled call lost the race (or the race itself was cancelled): not a failure.
      if (!(t instanceof CancellationException)) {
        firstFailure.compareAndSet(null, t);
      }
      ended();
    }

    private void ended() {
      if (remaining.decrementAndGet() == 0) {
        Throwable failure = firstFailure.get();
        if (failure != null) {
          setException(failure);
        } else {
          set(Optional.empty());
        }
      }
    }
  }
}
