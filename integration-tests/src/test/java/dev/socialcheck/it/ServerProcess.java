package dev.socialcheck.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server, {@code java -jar server/target/socialcheck-server-all.jar serve}, as a separate
 * process on a free port of 127.0.0.1, serving the demo catalog at a small time scale.
 *
 * <p>{@link #start} returns once the server listens (it writes its port to a file, see {@code
 * --port-file}); it fails with the server's output if the server exits first or does not listen
 * within {@link #START_TIMEOUT}. {@link #close} stops it with SIGTERM (graceful shutdown) and, if
 * it is still alive after {@link #STOP_TIMEOUT}, kills it. A JVM shutdown hook kills it too if the
 * test JVM exits without closing it, so no server outlives the build.
 *
 * <p>Typical use, once per test class:
 *
 * <pre>{@code
 * private static ServerProcess server;
 *
 * @BeforeAll static void startServer() throws Exception {
 *   server = ServerProcess.start("MyIT");
 * }
 *
 * @AfterAll static void stopServer() {
 *   if (server != null) server.close();
 * }
 * }</pre>
 */
public final class ServerProcess implements AutoCloseable {
  /** Bound on the wait for the port file. A cold JVM on a busy 2-core machine starts in ~2 s. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** Bound on the graceful shutdown before the process is killed. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final Path log;
  private final Thread killOnExit;
  private final int port;

  private ServerProcess(Process process, Path log, Thread killOnExit, int port) {
    this.process = process;
    this.log = log;
    this.killOnExit = killOnExit;
    this.port = port;
  }

  /**
   * Starts the server and waits until it listens.
   *
   * @param name names the log file, {@code target/it-logs/NAME-server.log}
   * @param extraArgs more {@code serve} options, appended after the defaults
   */
  public static ServerProcess start(String name, String... extraArgs)
      throws IOException, InterruptedException {
    return start(name, Map.of(), extraArgs);
  }

  /**
   * Starts the server with {@code environment} added to this process's environment (e.g. {@code
   * OTEL_*} settings), and waits until it listens.
   */
  public static ServerProcess start(
      String name, Map<String, String> environment, String... extraArgs)
      throws IOException, InterruptedException {
    Path jar = ItConfig.serverJar();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "server jar "
              + jar
              + " not found: run the tests through the reactor (./mvnw -B verify, or -pl"
              + " integration-tests -am), which builds server/ first");
    }
    Path logDir = Files.createDirectories(ItConfig.logDir());
    Path log = logDir.resolve(name + "-server.log");
    Path portFile = logDir.resolve(name + "-server.port");
    Files.deleteIfExists(portFile);

    List<String> command = new ArrayList<>();
    command.add(ItConfig.java().toString());
    command.add("-jar");
    command.add(jar.toString());
    command.add("serve");
    command.addAll(
        List.of(
            "--host", "127.0.0.1",
            "--port", "0",
            "--port-file", portFile.toString(),
            "--demo-time-scale", ItConfig.timeScale(),
            "--shutdown-grace", "5s"));
    command.addAll(List.of(extraArgs));

    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putAll(environment);
    Process process = builder.start();
    Thread killOnExit = new Thread(process::destroyForcibly, "kill-" + name + "-server");
    Runtime.getRuntime().addShutdownHook(killOnExit);

    int port;
    try {
      port = awaitPort(process, portFile, log, command);
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop(process, Duration.ofSeconds(5));
      removeHook(killOnExit);
      throw e;
    }
    return new ServerProcess(process, log, killOnExit, port);
  }

  private static int awaitPort(Process process, Path portFile, Path log, List<String> command)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(portFile)) {
      // Returns at once if the server exits: a bounded wait, not a sleep.
      if (process.waitFor(25, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "the server exited with status "
                + process.exitValue()
                + " before listening.\ncommand: "
                + String.join(" ", command)
                + "\nits output:\n"
                + read(log));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the server did not listen within "
                + START_TIMEOUT.toSeconds()
                + " s.\ncommand: "
                + String.join(" ", command)
                + "\nits output:\n"
                + read(log));
      }
    }
    // The server writes the file atomically (write, then rename), so it is complete here.
    return Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).trim());
  }

  /** The bound port. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:PORT}, as gRPC clients take it. */
  public String target() {
    return "127.0.0.1:" + port;
  }

  /** The process id, e.g. to check that no server is left behind. */
  public long pid() {
    return process.pid();
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Exit status once stopped (143 after SIGTERM, as for any JVM). */
  public int exitValue() {
    return process.exitValue();
  }

  /**
   * Sends SIGTERM (graceful shutdown) and returns at once, so a test can keep calling while the
   * server shuts down. See {@link #awaitExit}.
   */
  public void terminate() {
    process.destroy();
  }

  /** Waits up to {@code timeout} for the process to exit; returns whether it did. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Everything the server printed so far (stdout and stderr: its log). */
  public String output() {
    return read(log);
  }

  /**
   * Stops the server: SIGTERM (graceful: health NOT_SERVING, calls in flight get the shutdown
   * grace), then SIGKILL if it is still running after {@link #STOP_TIMEOUT}. Idempotent.
   */
  @Override
  public void close() {
    try {
      stop(process, STOP_TIMEOUT);
    } finally {
      removeHook(killOnExit);
    }
  }

  private static void stop(Process process, Duration timeout) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    boolean interrupted = false;
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
      process.destroyForcibly();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs anyway.
    }
  }

  private static String read(Path file) {
    try {
      // Lenient decoding: a stray byte in the output must not hide the rest of it.
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
