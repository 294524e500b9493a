package dev.socialcheck.server.checkers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import com.google.common.reflect.ClassPath;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import dev.socialcheck.server.canary.CanaryGate;
import dev.socialcheck.server.engine.CheckContext;
import dev.socialcheck.server.engine.CheckOutcome;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.engine.ForwardingPlatformChecker;
import dev.socialcheck.server.engine.PlatformChecker;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every checker decorator forwards every method of {@link PlatformChecker}: a method added to the
 * interface can never be answered by its default in the middle of a stack, hiding what the checker
 * inside would say. Reflection over the interface, so a new method is covered the day it is added.
 */
class DecoratorForwardingTest {
  private static final EmailAddress EMAIL = EmailAddress.parse("user@example.com");

  /** Each decorator in its neutral state (cache empty or off, circuit closed, gate open, ...). */
  private static final Map<Class<?>, Function<PlatformChecker, PlatformChecker>> DECORATORS =
      new LinkedHashMap<>();

  static {
    DECORATORS.put(
        CachingChecker.class,
        inner ->
            new CachingChecker(
                "x",
                inner,
                new ResultCache(
                    Duration.ofHours(1), Duration.ofHours(1), 100, Ticker.systemTicker())));
    DECORATORS.put(
        ResilientChecker.class,
        inner ->
            new ResilientChecker(
                inner,
                CircuitBreaker.ofDefaults("x"),
                RateLimiter.ofDefaults("x"),
                Bulkhead.ofDefaults("x"),
                Ticker.systemTicker()));
    DECORATORS.put(
        SharedBudgetChecker.class,
        inner ->
            new SharedBudgetChecker(
                "x",
                inner,
                (id, requests, period) -> Futures.immediateFuture(Optional.of(true)),
                10,
                Duration.ofSeconds(1)));
    DECORATORS.put(CanaryGate.class, CanaryGate::new);
  }

  static Stream<Arguments> decoratorsAndMethods() {
    List<Arguments> cases = new ArrayList<>();
    for (Map.Entry<Class<?>, Function<PlatformChecker, PlatformChecker>> decorator :
        DECORATORS.entrySet()) {
      for (Method method : PlatformChecker.class.getMethods()) {
        cases.add(
            Arguments.of(decorator.getKey().getSimpleName(), method.getName(), decorator, method));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}.{1}")
  @MethodSource("decoratorsAndMethods")
  @DisplayName("a decorator in its neutral state answers every method as the checker inside does")
  void decorator_forwardsMethod_toTheCheckerInside(
      String decoratorName,
      String methodName,
      Map.Entry<Class<?>, Function<PlatformChecker, PlatformChecker>> decorator,
      Method method)
      throws Exception {
    RecordingChecker inner = new RecordingChecker();
    PlatformChecker decorated = decorator.getValue().apply(inner);
    Object[] arguments = arguments(method);

    Object expected = unwrap(method.invoke(new RecordingChecker(), arguments));
    Object answered = unwrap(method.invoke(decorated, arguments));

    assertThat(inner.calls)
        .as("%s.%s reached the checker inside", decoratorName, methodName)
        .containsKey(methodName);
    assertThat(answered)
        .as(
            "%s.%s answers what the checker inside answers (not the interface's default)",
            decoratorName, methodName)
        .isEqualTo(expected);
  }

  @Test
  void forwardingBase_declaresEveryMethodOfTheInterface() throws Exception {
    for (Method method : PlatformChecker.class.getMethods()) {
      Method declared =
          ForwardingPlatformChecker.class.getDeclaredMethod(
              method.getName(), method.getParameterTypes());
      assertThat(Modifier.isAbstract(declared.getModifiers()))
          .as("ForwardingPlatformChecker implements %s", method.getName())
          .isFalse();
    }
  }

  @Test
  @DisplayName("every checker of the server that wraps another extends the forwarding base")
  void everyDecoratorOfTheServer_extendsTheForwardingBase_andIsCoveredHere() throws IOException {
    List<Class<?>> decorators = new ArrayList<>();
    ClassLoader loader = getClass().getClassLoader();
    for (ClassPath.ClassInfo info : ClassPath.from(loader).getAllClasses()) {
      if (!info.getPackageName().startsWith("dev.socialcheck.server")) {
        continue;
      }
      Class<?> type = info.load();
      if (PlatformChecker.class.isAssignableFrom(type)
          && !type.isInterface()
          && !Modifier.isAbstract(type.getModifiers())
          && wrapsAChecker(type)
          && isMainCode(type)) {
        decorators.add(type);
      }
    }

    assertThat(decorators)
        .as("checkers whose constructor takes another checker")
        .isNotEmpty()
        .allSatisfy(
            type ->
                assertThat(ForwardingPlatformChecker.class.isAssignableFrom(type))
                    .as("%s extends ForwardingPlatformChecker", type.getName())
                    .isTrue());
    assertThat(DECORATORS.keySet())
        .as("every decorator has a neutral-state case in this test")
        .containsAll(decorators);
  }

  private static boolean wrapsAChecker(Class<?> type) {
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      if (Arrays.asList(constructor.getParameterTypes()).contains(PlatformChecker.class)) {
        return true;
      }
    }
    return false;
  }

  /** Production classes, not the tests' fakes: they come from the main output folder. */
  private static boolean isMainCode(Class<?> type) {
    return !type.getProtectionDomain()
        .getCodeSource()
        .getLocation()
        .getPath()
        .endsWith("test-classes/");
  }

  private static Object[] arguments(Method method) {
    Class<?>[] types = method.getParameterTypes();
    Object[] arguments = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      if (types[i] == EmailAddress.class) {
        arguments[i] = EMAIL;
      } else if (types[i] == CheckContext.class) {
        arguments[i] = new CheckContext(Duration.ofSeconds(5));
      } else {
        throw new AssertionError(
            "PlatformChecker."
                + method.getName()
                + " takes a "
                + types[i].getSimpleName()
                + ": teach this test a value for it");
      }
    }
    return arguments;
  }

  /** A future's value, so that two futures of the same outcome compare equal. */
  private static Object unwrap(Object answer) throws Exception {
    return answer instanceof ListenableFuture<?> future ? future.get(5, TimeUnit.SECONDS) : answer;
  }

  /**
   * Answers every method with something no default would say, and notes each method called: the
   * platform is unavailable for a reason of its own, yet holds a cached FOUND.
   */
  private static final class RecordingChecker implements PlatformChecker {
    final Map<String, Integer> calls = new ConcurrentHashMap<>();

    private void called(String method) {
      calls.merge(method, 1, Integer::sum);
    }

    @Override
    public ListenableFuture<CheckOutcome> check(EmailAddress email, CheckContext context) {
      called("check");
      return Futures.immediateFuture(CheckOutcome.found("from the checker inside"));
    }

    @Override
    public boolean available() {
      called("available");
      return false;
    }

    @Override
    public Optional<String> unavailableReason() {
      called("unavailableReason");
      return Optional.of("the checker inside's own reason");
    }

    @Override
    public Optional<CheckStatus> cachedAnswer(EmailAddress email) {
      called("cachedAnswer");
      return Optional.of(CheckStatus.FOUND);
    }
  }
}
