package dev.socialcheck.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Request ids the server makes: random version-4 UUIDs, as before, without a shared lock. */
class RequestIdTest {
  @Test
  void newId_isARandomVersion4Uuid() {
    String id = CallTelemetry.newId();
    UUID uuid = UUID.fromString(id);

    assertThat(id).as("canonical form").isEqualTo(uuid.toString()).hasSize(36);
    assertThat(uuid.version()).as("version").isEqualTo(4);
    assertThat(uuid.variant()).as("IETF variant").isEqualTo(2);
  }

  @Test
  void newId_isUnique_acrossThreads() throws InterruptedException {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 25_000; i++) {
                  ids.add(CallTelemetry.newId());
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(ids).as("distinct ids").hasSize(100_000);
  }
}
