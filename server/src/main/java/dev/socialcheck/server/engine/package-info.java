/**
 * The check engine: runs platform checks for one e-mail address under a {@link
 * dev.socialcheck.server.engine.Strategy} and turns their outcomes into a {@link
 * dev.socialcheck.server.engine.CheckReport}.
 *
 * <p>The engine knows nothing about gRPC. It is asynchronous throughout: a check in flight holds no
 * thread, timeouts and hedging delays are timers on an injected {@link
 * java.util.concurrent.ScheduledExecutorService}, and time is read from an injected {@link
 * com.google.common.base.Ticker}, so tests drive both with a fake clock.
 */
@NullMarked
package dev.socialcheck.server.engine;

import org.jspecify.annotations.NullMarked;
