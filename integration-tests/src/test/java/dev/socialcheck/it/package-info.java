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
 * <ul>
 *   <li>{@link dev.socialcheck.it.JavaSdkIT}: the scenario through the Java client SDK, and proof
 *       that a cancelled future or an expired deadline stops the server's checks, observed from
 *       outside through the server's metrics endpoint.
 *   <li>{@link dev.socialcheck.it.OperationsIT}: JSON logs without addresses, and the metrics
 *       endpoint of a real process.
 * </ul>
 */
package dev.socialcheck.it;
