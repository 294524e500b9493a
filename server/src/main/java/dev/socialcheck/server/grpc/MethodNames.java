package dev.socialcheck.server.grpc;

import io.grpc.MethodDescriptor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The bare names of the methods the server's calls are for ({@code HasSocialAccount}), computed
 * once per method: {@link MethodDescriptor#getBareMethodName()} cuts a new string from the full
 * name on every call, and every call asks for it more than once.
 */
final class MethodNames {
  /** By full method name; a server has a few dozen methods (its services, health, reflection). */
  private static final ConcurrentMap<String, String> BARE = new ConcurrentHashMap<>();

  private MethodNames() {}

  static String bare(MethodDescriptor<?, ?> method) {
    String full = method.getFullMethodName();
    String bare = BARE.get(full);
    if (bare == null) {
      String computed = method.getBareMethodName();
      bare = computed == null ? full : computed;
      BARE.putIfAbsent(full, bare);
    }
    return bare;
  }
}
