/**
 * The gRPC layer: {@link dev.socialcheck.server.grpc.SocialCheckServer} (the public facade that
 * starts and stops a server) and the package-private adapter that maps the {@code socialcheck.v1}
 * contract onto the {@link dev.socialcheck.server.engine.CheckEngine}.
 */
@NullMarked
package dev.socialcheck.server.grpc;

import org.jspecify.annotations.NullMarked;
