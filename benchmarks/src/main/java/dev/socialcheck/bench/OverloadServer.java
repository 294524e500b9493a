package dev.socialcheck.bench;

import com.google.common.base.Ticker;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckEngine;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.grpc.ConcurrencyLimit;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.server.metrics.ServiceMetrics;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server JVM of {@link OverloadBench}: the real {@link SocialCheckServer} over one {@link
 * SaturablePlatform}, with a fixed or adaptive concurrency limit. Prints {@code PORT <n>}, then
 * answers {@code slowdown} (the platform's service time doubles), {@code limit} (the current
 * concurrency limit) and {@code quit}; exits when standard input closes.
 *
 * <p>Arguments: {@code fixed|adaptive MAX WORKERS SERVICE_MS}.
 */
public final class OverloadServer {
  private static final Pattern LIMIT =
      Pattern.compile("(?m)^socialcheck_concurrency_limit ([0-9.eE+-]+)$");

  private OverloadServer() {}

  public static void main(String[] args) throws Exception {
    boolean adaptive = args[0].equals("adaptive");
    int max = Integer.parseInt(args[1]);
    int workers = Integer.parseInt(args[2]);
    long serviceMillis = Long.parseLong(args[3]);
    ScheduledExecutorService scheduler = CheckEngine.newScheduler();
    SaturablePlatform api = new SaturablePlatform(workers, serviceMillis, scheduler);
    Catalog catalog =
        new Catalog(
            "saturable", List.of(new Platform("api", "API", 0.5, Duration.ofSeconds(30), api)));
    ServiceMetrics metrics = new ServiceMetrics();
    SocialCheckServer server =
        SocialCheckServer.builder(new CheckEngine(scheduler, Ticker.systemTicker()), catalog)
            .transport(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
            .concurrencyLimit(
                adaptive ? ConcurrencyLimit.adaptive(max) : ConcurrencyLimit.fixed(max))
            .metrics(metrics)
            .shutdownGrace(Duration.ZERO)
            .start();
    System.out.println("PORT " + server.port());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      switch (line.trim()) {
        case "slowdown" -> {
          api.slowDown(2);
          System.out.println("OK");
        }
        case "limit" -> {
          Matcher m = LIMIT.matcher(metrics.scrape());
          System.out.println("LIMIT " + (m.find() ? (long) Double.parseDouble(m.group(1)) : -1));
        }
        case "quit" -> {
          server.shutdown();
          scheduler.shutdownNow();
          System.out.println("BYE");
          System.out.flush();
          System.exit(0);
        }
        default -> System.out.println("ERROR unknown command");
      }
      System.out.flush();
    }
    server.shutdown();
    scheduler.shutdownNow();
    System.exit(0);
  }
}
