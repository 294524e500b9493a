package dev.socialcheck.server.spi;

import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.EmailAddress;

/**
 * Checker code that blocks while it works: a JDBC query, a blocking SDK, a file read. {@link
 * CheckerContext#blocking} runs it on the server's bounded pool of blocking-checker threads and
 * turns it into an asynchronous {@link dev.socialcheck.server.engine.PlatformChecker}:
 *
 * <ul>
 *   <li>When the check is cancelled (the answer is known, the caller left) or its timeout passes,
 *       the thread running it is interrupted: code that waits should let {@link
 *       InterruptedException} (or an interrupted I/O) end it.
 *   <li>A thrown exception becomes {@code ERROR} with the exception's type only (messages may carry
 *       personal data).
 *   <li>When every thread is busy and the pool's queue is full, the check answers {@code
 *       RATE_LIMITED} at once ("blocking checker pool full") instead of waiting.
 * </ul>
 */
@FunctionalInterface
public interface BlockingCheck {

  /**
   * Checks {@code email}; called on a pool thread, may block.
   *
   * @param context the check's timeout (the thread is interrupted when it passes) and whether a
   *     cache may answer
   * @return the outcome; never {@code null}
   * @throws Exception any failure: reported as {@code ERROR}
   */
  CheckOutcome check(EmailAddress email, CheckContext context) throws Exception;
}
