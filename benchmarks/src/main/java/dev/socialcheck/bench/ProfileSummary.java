package dev.socialcheck.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads the server profiles of a run — JFR recordings ({@code --jfr}) and async-profiler's
 * collapsed stacks ({@code --async-profiler}) — and writes their top frames into the report: the
 * methods that were on CPU themselves (self samples), how much of the CPU went through each part of
 * the per-call path (inclusive: a sample counts for every part on its stack), and, from JFR, where
 * the bytes were allocated.
 */
final class ProfileSummary {
  /** How many frames each top list shows. */
  static final int TOP = 15;

  /**
   * Parts of the per-call path, by the frames that mark them (a prefix of {@code Class.method}).
   */
  static final Map<String, List<String>> PARTS = parts();

  private static Map<String, List<String>> parts() {
    Map<String, List<String>> parts = new LinkedHashMap<>();
    parts.put("access log (logback)", List.of("ch.qos.logback.", "org.slf4j."));
    parts.put("metrics (Micrometer)", List.of("io.micrometer."));
    parts.put(
        "random request ids (UUID / SecureRandom)",
        List.of(
            "java.util.UUID.randomUUID", "java.security.SecureRandom", "sun.security.provider."));
    parts.put(
        "keyed hash (HMAC)",
        List.of("javax.crypto.", "com.sun.crypto.provider.", "com.google.common.hash."));
    parts.put("address parsing", List.of("dev.socialcheck.server.engine.EmailAddress.parse"));
    parts.put("engine run", List.of("dev.socialcheck.server.engine."));
    parts.put("socialcheck gRPC layer", List.of("dev.socialcheck.server.grpc."));
    parts.put("protobuf", List.of("com.google.protobuf."));
    parts.put("Netty", List.of("io.grpc.netty.shaded.io.netty."));
    parts.put("GC and JIT (native threads)", List.of("GCTaskThread", "G1", "CompileBroker"));
    return parts;
  }

  private ProfileSummary() {}

  /** The stacks of one profile: leaf first, with their weight (samples, or bytes). */
  record Stacks(Map<List<String>, Long> weights, long total) {
    static Stacks of(Map<List<String>, Long> weights) {
      return new Stacks(weights, weights.values().stream().mapToLong(Long::longValue).sum());
    }

    /** Weight per leaf frame, heaviest first. */
    List<Map.Entry<String, Long>> selfTop(int n) {
      Map<String, Long> self = new LinkedHashMap<>();
      weights.forEach((stack, w) -> self.merge(stack.isEmpty() ? "?" : stack.get(0), w, Long::sum));
      return top(self, n);
    }

    /** Weight per first frame that is not the JDK's (where our code or a library asked). */
    List<Map.Entry<String, Long>> callerTop(int n) {
      Map<String, Long> callers = new LinkedHashMap<>();
      weights.forEach(
          (stack, w) ->
              callers.merge(
                  stack.stream().filter(f -> !isJdk(f)).findFirst().orElse("(JDK only)"),
                  w,
                  Long::sum));
      return top(callers, n);
    }

    /** Share of the weight whose stack holds a frame of each part (shares overlap). */
    Map<String, Double> parts() {
      Map<String, Double> shares = new LinkedHashMap<>();
      PARTS.forEach(
          (part, markers) -> {
            long w = 0;
            for (Map.Entry<List<String>, Long> e : weights.entrySet()) {
              if (e.getKey().stream().anyMatch(f -> markers.stream().anyMatch(f::startsWith))) {
                w += e.getValue();
              }
            }
            shares.put(part, total == 0 ? 0 : w / (double) total);
          });
      return shares;
    }
  }

  private static boolean isJdk(String frame) {
    return frame.startsWith("java.")
        || frame.startsWith("jdk.")
        || frame.startsWith("sun.")
        || frame.startsWith("com.sun.");
  }

  private static List<Map.Entry<String, Long>> top(Map<String, Long> weights, int n) {
    return weights.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .limit(n)
        .toList();
  }

