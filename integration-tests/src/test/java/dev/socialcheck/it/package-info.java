/**
 * End-to-end tests against the real server: {@code server/target/socialcheck-server-all.jar} run as
 * a separate process ({@link dev.socialcheck.it.ServerProcess}, once per test class), on a free
 * port of 127.0.0.1, serving the demo catalog at time scale 0.2.
 *
 * <ul>
 *   <li>{@link dev.socialcheck.it.ServerProcessIT}: the harness starts, stops and reports failures.
 *   <li>{@link dev.socialcheck.it.JavaStubsIT}: the scenario with the plain generated grpc-java
 *       stubs over Netty.
 *   <li>{@link dev.socialcheck.it.BufCurlIT}, {@link dev.socialcheck.it.PythonClientIT}, {@link
 *       dev.socialcheck.it.NodeClientIT}: polyglot clients (src/test/buf, src/test/python,
 *       src/test/node) run as programs; they need {@code integration-tests/setup-polyglot.sh} once
 *       and fail, never skip, without it.
 * </ul>
 *
 * <p><b>TODO(Java SDK): {@code JavaSdkIT} goes here</b> once {@code socialcheck-client-sdk} exists:
 * the same scenario as {@code JavaStubsIT} through the SDK (seed scenario FOUND on github with the
 * others CANCELLED, CheckEach order, cancellation and deadline), started with {@code
 * ServerProcess.start("JavaSdkIT")} in {@code @BeforeAll} and closed in {@code @AfterAll}. Add the
 * {@code dev.socialcheck:socialcheck-client-sdk} test dependency to this module's pom.xml. Note
 * that a cancellation or deadline reaching the server's checks is not observable from outside the
 * process today (no metrics endpoint or test hook): that part needs a server-side hook first.
 */
package dev.socialcheck.it;
