package dev.socialcheck.server.engine;

import static java.util.Objects.requireNonNull;

/**
 * What a platform's catalog entry says about itself, for people and for {@code ListPlatforms}.
 *
 * @param kind what kind of endpoint is asked ({@code api}, {@code lookup}, {@code signup-check};
 *     {@code simulated} for the demo catalog; empty when unknown)
 * @param source where the endpoint or its answer markers are documented or were observed
 * @param notes what an answer really means, known limits and walls
 */
public record PlatformDescription(String kind, String source, String notes) {
  /** Nothing known. */
  public static final PlatformDescription NONE = new PlatformDescription("", "", "");

  public PlatformDescription {
    requireNonNull(kind, "kind");
    requireNonNull(source, "source");
    requireNonNull(notes, "notes");
  }
}
