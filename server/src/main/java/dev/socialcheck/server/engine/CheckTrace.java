package dev.socialcheck.server.engine;

/**
 * Where a checker reports the steps of one check (e.g. each HTTP request of a multi-step probe), so
 * that a trace shows them under the check. The engine hands one to every check in {@link
 * CheckContext#trace()}; with tracing off it is {@link #NONE}, whose steps cost nothing.
 *
 * <p>Usage in a checker, for a step that runs asynchronously:
 *
 * <pre>{@code
 * CheckTrace.Step step = context.trace().startStep("lookup");
 * step.setAttribute("http.response.status_code", 200);   // never the address, nor a URL holding it
 * step.end();                                            // or step.fail("timeout") first
 * }</pre>
 *
 * <p>Thread-safe: steps may be started and ended on any thread, also after the check was cancelled
 * (then they are dropped or recorded as they come; never an error). Nothing here may carry the
 * e-mail address or text derived from it other than its keyed fingerprint.
 */
public interface CheckTrace {

  /** Records nothing. */
  CheckTrace NONE = name -> Step.NONE;

  /** Starts a step of this check; end it with {@link Step#end()}. */
  Step startStep(String name);

  /** One step of a check: a child span of the check's span when tracing is on. */
  interface Step {
    /** Records nothing. */
    Step NONE = new Step() {};

    /** Adds a string attribute (never the address or anything holding it). */
    default void setAttribute(String key, String value) {}

    /** Adds a numeric attribute. */
    default void setAttribute(String key, long value) {}

    /** Marks the step failed, with a short reason that carries no personal data. */
    default void fail(String reason) {}

    /** Ends the step; later calls are ignored. */
    default void end() {}
  }
}
