package dev.socialcheck.examples;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

import com.google.common.util.concurrent.FluentFuture;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.client.CheckEachListener;
import dev.socialcheck.client.FoundAccount;
import dev.socialcheck.client.SocialCheckClient;
import dev.socialcheck.client.SocialCheckException;
import dev.socialcheck.client.SocialCheckSettings;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.Platform;
import dev.socialcheck.v1.PlatformResult;
import dev.socialcheck.v1.PlatformStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A tour of the socialcheck Java SDK against a running server, one section per feature.
 *
 * <p>Start a server ({@code ./socialcheck serve}, or {@code java -jar
 * server/target/socialcheck-server-all.jar serve}), then:
 *
 * <pre>{@code
 * ./mvnw -B -q -pl examples -am package -DskipTests
 * java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
 *     dev.socialcheck.examples.SocialCheckExamples [localhost:50051 [user@email.com]]
 * }</pre>
 *
 * <p>With the server's demo catalog, {@code user@email.com} is found on github after about 1 s;
 * {@code user+nobody@email.com} is found nowhere; {@code user+slow@email.com} makes github hang.
 */
public final class SocialCheckExamples {
  private final SocialCheckClient client;
  private final String email;
  private final PrintStream out;

  private SocialCheckExamples(SocialCheckClient client, String email, PrintStream out) {
    this.client = client;
    this.email = email;
    this.out = out;
  }

  /** Arguments: {@code [target [email]]}, default {@code localhost:50051 user@email.com}. */
  public static void main(String[] args) throws Exception {
    String target = args.length > 0 ? args[0] : "localhost:50051";
    String email = args.length > 1 ? args[1] : "user@email.com";
    run(target, email, System.out);
  }

  /** Runs every example against the plaintext server at {@code target}. */
  public static void run(String target, String email, PrintStream out) throws Exception {
    SocialCheckSettings settings =
        SocialCheckSettings.newBuilder()
            .setTarget(target)
            .setPlaintext(true) // The local demo server has no TLS.
            .setDefaultTimeout(Duration.ofSeconds(20))
            .setUserAgent("socialcheck-examples")
            .build();
    try (SocialCheckClient client = SocialCheckClient.create(settings)) {
      SocialCheckExamples examples = new SocialCheckExamples(client, email, out);
      examples.listPlatforms();
      examples.composeWithoutBlocking();
      examples.handleErrors();
      examples.streamToListener();
      examples.streamAndStopEarly();
      examples.raceAddresses();
      examples.giveUpAfterATimeout();
    }
  }

  /** A unary call, blocking on the result: the simplest use. */
  private void listPlatforms() throws ExecutionException, InterruptedException {
    out.println("== listPlatforms");
    for (Platform platform : client.listPlatforms().get().getPlatformsList()) {
      out.printf(
          "platform %s (%s), prior %.3f%n",
          platform.getId(), platform.getDisplayName(), platform.getPrior());
    }
  }

  /** Composition: nothing waits for the server until the very last get(). */
  private void composeWithoutBlocking() throws ExecutionException, InterruptedException {
    out.println("== hasSocialAccount, composed");
    ListenableFuture<String> line =
        FluentFuture.from(client.hasSocialAccount(email))
            .transform(SocialCheckExamples::describe, directExecutor())
            .catching(
                SocialCheckException.class, e -> "failed: " + e.getMessage(), directExecutor());
    out.println(line.get());
  }

  private static String describe(HasSocialAccountResponse response) {
    return switch (response.getVerdict()) {
      case VERDICT_FOUND -> "found on " + response.getFoundOn();
      case VERDICT_NOT_FOUND -> "no account anywhere";
      default -> "unknown: " + response.getVerdict();
    };
  }

  /** Errors come as SocialCheckException, with the gRPC code and the server's message. */
  private void handleErrors() throws InterruptedException {
    out.println("== errors");
    try {
      client.hasSocialAccount("not-an-address").get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SocialCheckException error) {
        out.println("error " + error.getMessage() + " (retryable: " + error.isRetryable() + ")");
      } else {
        throw new IllegalStateException("the SDK fails with SocialCheckException only", e);
      }
    }
  }

  /** Streaming to a listener: each platform as soon as it answers. */
  private void streamToListener() throws ExecutionException, InterruptedException {
    out.println("== checkEach, listener");
    ListenableFuture<Void> done =
        client.checkEach(
            CheckEachRequest.newBuilder().setEmail(email).build(),
            new CheckEachListener() {
              @Override
              public void onResult(PlatformResult result) {
                out.println("result " + result.getPlatform() + " " + result.getStatus());
              }

              @Override
              public void onCompleted() {
                out.println("stream completed");
              }

              @Override
              public void onError(SocialCheckException error) {
                out.println("stream failed: " + error.getMessage());
              }
            });
    done.get(); // Only so that the sections do not interleave.
  }

  /** Blocking stream: stop at the first FOUND; closing the stream cancels the other checks. */
  private void streamAndStopEarly() {
    out.println("== checkEachBlocking, stop at the first FOUND");
    try (Stream<PlatformResult> results =
        client.checkEachBlocking(CheckEachRequest.newBuilder().setEmail(email).build())) {
      Optional<PlatformResult> found =
          results.filter(r -> r.getStatus() == PlatformStatus.PLATFORM_STATUS_FOUND).findFirst();
      out.println(found.map(r -> "first found on " + r.getPlatform()).orElse("found nowhere"));
    }
  }

  /** Several addresses at once: the first one found wins, the other calls are cancelled. */
  private void raceAddresses() throws ExecutionException, InterruptedException {
    out.println("== firstFound");
    String nobody = email.replace("@", "+nobody@");
    Optional<FoundAccount> winner = client.firstFound(List.of(nobody, email)).get();
    out.println(winner.map(w -> "winner " + w.email() + " on " + w.platform()).orElse("no winner"));
  }

  /** Futures.withTimeout cancels the call when it fires, and the server cancels its checks. */
  private void giveUpAfterATimeout() throws InterruptedException {
    out.println("== timeout by cancellation");
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      ListenableFuture<HasSocialAccountResponse> slow =
          client.hasSocialAccount(
              HasSocialAccountRequest.newBuilder()
                  .setEmail(email.replace("@", "+slow@"))
                  .addPlatforms("github")
                  .build());
      Futures.withTimeout(slow, 300, TimeUnit.MILLISECONDS, timer).get();
      out.println("answered within 300 ms");
    } catch (ExecutionException e) {
      out.println(
          e.getCause() instanceof TimeoutException
              ? "gave up after 300 ms: the call was cancelled"
              : "failed: " + e.getMessage());
    } finally {
      timer.shutdownNow();
    }
  }
}
