package dev.socialcheck.server.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The addresses of a {@code screen} input, read one at a time (the input is never held in memory):
 * one address per line, or one CSV record per item with the address in a named column (Jackson's
 * CSV parser: quoted fields, doubled quotes and line breaks inside quotes).
 *
 * <p>Each item carries its 1-based input line (for CSV, the line where its record starts, the
 * header being line 1). Blank lines and empty CSV records are skipped. A record that cannot be read
 * (no such column, broken quoting) is an item with an error instead of an address; after a CSV
 * syntax error the rest of the input cannot be trusted, so reading stops there.
 *
 * <p>Not thread-safe. {@link UncheckedIOException} when the input cannot be read.
 */
final class ScreenInput implements Iterator<ScreenInput.Item>, Closeable {
  /**
   * One input item.
   *
   * @param line 1-based input line
   * @param email the address as written (to send as is: the server trims and normalizes)
   * @param error why the line could not be read, if it could not
   */
  record Item(long line, String email, @Nullable String error) {}

  private final Reader reader;
  private final @Nullable BufferedReader lines;
  private final @Nullable CsvParser csv;
  private final int column;
  private long lineNumber;
  private long blankLines;
  private boolean ended;
  private @Nullable Item next;

  private ScreenInput(Reader reader, @Nullable CsvParser csv, int column) {
    this.reader = reader;
    this.lines = csv == null ? new BufferedReader(reader) : null;
    this.csv = csv;
    this.column = column;
  }

  /** One address per line. */
  static ScreenInput lines(Reader reader) {
    return new ScreenInput(reader, null, -1);
  }

  /**
   * CSV with a header row; the address is in the column named {@code column}.
   *
   * @throws IllegalArgumentException if the header has no such column (the message lists the
   *     columns it has)
   */
  static ScreenInput csv(Reader reader, String column) throws IOException {
    CsvParser parser =
        new CsvMapper()
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .getFactory()
            .createParser(reader);
    List<String> header = parser.nextToken() == JsonToken.START_ARRAY ? row(parser) : List.of();
    int index = header.indexOf(column);
    if (index < 0) {
      parser.close();
      throw new IllegalArgumentException(
          "the CSV header has no column '"
              + column
              + "'"
              + (header.isEmpty() ? " (the input is empty)" : "; its columns: " + header));
    }
    return new ScreenInput(reader, parser, index);
  }

  /** The values of the record whose START_ARRAY the parser is on. */
  private static List<String> row(CsvParser parser) throws IOException {
    List<String> values = new ArrayList<>();
    while (parser.nextToken() == JsonToken.VALUE_STRING) {
      values.add(parser.getText());
    }
    return values;
  }

  /** Blank lines skipped so far. */
  long blankLines() {
    return blankLines;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !ended) {
      Item read;
      try {
        read = csv != null ? readRecord(csv) : readLine(lines);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (read == null) {
        ended = true;
      }
      next = read;
    }
    return next != null;
  }

  @Override
  public Item next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the input has ended");
    }
    Item item = requireNonNull(next);
    next = null;
    return item;
  }

  private @Nullable Item readLine(@Nullable BufferedReader in) throws IOException {
    if (in == null) {
      return null;
    }
    String text;
    while ((text = in.readLine()) != null) {
      lineNumber++;
      if (!text.isBlank()) {
        return new Item(lineNumber, text, null);
      }
      blankLines++;
    }
    return null;
  }

  private @Nullable Item readRecord(CsvParser parser) throws IOException {
    long line = 0;
    try {
      while (true) {
        JsonToken token = parser.nextToken();
        if (token == null) {
          return null;
        }
        // At a record's START_ARRAY, the parser stands at the record's first line (the token's
        // own location is still the end of the record before).
        line = parser.currentLocation().getLineNr();
        List<String> values = row(parser);
        if (values.stream().allMatch(String::isBlank)) {
          blankLines++;
          continue;
        }
        if (column >= values.size()) {
          return new Item(
              line, "", "the record has " + values.size() + " columns, no column " + (column + 1));
        }
        return new Item(line, values.get(column), null);
      }
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      ended = true;
      long at = line > 0 ? line : e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      return new Item(at, "", "CSV syntax error; the rest of the input was not read");
    }
  }

  @Override
  public void close() throws IOException {
    if (csv != null) {
      csv.close();
    }
    reader.close();
  }
}
