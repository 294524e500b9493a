package dev.socialcheck.bench;

import com.google.common.base.Splitter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BenchServer} in its own JVM, started with this JVM's class path, talked to over its
 * standard input and output. Closing it asks the server to quit and kills it if it does not.
 */
final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final int port;

  /** The name it was started with (its log's and profile's). */
  String name() {
    return name;
  }

  /**
   * @param jvmFlags flags for the server JVM (heap, GC, JFR)
   * @param args {@link BenchServer} arguments
   * @param log where the server's standard error goes
   */
  ServerProcess(String name, List<String> jvmFlags, List<String> args, Path log)
      throws IOException, InterruptedException {
    this(name, BenchServer.class, jvmFlags, args, log);
  }

  /**
   * @param mainClass the server's main class ({@link BenchServer}, or another one that prints
   *     {@code PORT <n>} first and answers commands line by line)
   */
  ServerProcess(String name, Class<?> mainClass, List<String> jvmFlags, List<String> args, Path log)
      throws IOException, InterruptedException {
    this.name = name;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("EOF " + e);
              }
              lines.add("EOF");
            },
            "server-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
    String first = next(30);
    if (!first.startsWith("PORT ")) {
      process.destroyForcibly();
      throw new IOException("server " + name + " did not start (see " + log + "): " + first);
    }
    port = Integer.parseInt(first.substring(5).trim());
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /**
   * The next line from the server, skipping the JVM's own log lines (e.g. JFR's "[0.4s][info]") and
   * async-profiler's "Profiling started".
   */
  private String next(int seconds) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IOException("server " + name + " did not answer within " + seconds + "s");
      }
      if (!line.startsWith("[") && !line.startsWith("Profiling started")) {
        return line;
      }
    }
  }

  /** Sends a command and returns its one-line answer. */
  synchronized String command(String command) throws IOException, InterruptedException {
    commands.write(command + "\n");
    commands.flush();
    return next(60);
  }

  /** {@code stats} or {@code stats-gc}, parsed into numbers. */
  Map<String, Long> stats(boolean fullGc) throws IOException, InterruptedException {
    String line = command(fullGc ? "stats-gc" : "stats");
    if (!line.startsWith("STATS ")) {
      throw new IOException("unexpected answer from " + name + ": " + line);
    }
    Map<String, Long> values = new HashMap<>();
    parsePairs(line).forEach((k, v) -> values.put(k, Long.parseLong(v)));
    return values;
  }

  /** Parses {@code KEY k=v k=v ...}. */
  static Map<String, String> parsePairs(String line) {
    Map<String, String> values = new HashMap<>();
    String[] parts = Splitter.on(' ').splitToList(line).toArray(new String[0]);
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq > 0) {
        values.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
      }
    }
    return values;
  }

  @Override
  public void close() {
    try {
      synchronized (this) {
        commands.write("quit\n");
        commands.flush();
      }
    } catch (IOException e) {
      // Already gone.
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
