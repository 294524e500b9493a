package dev.socialcheck.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/** Samples a server's stats every 250 ms on a daemon thread, keeping min and max. */
final class ServerSampler {
  private final ServerProcess server;
  private final Map<String, Long> min = new LinkedHashMap<>();
  private final Map<String, Long> max = new LinkedHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final StringBuilder series = new StringBuilder();
  private long startedNanos;
  private long lastSeriesSecond = -1;
  private @Nullable Thread thread;

  ServerSampler(ServerProcess server) {
    this.server = server;
  }

  void start() {
    startedNanos = System.nanoTime();
    running.set(true);
    Thread t =
        new Thread(
            () -> {
              while (running.get()) {
                sampleOnce();
                try {
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "sampler");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void sampleOnce() {
    try {
      Map<String, Long> stats = server.stats(false);
      synchronized (this) {
        stats.forEach(
            (k, v) -> {
              min.merge(k, v, Math::min);
              max.merge(k, v, Math::max);
            });
        long second = (System.nanoTime() - startedNanos) / 1_000_000_000L;
        if (second != lastSeriesSecond) {
          lastSeriesSecond = second;
          series.append(
              String.format(
                  Locale.ROOT,
                  "t=%2ds runs=%5d checks=%5d heapUsed=%.0fMiB threads=%d%n",
                  second,
                  stats.get("runsInFlight"),
                  stats.get("checksInFlight"),
                  requireNonNull(stats.get("heapUsed")) / 1048576.0,
                  stats.get("threads")));
        }
      }
    } catch (IOException | InterruptedException e) {
      running.set(false);
    }
  }

  void stop() {
    running.set(false);
    Thread t = thread;
    if (t != null) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    sampleOnce();
  }

  synchronized String series() {
    return series.toString().stripTrailing();
  }

  synchronized long min(String key) {
    return min.getOrDefault(key, -1L);
  }

  synchronized long max(String key) {
    return max.getOrDefault(key, -1L);
  }
}
