package dev.socialcheck.server.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.socialcheck.v1.HasSocialAccountResponse;
import dev.socialcheck.v1.PlatformResult;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * The results of {@code screen}: a JSON Lines file, one record per input line, appended in the
 * order the answers come, and the memory of what an earlier run of the same command already wrote.
 *
 * <p>A record is {@code {"line", "email", "verdict", "found_on", "results": [{"platform", "status",
 * "latency_ms", "detail"}], "elapsed_ms"}}, or {@code {"line", "email", "error": {"code",
 * "message"}}} for a line that could not be checked. The address is written because the file is the
 * user's own answer to their own list; it never goes to a log.
 *
 * <p><b>Resume.</b> Opening an existing file reads the {@code line} of every complete record (one
 * that ends with a line break): those lines are done and a new run skips them. A last line without
 * its line break is what a crash or a kill leaves mid-write: it is cut off, and its input line is
 * checked again. A complete line that is not a record means the file is not ours: opening fails
 * rather than appending to it.
 *
 * <p>Thread-safe: answers are written from gRPC's threads.
 */
final class ResultsFile implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Buffer of the writer: a crash loses at most this much, which the next run checks again. */
  private static final int BUFFER_CHARS = 64 * 1024;

  private final BitSet done;
  private final long alreadyDone;

  @GuardedBy("this")
  private final Writer out;

  @GuardedBy("this")
  private final ScreenTally tally = new ScreenTally();

  private ResultsFile(BitSet done, Writer out) {
    this.done = done;
    this.alreadyDone = done.cardinality();
    this.out = out;
  }

  /**
   * Opens {@code path} for appending, creating it if needed, after reading which lines it holds.
   *
   * @throws IOException if it cannot be read or written, or is not a results file (the message says
   *     which line is wrong)
   */
  static ResultsFile open(Path path) throws IOException {
    BitSet done = new BitSet();
    if (Files.exists(path)) {
      long complete = readDone(path, done);
      if (Files.size(path) > complete) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
          channel.truncate(complete); // the partial record of an interrupted run
        }
      }
    }
    Writer out =
        new BufferedWriter(
            new OutputStreamWriter(
                Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                UTF_8),
            BUFFER_CHARS);
    return new ResultsFile(done, out);
  }

  /** Marks the lines of the complete records; returns the length of those records in bytes. */
  private static long readDone(Path path, BitSet done) throws IOException {
    long offset = 0;
    long complete = 0;
    long fileLine = 0;
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      int b;
      while ((b = in.read()) != -1) {
        offset++;
        if (b != '\n') {
          record.write(b);
          continue;
        }
        fileLine++;
        if (record.size() > 0) {
          done.set(Math.toIntExact(lineOf(record.toByteArray(), path, fileLine)));
        }
        record.reset();
        complete = offset;
      }
    }
    return complete;
  }

  private static long lineOf(byte[] record, Path path, long fileLine) throws IOException {
    JsonNode line;
    try {
      line = JSON.readTree(record).get("line");
    } catch (JacksonException e) {
      line = null;
    }
    if (line == null || !line.canConvertToLong() || line.asLong() < 1) {
      throw new IOException(
          "line "
              + fileLine
              + " of "
              + path
              + " is not a screen result: give another --out, or move the file away");
    }
    return line.asLong();
  }

  /** Whether an earlier run already wrote the record of this input line. */
  boolean isDone(long line) {
    return line <= Integer.MAX_VALUE && done.get((int) line);
  }

  /** Records an earlier run wrote. */
  long alreadyDone() {
    return alreadyDone;
  }

  /** Writes the answer for an input line; returns the records written by this run so far. */
  synchronized long writeAnswer(long line, String email, HasSocialAccountResponse answer)
      throws IOException {
    ObjectNode record = JSON.createObjectNode();
    record.put("line", line);
    record.put("email", email);
    record.put("verdict", ScreenTally.name(answer.getVerdict()));
    if (answer.getFoundOn().isEmpty()) {
      record.putNull("found_on");
    } else {
      record.put("found_on", answer.getFoundOn());
    }
    ArrayNode results = record.putArray("results");
    for (PlatformResult result : answer.getResultsList()) {
      results
          .addObject()
          .put("platform", result.getPlatform())
          .put("status", ScreenTally.name(result.getStatus()))
          .put("latency_ms", millis(result.getLatency()))
          .put("detail", result.getDetail());
    }
    record.put("elapsed_ms", millis(answer.getElapsed()));
    tally.answered(answer);
    return write(record);
  }

  /** Writes why an input line could not be checked; returns the records written so far. */
  synchronized long writeError(long line, String email, String code, String message)
      throws IOException {
    ObjectNode record = JSON.createObjectNode();
    record.put("line", line);
    record.put("email", email);
    record.putObject("error").put("code", code).put("message", message);
    tally.failed();
    return write(record);
  }

  @GuardedBy("this")
  private long write(ObjectNode record) throws IOException {
    out.write(JSON.writeValueAsString(record));
    out.write('\n');
    return tally.records();
  }

  /** A copy of the counts so far. */
  synchronized ScreenTally tally() {
    return tally.copy();
  }

  /** Writes what is buffered to the file. */
  synchronized void flush() throws IOException {
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  private static long millis(com.google.protobuf.Duration duration) {
    return duration.getSeconds() * 1000 + duration.getNanos() / 1_000_000;
  }
}
