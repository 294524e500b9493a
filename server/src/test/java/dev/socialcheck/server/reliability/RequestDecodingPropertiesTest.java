package dev.socialcheck.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import com.google.common.collect.ImmutableList;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.socialcheck.server.catalog.Catalog;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.InvalidEmailException;
import dev.socialcheck.server.engine.Platform;
import dev.socialcheck.server.testing.CapturedLogs;
import dev.socialcheck.v1.CheckEachRequest;
import dev.socialcheck.v1.CheckEachResponse;
import dev.socialcheck.v1.HasSocialAccountRequest;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.ListPlatformsRequest;
import dev.socialcheck.v1.SocialAccountServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request decoding over the wire, property style: generated requests — hostile addresses, unknown
 * and malformed platform ids, unknown enum numbers, out-of-range durations, unknown fields and
 * known fields with the wrong wire type — and plain random bytes are sent as raw bytes to the real
 * server (so the server's own protobuf parsing runs). An oracle that knows the documented rules
 * predicts each outcome: a request that parses is answered OK exactly when it is valid, and refused
 * with INVALID_ARGUMENT otherwise (with a description that does not repeat the address); bytes that
 * are not a message are refused with INVALID_ARGUMENT too, saying so. Nothing else, ever, and the
 * server keeps serving.
 */
@ExtendWith(QuietAccessLog.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestDecodingPropertiesTest {
  @RegisterExtension final CapturedLogs logs = CapturedLogs.of(CapturedLogs.GRPC_SERVER_STREAM);

  private static final int CASES = 300;
  private static final long MAX_DURATION_SECONDS = 315_576_000_000L;

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<byte[], byte[]> RAW_HAS_SOCIAL_ACCOUNT =
      raw(SocialAccountServiceGrpc.getHasSocialAccountMethod());
  private static final MethodDescriptor<byte[], byte[]> RAW_CHECK_EACH =
      raw(SocialAccountServiceGrpc.getCheckEachMethod());

  private RunningServer server;
  private ManagedChannel channel;
  private final Map<String, Integer> outcomes = new TreeMap<>();

  private static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
    return MethodDescriptor.newBuilder(BYTES, BYTES)
        .setType(method.getType())
        .setFullMethodName(method.getFullMethodName())
        .build();
  }

  private static Catalog catalog(ScheduledExecutorService timers) {
    return new Catalog(
        "decoding",
        List.of(
            new Platform(
                "alpha",
                "Alpha",
                0.6,
                Duration.ofSeconds(5),
                ScriptedChecker.fixedLatency("alpha", CheckStatus.FOUND, timers, Duration.ZERO)),
            new Platform(
                "beta",
                "Beta",
                0.3,
                Duration.ofSeconds(5),
                ScriptedChecker.fixedLatency(
                    "beta", CheckStatus.NOT_FOUND, timers, Duration.ZERO))));
  }

  @BeforeAll
  void start() throws IOException {
    server = new RunningServer(RequestDecodingPropertiesTest::catalog, b -> {});
    channel = server.channel();
  }

  @AfterAll
  void stop() {
    System.out.println("[reliability] request decoding outcomes: " + outcomes);
    server.close();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.socialcheck.server.reliability.AddressValidationPropertiesTest#seeds")
  @DisplayName("generated requests: OK exactly when valid, else INVALID_ARGUMENT")
  void generatedRequests_answeredExactlyAsTheRulesSay(long seed) {
    HostileStrings strings = new HostileStrings(seed);
    Random random = strings.random();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < CASES * Scenario.scale(); i++) {
      boolean each = random.nextInt(4) == 0;
      byte[] bytes;
      String email;
      List<String> platforms = platforms(strings);
      boolean valid;
      if (each) {
        email = email(strings);
        CheckEachRequest.Builder request =
            CheckEachRequest.newBuilder().setEmail(email).addAllPlatforms(platforms);
        if (random.nextBoolean()) {
          request.setCheckTimeout(duration(random));
        }
        request.setUnknownFields(unknownFields(random));
        bytes = request.build().toByteArray();
        // The oracle judges what is on the wire: UTF-8 encoding turns lone surrogates into '?'.
        CheckEachRequest sent = parse(CheckEachRequest.parser(), bytes);
        valid =
            emailValid(sent.getEmail())
                && known(sent.getPlatformsList())
                && checkTimeoutValid(sent.hasCheckTimeout(), sent.getCheckTimeout());
      } else {
        email = email(strings);
        HasSocialAccountRequest.Builder request =
            HasSocialAccountRequest.newBuilder()
                .setEmail(email)
                .addAllPlatforms(platforms)
                .setStrategyValue(strategy(random));
        if (random.nextInt(3) == 0) {
          request.setHedgeDelay(duration(random));
        }
        if (random.nextBoolean()) {
          request.setCheckTimeout(duration(random));
        }
        request.setUnknownFields(unknownFields(random));
        bytes = request.build().toByteArray();
        valid = valid(parse(HasSocialAccountRequest.parser(), bytes));
      }
      String problem =
          send(each, bytes, valid ? Status.Code.OK : Status.Code.INVALID_ARGUMENT, email);
      if (problem != null && failures.size() < 10) {
        failures.add(
            "seed "
                + seed
                + " #"
                + i
                + " "
                + AddressValidationPropertiesTest.escape(email)
                + ": "
                + problem);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(outcomes)
        .as("the generator makes valid and invalid requests")
        .containsKeys("OK", "INVALID_ARGUMENT");
  }

  @Test
  @DisplayName("the largest check_timeout a Duration can hold (10,000 years) is accepted")
  void largestCheckTimeout_isAccepted() {
    com.google.protobuf.Duration tenThousandYears =
        com.google.protobuf.Duration.newBuilder().setSeconds(MAX_DURATION_SECONDS).build();
    HasSocialAccountResponse answer =
        SocialAccountServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .hasSocialAccount(
                HasSocialAccountRequest.newBuilder()
                    .setEmail("user@email.com")
                    .setCheckTimeout(tenThousandYears)
                    .build());
    assertThat(answer.getFoundOn()).isEqualTo("alpha");
    assertThat(
            ImmutableList.copyOf(
                SocialAccountServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .checkEach(
                        CheckEachRequest.newBuilder()
                            .setEmail("user@email.com")
                            .setCheckTimeout(tenThousandYears)
                            .build())))
        .hasSize(2);
  }

  @Test
  @DisplayName("durations with Long.MIN_VALUE seconds or Integer.MIN_VALUE nanos are invalid")
  void extremeDurations_areInvalidArguments() {
    List<com.google.protobuf.Duration> extremes =
        List.of(
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(Long.MIN_VALUE)
                .setNanos(-1)
                .build(),
            com.google.protobuf.Duration.newBuilder().setSeconds(Long.MIN_VALUE).build(),
            com.google.protobuf.Duration.newBuilder().setNanos(Integer.MIN_VALUE).build());
    for (com.google.protobuf.Duration extreme : extremes) {
      for (HasSocialAccountRequest request :
          List.of(
              HasSocialAccountRequest.newBuilder()
                  .setEmail("user@email.com")
                  .setCheckTimeout(extreme)
                  .build(),
              HasSocialAccountRequest.newBuilder()
                  .setEmail("user@email.com")
                  .setStrategy(dev.socialcheck.v1.Strategy.STRATEGY_HEDGED)
                  .setHedgeDelay(extreme)
                  .build())) {
        StatusRuntimeException e =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    SocialAccountServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .hasSocialAccount(request));
        assertThat(e).as("%s", extreme).isNotNull();
        assertThat(e.getStatus().getCode())
            .as("%s", extreme)
            .isEqualTo(Status.Code.INVALID_ARGUMENT);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.socialcheck.server.reliability.AddressValidationPropertiesTest#seeds")
  @DisplayName(
      "random bytes: answered as the message they happen to be; refused if they are none, and"
          + " the server keeps serving")
  void randomBytes_areDecodedOrRefused(long seed) {
    Random random = new Random(seed);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < CASES * Scenario.scale(); i++) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      Status.Code expected;
      String email = "";
      try {
        HasSocialAccountRequest request = HasSocialAccountRequest.parseFrom(bytes);
        email = request.getEmail();
        expected = valid(request) ? Status.Code.OK : Status.Code.INVALID_ARGUMENT;
      } catch (InvalidProtocolBufferException e) {
        expected = Status.Code.INVALID_ARGUMENT;
      }
      String problem = send(false, bytes, expected, email);
      if (problem != null && failures.size() < 10) {
        failures.add("seed " + seed + " #" + i + " " + ByteString.copyFrom(bytes) + ": " + problem);
      }
    }
    assertThat(failures).isEmpty();
    // The server is still fine.
    assertThat(
            SocialAccountServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listPlatforms(ListPlatformsRequest.getDefaultInstance())
                .getPlatformsCount())
        .isEqualTo(2);
  }

  @Test
  @DisplayName("a 10 MB address is refused with RESOURCE_EXHAUSTED before it is parsed")
  void tenMegabyteRequest_resourceExhausted() {
    HasSocialAccountRequest huge =
        HasSocialAccountRequest.newBuilder()
            .setEmail("a".repeat(10 * 1024 * 1024) + "@email.com")
            .build();
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                SocialAccountServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .hasSocialAccount(huge));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(
            SocialAccountServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .hasSocialAccount(
                    HasSocialAccountRequest.newBuilder().setEmail("ok@email.com").build())
                .getFoundOn())
        .isEqualTo("alpha");
    server.awaitIdle(Duration.ofSeconds(20));
    assertThat(logs.take(Level.WARN, "Exception processing message"))
        .as("gRPC's warning about the refused request")
        .singleElement()
        .satisfies(
            w -> assertThat(w.getThrowableProxy().getMessage()).contains("exceeds maximum size"));
  }

  @Test
  @DisplayName("a gzip request over the limit once decompressed is refused with RESOURCE_EXHAUSTED")
  void compressedRequestOverTheLimit_resourceExhausted() {
    // 100 KiB of one letter compresses to a few hundred bytes: the limit bites while parsing.
    HasSocialAccountRequest bomb =
        HasSocialAccountRequest.newBuilder()
            .setEmail("a".repeat(100 * 1024) + "@email.com")
            .build();
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                SocialAccountServiceGrpc.newBlockingStub(channel)
                    .withCompression("gzip")
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .hasSocialAccount(bomb));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).doesNotContain("aaaa");
  }

  /** Sends raw bytes; null if the outcome is {@code expected} and well-formed, else what not. */
  private String send(boolean each, byte[] bytes, Status.Code expected, String email) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    Status status;
    int messages = 0;
    try {
      if (each) {
        Iterator<byte[]> stream =
            ClientCalls.blockingServerStreamingCall(channel, RAW_CHECK_EACH, options, bytes);
        while (stream.hasNext()) {
          // Parsing is the check: it throws on bytes that are not a response.
          CheckEachResponse unused = CheckEachResponse.parseFrom(stream.next());
          messages++;
        }
      } else {
        HasSocialAccountResponse unused =
            HasSocialAccountResponse.parseFrom(
                ClientCalls.blockingUnaryCall(channel, RAW_HAS_SOCIAL_ACCOUNT, options, bytes));
        messages++;
      }
      status = Status.OK;
    } catch (StatusRuntimeException e) {
      status = e.getStatus();
    } catch (InvalidProtocolBufferException e) {
      return "undecodable response: " + e;
    }
    synchronized (outcomes) {
      outcomes.merge(status.getCode().name(), 1, Integer::sum);
    }
    if (status.getCode() != expected) {
      return "expected " + expected + ", got " + status;
    }
    if (expected == Status.Code.OK && messages == 0) {
      return "OK without an answer";
    }
    String description = status.getDescription() == null ? "" : status.getDescription();
    int at = email.indexOf('@');
    String local = (at < 0 ? email : email.substring(0, at)).strip();
    if (expected == Status.Code.INVALID_ARGUMENT) {
      if (description.isBlank()) {
        return "INVALID_ARGUMENT without a reason";
      }
      if (local.length() >= 8 && description.contains(local)) {
        return "the description repeats the address: " + description;
      }
    }
    return null;
  }

  private static <T> T parse(com.google.protobuf.Parser<T> parser, byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("a generated request does not parse", e);
    }
  }

  // --- The oracle: the documented rules, written independently of RequestParser. ---

  private static boolean valid(HasSocialAccountRequest request) {
    int strategy = request.getStrategyValue();
    if (!emailValid(request.getEmail())
        || !known(request.getPlatformsList())
        || strategy < 0
        || strategy > 4) { // 4: STRATEGY_ADAPTIVE
      return false;
    }
    if (request.hasHedgeDelay()) {
      com.google.protobuf.Duration delay = request.getHedgeDelay();
      // Only HEDGED (3) and ADAPTIVE (4) use a hedge delay.
      if ((strategy != 3 && strategy != 4) || !durationValid(delay)) {
        return false;
      }
      Duration value = Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
      if (value.isNegative() || value.compareTo(Duration.ofSeconds(60)) > 0) {
        return false;
      }
    }
    return checkTimeoutValid(request.hasCheckTimeout(), request.getCheckTimeout());
  }

  private static boolean checkTimeoutValid(boolean present, com.google.protobuf.Duration timeout) {
    if (!present) {
      return true;
    }
    if (!durationValid(timeout)) {
      return false;
    }
    Duration value = Duration.ofSeconds(timeout.getSeconds(), timeout.getNanos());
    return !value.isNegative() && !value.isZero();
  }

  private static boolean durationValid(com.google.protobuf.Duration d) {
    long s = d.getSeconds();
    int n = d.getNanos();
    return s >= -MAX_DURATION_SECONDS
        && s <= MAX_DURATION_SECONDS
        && n >= -999_999_999
        && n <= 999_999_999
        && !((s < 0 && n > 0) || (s > 0 && n < 0));
  }

  private static boolean emailValid(String email) {
    try {
      EmailAddress.parse(email);
      return true;
    } catch (InvalidEmailException e) {
      return false;
    }
  }

  private static boolean known(List<String> platforms) {
    return Set.of("alpha", "beta").containsAll(platforms);
  }

  // --- Generators. ---

  private static String email(HostileStrings strings) {
    return strings.random().nextInt(3) == 0
        ? "user" + strings.random().nextInt(1000) + "@email.com"
        : strings.next();
  }

  private static List<String> platforms(HostileStrings strings) {
    Random random = strings.random();
    List<String> platforms = new ArrayList<>();
    int count = random.nextInt(4) == 0 ? random.nextInt(4) : 0;
    for (int i = 0; i < count; i++) {
      platforms.add(
          strings.pick(List.of("alpha", "beta", "alpha", "ALPHA", "", "gamma", strings.noise(5))));
    }
    return platforms;
  }

  private static int strategy(Random random) {
    int[] values = {0, 1, 2, 3, 4, 5, -1, 42, Integer.MAX_VALUE, Integer.MIN_VALUE};
    return random.nextInt(3) == 0 ? values[random.nextInt(values.length)] : random.nextInt(5);
  }

  private static com.google.protobuf.Duration duration(Random random) {
    long[] seconds = {
      0,
      1,
      -1,
      30,
      60,
      61,
      MAX_DURATION_SECONDS,
      MAX_DURATION_SECONDS + 1,
      Long.MAX_VALUE,
      Long.MIN_VALUE
    };
    int[] nanos = {0, 1, -1, 5_000_000, 999_999_999, 1_000_000_000, Integer.MIN_VALUE};
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(
            random.nextInt(3) == 0 ? seconds[random.nextInt(seconds.length)] : random.nextInt(3))
        .setNanos(
            random.nextInt(3) == 0 ? nanos[random.nextInt(nanos.length)] : random.nextInt(1000))
        .build();
  }

  /** Fields this server does not know, and known field numbers with the wrong wire type. */
  private static UnknownFieldSet unknownFields(Random random) {
    UnknownFieldSet.Builder fields = UnknownFieldSet.newBuilder();
    int[] numbers = {6, 7, 15, 16, 100, 2047, 536_870_911};
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      UnknownFieldSet.Field.Builder field = UnknownFieldSet.Field.newBuilder();
      int number;
      switch (random.nextInt(5)) {
        case 0 -> {
          number = 1; // email, a string, as a varint
          field.addVarint(random.nextLong());
        }
        case 1 -> {
          number = 3; // strategy, an enum, as fixed64
          field.addFixed64(random.nextLong());
        }
        case 2 -> {
          number = numbers[random.nextInt(numbers.length)];
          field.addFixed32(random.nextInt());
        }
        default -> {
          number = numbers[random.nextInt(numbers.length)];
          byte[] junk = new byte[random.nextInt(100)];
          random.nextBytes(junk);
          field.addLengthDelimited(ByteString.copyFrom(junk));
        }
      }
      fields.mergeField(number, field.build());
    }
    return fields.build();
  }
}
