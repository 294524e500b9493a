# syntax=docker/dockerfile:1
#
# socialcheck server image. Needs BuildKit (the default builder since Docker 23):
#   docker build -t socialcheck:dev .
# Guide: deploy/README.md.

# Build and runtime images. Pin them by digest for reproducible builds, e.g.
#   docker build --build-arg JRE_IMAGE=eclipse-temurin:17-jre@sha256:... .
ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre

# ---------------------------------------------------------------------------------------------
# Build stage: the Maven wrapper builds the shaded server jar. It runs on the builder's own
# platform: the jar is platform-independent, and protoc (downloaded by the build) runs natively.
FROM --platform=$BUILDPLATFORM ${JDK_IMAGE} AS build
WORKDIR /src

# Maven reads every module's pom to build the reactor, even with -pl; only proto/ and server/
# are compiled. Sources last, so that a source change keeps the layers above.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY client-sdk/pom.xml client-sdk/
COPY examples/pom.xml examples/
COPY integration-tests/pom.xml integration-tests/
COPY proto/ proto/
COPY server/ server/

# The cache mount keeps the Maven distribution (downloaded by the wrapper) and the dependencies
# between builds; it is not part of any layer. Tests and style checks run in CI (./mvnw verify),
# not here.
RUN --mount=type=cache,target=/root/.m2 \
    sh ./mvnw -B -q -pl server -am package \
      -DskipTests -Dspotless.check.skip=true -Dmdep.analyze.skip=true \
 && cp server/target/socialcheck-server-all.jar /socialcheck.jar

# ---------------------------------------------------------------------------------------------
# Runtime stage: a JRE, the jar, and an unprivileged user. Nothing else.
FROM ${JRE_IMAGE}
LABEL org.opencontainers.image.title="socialcheck" \
      org.opencontainers.image.description="gRPC service: does this e-mail address have an account on well-known platforms?"

# Fixed numeric UID/GID, so that Kubernetes' runAsNonRoot can verify it and volumes can be
# shared by group (fsGroup 10001).
# (Not --system: system accounts are expected below UID 1000, and useradd warns.)
RUN groupadd --gid 10001 socialcheck \
 && useradd --uid 10001 --gid socialcheck --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin socialcheck

COPY --from=build /socialcheck.jar /app/socialcheck.jar

# Container defaults; each can be overridden with -e / env: or a command-line flag
# (precedence: command line > SOCIALCHECK_* environment > --config file > built-in default).
# - listen on every interface: the built-in default 127.0.0.1 is unreachable from outside a
#   container. Set as environment, not CMD, so that `docker run IMAGE --catalog builtin` keeps it.
# - the metrics endpoint, when enabled with --metrics-port, also listens on every interface.
# - JVM: size the heap from the container memory limit; exit on OutOfMemoryError so that the
#   orchestrator restarts the container instead of leaving a broken JVM running.
ENV SOCIALCHECK_HOST=0.0.0.0 \
    SOCIALCHECK_METRICS_HOST=0.0.0.0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
WORKDIR /app

# 50051: gRPC (API, health, reflection). 9090: Prometheus metrics, only with --metrics-port 9090.
EXPOSE 50051 9090

# No HEALTHCHECK: Kubernetes ignores it (the Deployment uses the kubelet's native gRPC probes on
# grpc.health.v1.Health), and this image carries no gRPC health client for Docker to run.
# Locally: grpcurl -plaintext localhost:50051 grpc.health.v1.Health/Check

# Java handles SIGTERM as PID 1: health turns NOT_SERVING, new calls are refused, calls in
# flight get --shutdown-grace (default 10s), then the JVM exits. Give `docker stop` more time
# than that (docker stop -t 20).
ENTRYPOINT ["java", "-jar", "/app/socialcheck.jar", "serve"]
CMD []
