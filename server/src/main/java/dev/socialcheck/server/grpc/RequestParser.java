package dev.socialcheck.server.grpc;

import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.UnknownPlatformException;
import dev.socialcheck.server.engine.CheckRequest;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.InvalidEmailException;
import dev.socialcheck.server.engine.Strategy;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckManyRequest;
import dev.socialcheck.v1.HasSocialAccountRequest;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Validates requests and turns them into engine requests. Every rejection is an {@code
 * INVALID_ARGUMENT} status whose description says which field is wrong and why, without echoing the
 * e-mail address.
 */
final class RequestParser {
  private final Catalog catalog;
  private final Duration defaultHedgeDelay;

  RequestParser(Catalog catalog, Duration defaultHedgeDelay) {
    this.catalog = catalog;
    this.defaultHedgeDelay = defaultHedgeDelay;
  }

  CheckRequest parse(HasSocialAccountRequest request, @Nullable Deadline deadline)
      throws StatusException {
    Strategy strategy = strategyOf(request);
    CheckRequest.Builder builder =
        start(request.getEmail(), request.getPlatformsList(), deadline).strategy(strategy);
    if (request.hasHedgeDelay()) {
      if (!strategy.usesHedgeDelay()) {
        throw invalid("hedge_delay is only used by STRATEGY_HEDGED and STRATEGY_ADAPTIVE");
      }
      Duration hedgeDelay = duration("hedge_delay", request.getHedgeDelay());
      String problem = CheckRequest.hedgeDelayProblem(hedgeDelay);
      if (problem != null) {
        throw invalid("hedge_delay " + problem);
      }
      builder.hedgeDelay(hedgeDelay);
    } else {
      builder.hedgeDelay(defaultHedgeDelay);
    }
    if (request.hasCheckTimeout()) {
      builder.checkTimeout(checkTimeout(request.getCheckTimeout()));
    }
    return builder.build();
  }

  CheckRequest parse(CheckEachRequest request, @Nullable Deadline deadline) throws StatusException {
    CheckRequest.Builder builder =
        start(request.getEmail(), request.getPlatformsList(), deadline)
            .strategy(Strategy.RACE)
            .stopAtFirstFound(false);
    if (request.hasCheckTimeout()) {
      builder.checkTimeout(checkTimeout(request.getCheckTimeout()));
    }
    return builder.build();
  }

  /**
   * Parses a {@code CheckMany} item exactly as the {@code HasSocialAccount} request with the same
   * fields, so that an item is refused with the same message.
   */
  CheckRequest parse(CheckManyRequest item, @Nullable Deadline deadline) throws StatusException {
    HasSocialAccountRequest.Builder request =
        HasSocialAccountRequest.newBuilder()
            .setEmail(item.getEmail())
            .addAllPlatforms(item.getPlatformsList())
            .setStrategyValue(item.getStrategyValue());
    if (item.hasHedgeDelay()) {
      request.setHedgeDelay(item.getHedgeDelay());
    }
    if (item.hasCheckTimeout()) {
      request.setCheckTimeout(item.getCheckTimeout());
    }
    return parse(request.build(), deadline);
  }

  private CheckRequest.Builder start(
      String email, List<String> platforms, @Nullable Deadline deadline) throws StatusException {
    EmailAddress address;
    try {
      address = EmailAddress.parse(email);
    } catch (InvalidEmailException e) {
      throw invalid(e.getMessage());
    }
    CheckRequest.Builder builder;
    try {
      builder = CheckRequest.builder(address, catalog.select(platforms));
    } catch (UnknownPlatformException e) {
      throw invalid(e.getMessage());
    }
    if (deadline != null) {
      builder.budget(Duration.ofNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS))));
    }
    return builder;
  }

  private static Strategy strategyOf(HasSocialAccountRequest request) throws StatusException {
    return switch (request.getStrategy()) {
      case STRATEGY_UNSPECIFIED, STRATEGY_RACE -> Strategy.RACE;
      case STRATEGY_SEQUENTIAL -> Strategy.SEQUENTIAL;
      case STRATEGY_HEDGED -> Strategy.HEDGED;
      case STRATEGY_ADAPTIVE -> Strategy.ADAPTIVE;
      case UNRECOGNIZED ->
          throw invalid(
              "strategy " + request.getStrategyValue() + " is unknown to this server version");
    };
  }

  private static Duration checkTimeout(com.google.protobuf.Duration proto) throws StatusException {
    Duration timeout = duration("check_timeout", proto);
    if (timeout.isNegative() || timeout.isZero()) {
      throw invalid("check_timeout must be positive");
    }
    return timeout;
  }

  private static Duration duration(String field, com.google.protobuf.Duration proto)
      throws StatusException {
    return Protos.fromProto(proto)
        .orElseThrow(() -> invalid(field + " is not a valid google.protobuf.Duration"));
  }

  private static StatusException invalid(@Nullable String description) {
    return Status.INVALID_ARGUMENT.withDescription(description).asException();
  }
}
