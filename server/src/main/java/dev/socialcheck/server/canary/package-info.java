/**
 * Whether each platform still answers as its catalog entry says: {@link
 * dev.socialcheck.server.canary.SelfCheckVerdict} reads a platform's two self-check answers, and
 * {@link dev.socialcheck.server.canary.Canary} asks them in the background of a running server
 * ({@code serve --canary-interval}), exports the state and can take a drifted platform out of
 * service through {@link dev.socialcheck.server.canary.CanaryGate}.
 */
@NullMarked
package dev.socialcheck.server.canary;

import org.jspecify.annotations.NullMarked;
