package dev.socialcheck.server.catalog;

import java.util.Collection;

/** A requested platform id is not in the catalog. The message is fit for the caller. */
public final class UnknownPlatformException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_ECHOED_LENGTH = 40;

  UnknownPlatformException(String id, Collection<String> known) {
    super("unknown platform '" + printable(id) + "'; known platforms: " + String.join(", ", known));
  }

  /** The id as sent, cut short and with anything but printable ASCII replaced. */
  private static String printable(String id) {
    String cut = id.length() > MAX_ECHOED_LENGTH ? id.substring(0, MAX_ECHOED_LENGTH) + "..." : id;
    return cut.replaceAll("[^\\x20-\\x7E]", "?");
  }
}
