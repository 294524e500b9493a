package dev.socialcheck.server.assembly;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.socialcheck.server.assembly.InvalidSettingException.Setting;
import dev.socialcheck.server.checkers.CacheKeys;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.grpc.SocialCheckServer;
import dev.socialcheck.server.redis.SharedRedis;
import dev.socialcheck.server.testing.CapturedLogs;
import dev.socialcheck.server.testing.FakeScheduler;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import dev.socialcheck.v1.Verdict;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One assembly per server, built from settings: what it builds, how it tags addresses (no global
 * key: two assemblies in one JVM tag alike exactly when they share the secret), how it refuses
 * settings, and that it closes what it made.
 */
class ServerAssemblyTest {
  private static final String EMAIL = "user@email.com";

  @RegisterExtension final CapturedLogs logs = CapturedLogs.of("socialcheck.access");

  @TempDir Path dir;

  private final List<ServerAssembly> assemblies = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    assemblies.forEach(ServerAssembly::close);
  }

  /** An in-process server of {@code settings}, and a channel to it. */
  private SocialAccountServiceGrpc.SocialAccountServiceBlockingStub serve(
      ServerSettings.Builder settings) throws InterruptedException {
    String name = InProcessServerBuilder.generateName();
    ServerAssembly assembly =
        ServerAssembly.create(settings.transport(InProcessServerBuilder.forName(name)).build());
    assemblies.add(assembly);
    assembly.startServer();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    channels.add(channel);
    return SocialAccountServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static ServerSettings.Builder demo() {
    return ServerSettings.newBuilder().demoTimeScale(0.001);
  }

  private static CacheKeys secret(String text) {
    return CacheKeys.withSecret(text.getBytes(UTF_8));
  }

  /** The address tag of the latest access line. */
  private String loggedTag() {
    List<ILoggingEvent> events = logs.events();
    assertThat(events).as("access lines").isNotEmpty();
    String pairs = String.valueOf(events.get(events.size() - 1).getKeyValuePairs());
    int at = pairs.indexOf("hmac:");
    assertThat(at).as("an address tag in %s", pairs).isNotNegative();
    return pairs.substring(at + 5, at + 17);
  }

  private String tagOfOneCall(ServerSettings.Builder settings) throws InterruptedException {
    HasSocialAccountResponse answer =
        serve(settings.accessLogSample(1)) // the line of a successful call, whatever the draw
            .hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail(EMAIL).build());
    assertThat(answer.getVerdict()).isEqualTo(Verdict.VERDICT_FOUND);
    return loggedTag();
  }

  @Test
  void twoAssemblies_withTheSameSecret_tagAnAddressAlike_inTheirAccessLogs() throws Exception {
    String first = tagOfOneCall(demo().cacheKeys(secret("shared-by-both-replicas-0123")));
    String second = tagOfOneCall(demo().cacheKeys(secret("shared-by-both-replicas-0123")));

    assertThat(second).as("replicas sharing the secret").isEqualTo(first);
    assertThat(assemblies.get(0).fingerprints().of(EmailAddress.parse(EMAIL)))
        .as("the tag is the assembly's own fingerprint")
        .isEqualTo(first);
  }

  @Test
  void twoAssemblies_withDifferentSecrets_orNone_tagAnAddressDifferently() throws Exception {
    String first = tagOfOneCall(demo().cacheKeys(secret("the-first-replicas-secret-0")));
    String second = tagOfOneCall(demo().cacheKeys(secret("another-replicas-secret-12")));
    String third = tagOfOneCall(demo());
    String fourth = tagOfOneCall(demo());

    assertThat(List.of(first, second, third, fourth))
        .as("no secret in common, no tag in common (no key shared through the JVM)")
        .doesNotHaveDuplicates();
  }

  @Test
  void catalogFile_ofAnotherCheckerType_isServed_behindTheServersProtections() throws Exception {
    Path catalog = dir.resolve("simulated.yaml");
    Files.writeString(
        catalog,
        """
        platforms:
          - id: acme
            name: Acme
            prior: 0.5
            type: simulated
            settings: {latency: 1ms, answer: FOUND}
        """,
        UTF_8);
    SocialAccountServiceGrpc.SocialAccountServiceBlockingStub stub =
        serve(ServerSettings.newBuilder().catalog(catalog.toString()).metrics(true));

    HasSocialAccountResponse answer =
        stub.hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail(EMAIL).build());

    assertThat(answer.getFoundOn()).isEqualTo("acme");
    assertThat(
            stub.listPlatforms(ListPlatformsRequest.getDefaultInstance()).getPlatforms(0).getKind())
        .as("an entry without a kind is described by its type")
        .isEqualTo("simulated");
    ServerAssembly assembly = assemblies.get(0);
    assertThat(assembly.resultCache().enabled())
        .as("a catalog file gets the result cache")
        .isTrue();
    assertThat(assembly.metrics().orElseThrow().scrape())
        .as("its circuit breaker, bound to the metrics")
        .contains("socialcheck_circuit_state{platform=\"acme\"}")
        .as("the HTTP probes' transport, bound to the metrics")
        .contains("socialcheck_probe_requests_resent_total 0.0");
  }

  @Test
  void close_shutsTheServerDown() throws Exception {
    serve(demo());
    ServerAssembly assembly = assemblies.get(0);
    SocialCheckServer server = assembly.server().orElseThrow();

    assembly.close();
    assembly.close();

    assertThat(server.isShutdown()).as("server shut down by the assembly").isTrue();
    assertThatThrownBy(assembly::startServer)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("closed");
  }

  /**
   * With a borrowed scheduler, what the assembly scheduled on it (the metrics' coarse clock among
   * them) is gone once it closes: the scheduler's owner is not left with the server's tasks.
   */
  @Test
  void close_leavesNoTaskOnABorrowedScheduler() throws InterruptedException {
    FakeScheduler timers = new FakeScheduler();
    ServerAssembly assembly =
        ServerAssembly.create(demo().metrics(true).clock(timers, timers.ticker()).build());
    assertThat(timers.pendingTasks()).as("the metrics clock's refresh").isPositive();

    assembly.close();
    timers.advance(java.time.Duration.ofSeconds(1));

    assertThat(timers.pendingTasks()).isZero();
  }

  @Test
  void startServer_twice_isRefused() throws Exception {
    serve(demo());

    assertThatThrownBy(() -> assemblies.get(0).startServer())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the server is started already");
  }

  @Test
  void invalidSetting_namesTheSetting_andTheCallerPhrasesIt() {
    InvalidSettingException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            InvalidSettingException.class,
            () -> ServerSettings.newBuilder().maxInFlight(0).build());

    assertThat(e.setting()).isEqualTo(Setting.MAX_IN_FLIGHT);
    assertThat(e.getMessage()).isEqualTo("maxInFlight must be positive");
    assertThat(e.describe(s -> "--max-in-flight", s -> "?"))
        .isEqualTo("--max-in-flight must be positive");
  }

  @Test
  void redisAndAResultCache_withoutASharedSecret_isRefused_namingTheSettingItNeeds() {
    InvalidSettingException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            InvalidSettingException.class,
            () ->
                ServerSettings.newBuilder()
                    .catalog("builtin")
                    .redis(SharedRedis.Settings.of("redis://127.0.0.1:1"))
                    .build());

    assertThat(e.setting()).isEqualTo(Setting.REDIS);
    assertThat(e.other()).contains(Setting.CACHE_KEYS);
    assertThat(e.getMessage()).startsWith("redis needs cacheKeys: the result cache's keys");
  }

  @Test
  void settings_toBuilder_keepsEverySetting() {
    ServerSettings settings =
        ServerSettings.newBuilder()
            .catalog("builtin")
            .maxInFlight(7)
            .canary(Duration.ofMinutes(5), 2)
            .adaptivePercentile(90)
            .checkManyConcurrency(3)
            .build();

    ServerSettings copy = settings.toBuilder().build();

    assertThat(copy)
        .usingRecursiveComparison()
        .as("every setting survives toBuilder().build()")
        .isEqualTo(settings);
  }
}
