package dev.socialcheck.server.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sends java.util.logging (gRPC's and Netty's loggers) through SLF4J to logback in every test, as
 * {@code Main} does in the real process: the shipped logback.xml levels apply (Netty's transport
 * chatter stays below them), and tests can capture gRPC's warnings with {@link CapturedLogs}.
 * Registered for every test class through JUnit's extension auto-detection
 * (src/test/resources/META-INF/services).
 */
public final class JulThroughSlf4j implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    install();
  }

  /** Installs the bridge once per JVM. */
  static synchronized void install() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}
