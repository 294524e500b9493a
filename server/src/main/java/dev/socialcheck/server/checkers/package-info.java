/**
 * Platform checkers for real platforms: {@link dev.socialcheck.server.checkers.HttpProbeChecker}
 * (one generic HTTP probe driven by a catalog entry) and the decorators that make it safe to run in
 * production: {@link dev.socialcheck.server.checkers.ResilientChecker} (circuit breaker, rate
 * limiter, concurrency bulkhead) and {@link dev.socialcheck.server.checkers.CachingChecker}.
 */
@NullMarked
package dev.socialcheck.server.checkers;

import org.jspecify.annotations.NullMarked;
