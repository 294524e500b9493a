/**
 * Platform checkers: {@link dev.socialcheck.server.checkers.HttpProbeChecker} (one generic HTTP
 * probe driven by a catalog entry), {@link dev.socialcheck.server.checkers.SimulatedChecker} (the
 * demo's offline platforms), the pool that runs blocking checker code ({@link
 * dev.socialcheck.server.checkers.BlockingCheckPool}), and the decorators that make any checker
 * safe to run in production — {@link dev.socialcheck.server.checkers.ResilientChecker} (circuit
 * breaker, rate limiter, concurrency bulkhead), {@link
 * dev.socialcheck.server.checkers.SharedBudgetChecker} and {@link
 * dev.socialcheck.server.checkers.CachingChecker} — each a {@link
 * dev.socialcheck.server.engine.ForwardingPlatformChecker}.
 */
@NullMarked
package dev.socialcheck.server.checkers;

import org.jspecify.annotations.NullMarked;