  /** async-profiler's collapsed format: {@code root;...;leaf count} per line. */
  static Stacks readCollapsed(Path file) throws IOException {
    Map<List<String>, Long> weights = new LinkedHashMap<>();
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      lines.forEach(
          line -> {
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
              return;
            }
            List<String> stack = new ArrayList<>(List.of(line.substring(0, space).split(";")));
            java.util.Collections.reverse(stack);
            stack.replaceAll(f -> f.replace('/', '.'));
            weights.merge(stack, Long.parseLong(line.substring(space + 1).trim()), Long::sum);
          });
    }
    return Stacks.of(weights);
  }

  /** CPU samples ({@code jdk.ExecutionSample}) and allocated bytes of a JFR recording. */
  static Stacks[] readJfr(Path file) throws IOException {
    Map<List<String>, Long> cpu = new LinkedHashMap<>();
    Map<List<String>, Long> allocation = new LinkedHashMap<>();
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent event = recording.readEvent();
        String type = event.getEventType().getName();
        if (type.equals("jdk.ExecutionSample")) {
          cpu.merge(frames(event.getStackTrace()), 1L, Long::sum);
        } else if (type.equals("jdk.ObjectAllocationSample")) {
          allocation.merge(frames(event.getStackTrace()), event.getLong("weight"), Long::sum);
        }
      }
    }
    return new Stacks[] {Stacks.of(cpu), Stacks.of(allocation)};
  }

  private static List<String> frames(RecordedStackTrace trace) {
    if (trace == null) {
      return List.of();
    }
    List<String> frames = new ArrayList<>();
    for (RecordedFrame frame : trace.getFrames()) {
      frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
    }
    return frames;
  }

  /**
   * Appends a "Profiles" section for every profile in {@code dir} written since {@code since}.
   * Unreadable profiles are reported, never fatal.
   */
  static void append(Report report, Path dir, FileTime since) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> p.toString().endsWith(".jfr") || p.toString().endsWith(".collapsed"))
              .filter(p -> modifiedSince(p, since))
              .sorted()
              .toList();
    }
    if (files.isEmpty()) {
      return;
    }
    report.heading("Server profiles: top frames");
    report.line(
        "Whole server JVM lifetimes (warm-up included). *Self*: samples whose innermost frame is"
            + " the method (async-profiler: every thread, native frames too; JFR: Java threads)."
            + " *Parts*: share of the samples with a frame of that part anywhere on the stack"
            + " (a sample can count for several parts). JFR allocation: sampled bytes by the first"
            + " frame outside the JDK.");
    for (Path file : files) {
      String name = file.getFileName().toString();
      try {
        if (name.endsWith(".collapsed")) {
          section(report, name + " (async-profiler, CPU)", readCollapsed(file), "samples");
        } else {
          Stacks[] jfr = readJfr(file);
          section(report, name + " (JFR, CPU)", jfr[0], "samples");
          allocation(report, jfr[1]);
        }
      } catch (IOException | RuntimeException e) {
        report.line("");
        report.line(name + ": not readable: " + e);
      }
    }
  }

  /**
   * Prints the top frames of the profiles named on the command line ({@code .jfr} or async-profiler
   * {@code .collapsed} files), as Markdown.
   */
  public static void main(String[] args) throws IOException {
    Report report = new Report();
    for (String arg : args) {
      Path file = Path.of(arg);
      if (arg.endsWith(".collapsed")) {
        section(report, arg + " (async-profiler, CPU)", readCollapsed(file), "samples");
      } else {
        Stacks[] jfr = readJfr(file);
        section(report, arg + " (JFR, CPU)", jfr[0], "samples");
        allocation(report, jfr[1]);
      }
    }
    System.out.print(report.text());
  }

  private static void allocation(Report report, Stacks bytes) {
    report.line("Allocation (JFR `jdk.ObjectAllocationSample`), by first non-JDK frame:");
    report.line("");
    report.table(
        List.of("frame", "share of sampled bytes"), rows(bytes.callerTop(TOP), bytes.total()));
  }

  private static void section(Report report, String title, Stacks stacks, String unit) {
    report.line("");
    report.line("**" + title + "**: " + stacks.total() + " " + unit);
    report.line("");
    List<List<String>> parts = new ArrayList<>();
    stacks.parts().forEach((part, share) -> parts.add(List.of(part, Report.pct(share))));
    report.table(List.of("part of the call path", "share of samples (inclusive)"), parts);
    report.table(
        List.of("self frame", "share of samples"), rows(stacks.selfTop(TOP), stacks.total()));
  }

  private static List<List<String>> rows(List<Map.Entry<String, Long>> top, long total) {
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, Long> e : top) {
      rows.add(
          List.of(
              "`" + e.getKey() + "`",
              String.format(Locale.ROOT, "%.1f %%", 100.0 * e.getValue() / Math.max(1, total))));
    }
    return rows;
  }

  private static boolean modifiedSince(Path file, FileTime since) {
    try {
      return Files.getLastModifiedTime(file).compareTo(since) >= 0;
    } catch (IOException e) {
      return false;
    }
  }
}
