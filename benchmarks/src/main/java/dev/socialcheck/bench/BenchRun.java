package dev.socialcheck.bench;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Splitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What the targets of one load-suite run share: the output folder, the common options, the report,
 * the way server JVMs are started, and figures one target hands to a later one (target 2's bound
 * uses target 1's best throughput). Also the small statistics every target uses.
 *
 * <p>Not thread-safe except {@link #share} and {@link #shared}; targets run one at a time.
 */
final class BenchRun {
  /** Flags of every server JVM; the 512 MiB heap is target 2's limit, applied to all. */
  static final List<String> SERVER_JVM_FLAGS =
      List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true");

  /** HTTP/2 connections of every load generator: the same for every scenario. */
  static final int CONNECTIONS = 4;

  /** Deadline of every call the load generators make. */
  static final Duration DEADLINE = Duration.ofSeconds(30);

  /** Where the report, plots, server logs and profiles go. */
  final Path out;

  /** Short windows, for a smoke run. */
  final boolean quick;

  /** Seed of the realistic mix (targets 4 and 5). */
  final long seed;

  final Report report = new Report();

  private final List<String> profilingFlags;
  private final Map<String, Double> shared = new ConcurrentHashMap<>();

  /**
   * @param profilingFlags extra flags of every server JVM, e.g. a JFR recording; {@code {server}}
   *     in a flag is replaced by the server's name
   */
  BenchRun(Path out, boolean quick, long seed, List<String> profilingFlags) {
    this.out = out;
    this.quick = quick;
    this.seed = seed;
    this.profilingFlags = List.copyOf(profilingFlags);
  }

  /** Starts a {@link BenchServer} JVM named {@code name}; its standard error goes to NAME.log. */
  ServerProcess server(String name, List<String> args) throws IOException, InterruptedException {
    return new ServerProcess(name, serverFlags(name), args, out.resolve(name + ".log"));
  }

  /** The JVM flags of the server named {@code name}. */
  List<String> serverFlags(String name) {
    List<String> flags = new ArrayList<>(SERVER_JVM_FLAGS);
    for (String flag : profilingFlags) {
      flags.add(flag.replace("{server}", name));
    }
    return flags;
  }

  /** Hands a figure to the targets that run later in the same run. */
  void share(String key, double value) {
    shared.put(key, value);
  }

  /** A figure an earlier target shared, or NaN when it did not run. */
  double shared(String key) {
    return shared.getOrDefault(key, Double.NaN);
  }

  /** Writes a plot; a failure (e.g. no fonts) is reported, never fatal. */
  void plot(PlotAction action, String name) {
    try {
      action.run();
      report.line("");
      report.line("Plot: `" + out.resolve(name) + "`");
    } catch (IOException | RuntimeException | Error e) {
      report.line("");
      report.line("Plot " + name + " not written: " + e);
    }
  }

  /** Draws one plot file. */
  interface PlotAction {
    void run() throws IOException;
  }

  /** The server's process CPU time so far, 0 if it cannot tell. */
  static long cpuNanos(ServerProcess server) {
    try {
      return requireNonNull(server.stats(false).get("cpuNanos"));
    } catch (IOException | InterruptedException e) {
      return 0;
    }
  }

  /** The server's stats, empty if it cannot tell. */
  static Map<String, Long> statsOrEmpty(ServerProcess server) {
    try {
      return server.stats(false);
    } catch (IOException | InterruptedException e) {
      return Map.of();
    }
  }

  /** The server's stats after a full GC (live heap), empty if it cannot tell. */
  static Map<String, Long> liveStatsOrEmpty(ServerProcess server) {
    try {
      return server.stats(true);
    } catch (IOException | InterruptedException e) {
      return Map.of();
    }
  }

  /** {@code after − before} for every counter of {@code after}. */
  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new LinkedHashMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
    return d;
  }

  static long toNanos(com.google.protobuf.Duration d) {
    return d.getSeconds() * 1_000_000_000L + d.getNanos();
  }

  static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  static String millis(long nanos) {
    return Report.fmt(nanos / 1e6);
  }

  static double median(Stream<Double> values) {
    double[] sorted = values.mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** {@code median [min–max]}, as percentages or plain figures. */
  static String spread(List<Double> ratios, boolean percent) {
    double med = median(ratios.stream());
    double lo = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double hi = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    if (!percent) {
      return Report.fmt(med) + " [" + Report.fmt(lo) + "–" + Report.fmt(hi) + "]";
    }
    return Report.pct(med) + " [" + Report.pct(lo) + "–" + Report.pct(hi) + "]";
  }

  /** The errors of several results, merged by status. */
  static String errors(List<LoadGenerator.Result> results) {
    Map<String, Long> all = new LinkedHashMap<>();
    results.forEach(r -> r.errors().forEach((k, v) -> all.merge(k, v, Long::sum)));
    return all.isEmpty() ? "0" : all.toString();
  }

  static String errorsOf(LoadGenerator.Result r) {
    return r.errors().isEmpty() ? "0" : r.errors().toString();
  }

  /** {@code /proc/loadavg}, or n/a. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }

  /** The 1-minute load average, or NaN. */
  static double loadAverage1() {
    try {
      return Double.parseDouble(Splitter.on(' ').split(loadAverage()).iterator().next());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Processors, CPU model, OS and JVM. */
  static String machine() {
    Runtime rt = Runtime.getRuntime();
    String cpu = "n/a";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .findFirst()
              .map(l -> l.replaceFirst(".*:\\s*", ""))
              .orElse("n/a");
    } catch (IOException e) {
      // Not Linux.
    }
    return rt.availableProcessors()
        + " CPUs ("
        + cpu
        + "), "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + System.getProperty("java.vm.version")
        + " ("
        + System.getProperty("java.vm.vendor")
        + ")";
  }
}
