package dev.socialcheck.server.grpc;

import dev.socialcheck.server.canary.Canary;
import dev.socialcheck.server.engine.CheckReport;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.engine.PlatformLearning;
import dev.socialcheck.server.engine.PlatformStatistics;
import dev.socialcheck.v1.CanaryStatus;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStats;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Conversions between engine values and {@code socialcheck.v1} messages. */
final class Protos {
  /** Largest value a google.protobuf.Duration may hold (10,000 years), in seconds. */
  private static final long MAX_DURATION_SECONDS = 315_576_000_000L;

  private Protos() {}

  static com.google.protobuf.Duration toProto(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  /**
   * Converts a proto duration, or returns empty when it is not valid (out of range, nanos out of
   * range or of the wrong sign).
   */
  static Optional<Duration> fromProto(com.google.protobuf.Duration duration) {
    long seconds = duration.getSeconds();
    int nanos = duration.getNanos();
    // Explicit bounds, not Math.abs: abs(Long.MIN_VALUE) and abs(Integer.MIN_VALUE) are negative.
    boolean valid =
        seconds >= -MAX_DURATION_SECONDS
            && seconds <= MAX_DURATION_SECONDS
            && nanos >= -999_999_999
            && nanos <= 999_999_999
            && !((seconds < 0 && nanos > 0) || (seconds > 0 && nanos < 0));
    return valid ? Optional.of(Duration.ofSeconds(seconds, nanos)) : Optional.empty();
  }

  static HasSocialAccountResponse toProto(CheckReport report) {
    HasSocialAccountResponse.Builder response =
        HasSocialAccountResponse.newBuilder()
            .setVerdict(toProto(report.verdict()))
            .setHasAccount(report.verdict() == dev.socialcheck.server.engine.Verdict.FOUND)
            .setFoundOn(report.foundOn().orElse(""))
            .setElapsed(toProto(report.elapsed()));
    List<dev.socialcheck.server.engine.PlatformResult> results = report.results();
    for (int i = 0; i < results.size(); i++) {
      response.addResults(toProto(results.get(i)));
    }
    return response.build();
  }

  static PlatformResult toProto(dev.socialcheck.server.engine.PlatformResult result) {
    return PlatformResult.newBuilder()
        .setPlatform(result.platformId())
        .setStatus(toProto(result.status()))
        .setLatency(toProto(result.latency()))
        .setDetail(result.detail())
        .build();
  }

  static dev.socialcheck.v1.Platform toProto(
      Platform platform,
      PlatformStatistics.Snapshot stats,
      PlatformLearning.Step step,
      int rank,
      Optional<Canary.State> canary) {
    dev.socialcheck.v1.Platform.Builder out =
        dev.socialcheck.v1.Platform.newBuilder()
            .setId(platform.id())
            .setDisplayName(platform.displayName())
            .setPrior(platform.prior())
            .setTimeout(toProto(platform.timeout()))
            .setKind(platform.description().kind())
            .setSource(platform.description().source())
            .setNotes(platform.description().notes());
    canary.ifPresent(state -> out.setCanary(toProto(state)));
    return out.setStats(
            PlatformStats.newBuilder()
                .setSamples(stats.samples())
                .setLatencyP50(toProto(stats.p50()))
                .setLatencyP95(toProto(stats.p95()))
                .setFoundRate(stats.foundRate())
                .setFailureRate(stats.failureRate())
                .setLearned(step.learned())
                .setAdaptiveRank(rank)
                .setAdaptiveHedgeDelay(toProto(step.hedgeAfter()))
                .setAvailable(step.available())
                .setUnavailableReason(
                    step.available() ? "" : platform.checker().unavailableReason().orElse("")))
        .build();
  }

  static CanaryStatus toProto(Canary.State state) {
    CanaryStatus.Builder out =
        CanaryStatus.newBuilder()
            .setOk(Boolean.TRUE.equals(state.ok()))
            .setConsecutiveFailures(state.consecutiveFailures())
            .setLastResult(state.lastResult())
            .setDisabled(state.disabled());
    if (state.lastSuccess() != null) {
      out.setLastSuccess(toProto(state.lastSuccess()));
    }
    if (state.lastRun() != null) {
      out.setLastRun(toProto(state.lastRun()));
    }
    return out.build();
  }

  static com.google.protobuf.Timestamp toProto(java.time.Instant instant) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  static Verdict toProto(dev.socialcheck.server.engine.Verdict verdict) {
    return switch (verdict) {
      case FOUND -> Verdict.VERDICT_FOUND;
      case NOT_FOUND -> Verdict.VERDICT_NOT_FOUND;
      case UNKNOWN -> Verdict.VERDICT_UNKNOWN;
    };
  }

  static PlatformStatus toProto(CheckStatus status) {
    return switch (status) {
      case FOUND -> PlatformStatus.PLATFORM_STATUS_FOUND;
      case NOT_FOUND -> PlatformStatus.PLATFORM_STATUS_NOT_FOUND;
      case RATE_LIMITED -> PlatformStatus.PLATFORM_STATUS_RATE_LIMITED;
      case BLOCKED -> PlatformStatus.PLATFORM_STATUS_BLOCKED;
      case TIMEOUT -> PlatformStatus.PLATFORM_STATUS_TIMEOUT;
      case ERROR -> PlatformStatus.PLATFORM_STATUS_ERROR;
      case CANCELLED -> PlatformStatus.PLATFORM_STATUS_CANCELLED;
      case SKIPPED -> PlatformStatus.PLATFORM_STATUS_SKIPPED;
      case INVALID -> PlatformStatus.PLATFORM_STATUS_INVALID;
    };
  }
}
