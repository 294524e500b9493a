package dev.socialcheck.server.catalog;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Why a file could not be read, in words for people: "no such file", "permission denied". The JDK's
 * exceptions say it with their type (a {@code NoSuchFileException} carries only the path), which
 * people should never have to decode.
 */
public final class ReadFailure {
  private ReadFailure() {}

  /** The reason {@code e} stands for, without the path (the caller names the file). */
  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "a part of the path is not a folder";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    String reason =
        e instanceof FileSystemException fileSystem ? fileSystem.getReason() : e.getMessage();
    if (reason == null || reason.isBlank()) {
      return "read error";
    }
    // "Is a directory" -> "is a directory": it follows a colon.
    return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
  }
}
