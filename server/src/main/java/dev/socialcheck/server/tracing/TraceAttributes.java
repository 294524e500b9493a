package dev.socialcheck.server.tracing;

import io.opentelemetry.api.common.AttributeKey;

/** Names of the attributes socialcheck puts on spans. None ever holds the e-mail address. */
final class TraceAttributes {
  static final AttributeKey<String> PLATFORM = AttributeKey.stringKey("socialcheck.platform");
  static final AttributeKey<String> STRATEGY = AttributeKey.stringKey("socialcheck.strategy");
  static final AttributeKey<String> EMAIL_FINGERPRINT =
      AttributeKey.stringKey("socialcheck.email.fingerprint");
  static final AttributeKey<Long> PLATFORMS = AttributeKey.longKey("socialcheck.platforms");
  static final AttributeKey<String> START = AttributeKey.stringKey("socialcheck.check.start");
  static final AttributeKey<Boolean> HEDGE = AttributeKey.booleanKey("socialcheck.check.hedge");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("socialcheck.check.status");
  static final AttributeKey<Boolean> CACHED = AttributeKey.booleanKey("socialcheck.check.cached");
  static final AttributeKey<String> CANCEL_REASON =
      AttributeKey.stringKey("socialcheck.cancel.reason");
  static final AttributeKey<String> VERDICT = AttributeKey.stringKey("socialcheck.verdict");
  static final AttributeKey<String> FOUND_ON = AttributeKey.stringKey("socialcheck.found_on");
  static final AttributeKey<Long> ELAPSED_MS = AttributeKey.longKey("socialcheck.elapsed_ms");

  /** Event on a check span started as a hedge. */
  static final String HEDGE_STARTED = "hedge started";

  /** Event on the RPC span (and the deciding check's span) when the answer is fixed. */
  static final String ANSWER_DECIDED = "answer decided";

  /** Event on a check span the engine cancelled, and on the RPC span the caller cancelled. */
  static final String CANCELLED = "cancelled";

  private TraceAttributes() {}
}
