package dev.socialcheck.server.grpc;

import static dev.socialcheck.server.testing.TestPlatforms.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.metrics.ServiceMetrics;
import dev.socialcheck.server.testing.FakeChecker;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The concurrency limit inside the server: what it sheds, what it learns from, what it exports. */
class AdaptiveLimitServerTest {
  private static final HasSocialAccountRequest REQUEST =
      HasSocialAccountRequest.newBuilder().setEmail("user@email.com").build();

  private final FakeChecker checker = new FakeChecker();
  private final Catalog catalog = new Catalog("test", List.of(platform("a", 0.5, checker)));

  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void adaptiveLimitReached_callIsShedAtOnce_withRetryHint_andCounted() throws Exception {
    ServiceMetrics metrics = new ServiceMetrics();
    try (TestServer server =
        new TestServer(
            catalog,
            metrics,
            b -> b.concurrencyLimit(ConcurrencyLimit.adaptive(2)).metrics(metrics))) {
      List<ListenableFuture<HasSocialAccountResponse>> held = new ArrayList<>();
      held.add(server.future().hasSocialAccount(REQUEST));
      held.add(server.future().hasSocialAccount(REQUEST));
      await().atMost(Duration.ofSeconds(10)).until(() -> checker.callCount() == 2);

      StatusRuntimeException shed =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> server.blocking().hasSocialAccount(REQUEST));

      assertThat(shed.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(shed.getStatus().getDescription()).startsWith("server busy: 2 calls in progress");
      assertThat(shed.getTrailers().get(CallerRateLimit.RETRY_PUSHBACK)).isEqualTo("100");
      String scrape = metrics.scrape();
      assertThat(value(scrape, "socialcheck_concurrency_limit")).isEqualTo(2);
      assertThat(value(scrape, "socialcheck_rpc_rejected_total{reason=\"shed\"}")).isEqualTo(1);
      assertThat(value(scrape, "socialcheck_rpc_rejected_total{reason=\"rate_limited\"}")).isZero();
      for (ListenableFuture<HasSocialAccountResponse> call : held) {
        call.cancel(true);
      }
    }
  }

  /** Records what every call taught the limit; admits everything. */
  private static final class RecordingAdmission implements ConcurrencyLimit.Admission {
    final List<ConcurrencyLimit.Outcome> outcomes = new CopyOnWriteArrayList<>();

    @Override
    public ConcurrencyLimit.@Nullable Permit tryAcquire() {
      return outcomes::add;
    }

    @Override
    public int limit() {
      return Integer.MAX_VALUE;
    }
  }

  @Test
  void whatTheLimitLearns_completedCallsAreSamples_refusalsAndClientCancelsAreNot_deadlinesDrop()
      throws Exception {
    RecordingAdmission admission = new RecordingAdmission();
    try (TestServer server =
        new TestServer(
            catalog,
            dev.socialcheck.server.engine.CheckObserver.NONE,
            b -> b.concurrencyLimit(ConcurrencyLimit.custom(() -> admission)))) {
      // Served: a latency sample.
      ListenableFuture<HasSocialAccountResponse> served = server.future().hasSocialAccount(REQUEST);
      checker.awaitCall().complete(CheckOutcome.found("yes"));
      served.get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> admission.outcomes.size() == 1);
      // Refused before any work: nothing learned.
      assertThatExceptionOfType(StatusRuntimeException.class)
          .isThrownBy(
              () ->
                  server
                      .blocking()
                      .hasSocialAccount(
                          HasSocialAccountRequest.newBuilder().setEmail("nope").build()));
      // ListPlatforms does no checks: nothing learned.
      server.blocking().listPlatforms(ListPlatformsRequest.getDefaultInstance());
      await().atMost(Duration.ofSeconds(10)).until(() -> admission.outcomes.size() == 3);
      // The client leaves: nothing learned.
      ListenableFuture<HasSocialAccountResponse> left = server.future().hasSocialAccount(REQUEST);
      await().atMost(Duration.ofSeconds(10)).until(() -> checker.callCount() == 2);
      left.cancel(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> admission.outcomes.size() == 4);
      // The deadline passes while the check runs: the server was too slow.
      ListenableFuture<HasSocialAccountResponse> late =
          server.future().withDeadlineAfter(50, TimeUnit.MILLISECONDS).hasSocialAccount(REQUEST);
      await().atMost(Duration.ofSeconds(10)).until(late::isDone);
      await().atMost(Duration.ofSeconds(10)).until(() -> admission.outcomes.size() == 5);

      assertThat(admission.outcomes)
          .containsExactly(
              ConcurrencyLimit.Outcome.SAMPLE,
              ConcurrencyLimit.Outcome.IGNORE,
              ConcurrencyLimit.Outcome.IGNORE,
              ConcurrencyLimit.Outcome.IGNORE,
              ConcurrencyLimit.Outcome.DROPPED);
    }
  }
}
