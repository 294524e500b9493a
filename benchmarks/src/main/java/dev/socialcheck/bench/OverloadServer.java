package dev.socialcheck.bench;

import static java.util.Objects.requireNonNull;

import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.catalog.CatalogDefinition;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.server.metrics.ServiceMetrics;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The server JVM of {@link OverloadBench}: the real server (assembled from {@link ServerSettings})
 * over one {@link SaturablePlatform}, with a fixed or adaptive concurrency limit. Prints {@code
 * PORT <n>}, then answers {@code slowdown} (the platform's service time doubles), {@code limit}
 * (the current concurrency limit) and {@code quit}; exits when standard input closes.
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
    AtomicReference<@Nullable SaturablePlatform> platform = new AtomicReference<>();
    ServerAssembly assembly =
        ServerAssembly.create(
            ServerSettings.newBuilder()
                .catalog(
                    context -> {
                      SaturablePlatform api =
                          new SaturablePlatform(workers, serviceMillis, context.scheduler());
                      platform.set(api);
                      return CatalogDefinition.unprotected(
                          new Catalog(
                              "saturable",
                              List.of(
                                  new Platform("api", "API", 0.5, Duration.ofSeconds(30), api))));
                    })
                .resultCache(false)
                .transport(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .adaptiveConcurrencyLimit(adaptive)
                .maxInFlight(max)
                .metrics(true)
                .shutdownGrace(Duration.ZERO)
                .build());
    SocialCheckServer server = assembly.startServer();
    SaturablePlatform api = requireNonNull(platform.get());
    ServiceMetrics metrics = assembly.metrics().orElseThrow();
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
          assembly.close();
          System.out.println("BYE");
          System.out.flush();
          System.exit(0);
        }
        default -> System.out.println("ERROR unknown command");
      }
      System.out.flush();
    }
    assembly.close();
    System.exit(0);
  }
}
