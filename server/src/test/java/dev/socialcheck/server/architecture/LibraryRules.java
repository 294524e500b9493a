package dev.socialcheck.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * How every module uses its libraries, for the modules' architecture tests to include ({@code
 * ArchTests.in(LibraryRules.class)}): public API only.
 */
public final class LibraryRules {
  private LibraryRules() {}

  @ArchTest
  public static final ArchRule noLibraryInternals =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("..internal..", "sun..", "jdk.internal..")
          .because(
              "a library's internal packages (io.grpc.internal, resilience4j's ...internal, Netty's"
                  + " ...internal) change without notice between versions: use their public API");

  @ArchTest
  public static final ArchRule nettyOnlyThroughGrpc =
      noClasses()
          .that()
          .haveNameNotMatching(
              "dev\\.socialcheck\\.server\\.checkers\\.NettyHttp2Transport(\\$.*)?")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.netty..", "io.grpc.netty.shaded.io.netty..")
          .because(
              "Netty is grpc-java's transport: configure it through io.grpc.netty's builders, not"
                  + " Netty's own classes (shaded in grpc-netty-shaded, a second copy from Lettuce);"
                  + " the one exception is the probes' HTTP/2 client (--probe-client netty),"
                  + " NettyHttp2Transport, on the unshaded Netty that Lettuce brings too");
}
