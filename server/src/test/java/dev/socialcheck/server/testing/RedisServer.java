package dev.socialcheck.server.testing;

import com.google.common.base.Splitter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} for tests, on a free loopback port, with nothing saved to disk:
 * {@code redis-server --port N --bind 127.0.0.1 --save '' --appendonly no}. {@link #kill()} stops
 * it abruptly (SIGKILL) and {@link #start()} brings it back, empty, on the same port; {@link
 * #pause()} / {@link #resume()} freeze it (SIGSTOP/SIGCONT) so that it accepts connections but
 * never answers. {@link #close()} stops it for good.
 *
 * <p>It needs the {@code redis-server} program (Debian package {@code redis-server}, which the
 * build installs with {@code server/setup-redis.sh}); without it, it fails loudly with what to
 * install.
 */
public final class RedisServer implements AutoCloseable {
  private static final List<Path> CANDIDATES =
      List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));

  private final Path executable;
  private final int port;
  private @Nullable Process process;

  private RedisServer(Path executable, int port) {
    this.executable = executable;
    this.port = port;
  }

  /** Starts a Redis on a free loopback port. */
  public static RedisServer startNew() throws IOException, InterruptedException {
    Path executable = findExecutable();
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      RedisServer server = new RedisServer(executable, freePort());
      try {
        server.start();
        return server;
      } catch (IOException e) {
        last = e; // the port was taken between picking and binding: try another
        server.close();
      }
    }
    throw last;
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Starts (again) on the same port and waits until it answers PING. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    process =
        new ProcessBuilder(
                executable.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    // Polls PING (on the real clock, every 20 ms, at most 10 s): the readiness of another process,
    // which announces it only in its log; a PING answered is also exactly what the tests need.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server exited with " + process.exitValue() + " (port " + port + " taken?)");
      }
      if (answersPing()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IOException("redis-server did not answer PING on port " + port + " within 10s");
  }

  /** Kills it at once (SIGKILL), as a crash would, and waits until it is gone. */
  public synchronized void kill() throws InterruptedException {
    Process running = process;
    if (running != null) {
      running.destroyForcibly();
      running.waitFor(10, TimeUnit.SECONDS);
      process = null;
    }
  }

  /** Freezes it (SIGSTOP): connections stay open, nothing is answered. */
  public synchronized void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Thaws it (SIGCONT). */
  public synchronized void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process running = process;
    if (running == null) {
      throw new IllegalStateException("redis-server is not running");
    }
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(running.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " failed");
    }
  }

  /** Sends one command (inline protocol) and returns the first line of the answer. */
  public String command(String inline) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  /** The string value of {@code key} (GET), or {@code null} if there is none. */
  public @Nullable String get(String key) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      socket.setSoTimeout(2000);
      socket.getOutputStream().write(("GET " + key + "\r\n").getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      String header = readLine(in);
      return header.equals("$-1") ? null : readLine(in);
    }
  }

  /**
   * Every key (KEYS *; fine for a test's handful), each line of a RESP array of bulk strings read
   * whole.
   */
  public List<String> keys() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      socket.setSoTimeout(2000);
      socket.getOutputStream().write("KEYS *\r\n".getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      String header = readLine(in);
      int count = Integer.parseInt(header.substring(1));
      List<String> keys = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        readLine(in); // $<length>
        keys.add(readLine(in));
      }
      return keys;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  private boolean answersPing() {
    try {
      return command("PING").equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    Process running = process;
    if (running != null) {
      running.destroy();
      try {
        if (!running.waitFor(5, TimeUnit.SECONDS)) {
          running.destroyForcibly();
          running.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        running.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** A bound on how long tests wait for a state change to be noticed. */
  public static Duration noticeWithin() {
    return Duration.ofSeconds(15);
  }

  private static Path findExecutable() {
    for (Path candidate : CANDIDATES) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    for (String dir : Splitter.on(':').split(System.getenv().getOrDefault("PATH", ""))) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "redis-server not found: the Redis tests need a real Redis. Install it with"
            + " `server/setup-redis.sh` (runs `apt-get install redis-server` on Debian/Ubuntu; the"
            + " build runs it before the tests), or `brew install redis` on macOS.");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
