package dev.socialcheck.examples.checker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socialcheck.server.assembly.ServerAssembly;
import dev.socialcheck.server.assembly.ServerSettings;
import dev.socialcheck.server.catalog.CatalogException;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.spi.CheckerRegistry;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.PlatformStatus;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example type as a server runs it: found on the class path, a catalog entry of its type,
 * answered over gRPC (in process), with the server's errors for a bad entry.
 */
class AllowListCheckerProviderTest {
  @TempDir Path dir;

  private Path catalog(String settings) throws Exception {
    Path catalog = dir.resolve("club.yaml");
    Files.writeString(
        catalog,
        """
        platforms:
          - id: club
            name: Example Club
            prior: 0.01
            type: allow-list
            settings: %s
        """
            .formatted(settings),
        UTF_8);
    return catalog;
  }

  private static PlatformStatus check(ServerSettings.Builder settings, String email)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (ServerAssembly assembly =
        ServerAssembly.create(settings.transport(InProcessServerBuilder.forName(name)).build())) {
      assembly.startServer();
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      try {
        return SocialAccountServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .hasSocialAccount(HasSocialAccountRequest.newBuilder().setEmail(email).build())
            .getResults(0)
            .getStatus();
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theServerFindsTheType_onItsClassPath() {
    assertThat(CheckerRegistry.defaultRegistry().types())
        .as("types found with ServiceLoader")
        .contains(AllowListCheckerProvider.TYPE, "http", "simulated");
  }

  @Test
  void listedAddress_isFound_andOthersAreNot() throws Exception {
    Files.writeString(
        dir.resolve("members.txt"),
        "# members of the club\nAnn@Example.com\n"
            + EmailAddress.parse("bob@example.com").sha256Hex()
            + "\n",
        UTF_8);
    ServerSettings.Builder settings =
        ServerSettings.newBuilder().catalog(catalog("{file: members.txt}").toString());

    assertThat(check(settings, "ann@example.com"))
        .as("listed as written (case ignored)")
        .isEqualTo(PlatformStatus.PLATFORM_STATUS_FOUND);
    assertThat(check(settings, "bob@example.com"))
        .as("listed by its SHA-256")
        .isEqualTo(PlatformStatus.PLATFORM_STATUS_FOUND);
    assertThat(check(settings, "carol@example.com"))
        .as("not listed")
        .isEqualTo(PlatformStatus.PLATFORM_STATUS_NOT_FOUND);
  }

  @Test
  void missingFile_isRefused_atLoad_namingTheField() throws Exception {
    ServerSettings settings =
        ServerSettings.newBuilder().catalog(catalog("{file: nobody.txt}").toString()).build();

    assertThatThrownBy(() -> ServerAssembly.create(settings))
        .isInstanceOf(CatalogException.class)
        .hasMessage(
            "club.yaml: platform 'club' (#1): settings.file: cannot read nobody.txt (no such file,"
                + " or unreadable)");
  }

  @Test
  void misspeltSetting_isRefused() throws Exception {
    Files.writeString(dir.resolve("members.txt"), "ann@example.com\n", UTF_8);
    ServerSettings settings =
        ServerSettings.newBuilder()
            .catalog(catalog("{file: members.txt, when_listd: FOUND}").toString())
            .build();

    assertThatThrownBy(() -> ServerAssembly.create(settings))
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith(
            "club.yaml: platform 'club' (#1): settings.when_listd: unknown field");
  }
}
