package dev.socialcheck.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Assertions on how a future of the SDK failed. */
final class Failures {
  private Failures() {}

  /** Waits up to 10 s for {@code future} to fail, and returns its {@link SocialCheckException}. */
  static SocialCheckException failureOf(Future<?> future)
      throws InterruptedException, TimeoutException {
    try {
      Object value = future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      assertThat(e.getCause())
          .as("cause of the failed future")
          .isInstanceOf(SocialCheckException.class);
      return (SocialCheckException) e.getCause();
    }
  }
}
