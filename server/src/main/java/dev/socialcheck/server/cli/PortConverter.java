package dev.socialcheck.server.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Picocli converter for TCP ports: a whole number from 0 (pick a free one) to 65535. */
final class PortConverter implements ITypeConverter<Integer> {
  static final int MAX_PORT = 65_535;

  @Override
  public Integer convert(String value) {
    int port;
    try {
      port = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException(notAPort(value));
    }
    if (port < 0 || port > MAX_PORT) {
      throw new TypeConversionException(notAPort(value));
    }
    return port;
  }

  private static String notAPort(String value) {
    return "'"
        + value
        + "' is not a port (a number from 0 to "
        + MAX_PORT
        + "; 0 picks a free one)";
  }
}
