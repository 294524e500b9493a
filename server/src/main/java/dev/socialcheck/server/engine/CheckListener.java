package dev.socialcheck.server.engine;

/**
 * Receives results of a run as its checks complete.
 *
 * <p>Called once for every check that completed on its own (found, not found, timed out, failed,
 * ...), in completion order, <em>not</em> for checks the engine cancelled or never started. Calls
 * may come from different threads, one per completing check, and may overlap when two checks
 * complete at the same moment: implementations serialize if they need to. Every call returns before
 * the run's report future completes. No lock of the engine is held during a call.
 */
@FunctionalInterface
public interface CheckListener {

  /** A listener that ignores everything. */
  CheckListener NONE = result -> {};

  /** One check completed. Must not block; exceptions are logged and ignored. */
  void onResult(PlatformResult result);
}
