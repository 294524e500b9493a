package dev.socialcheck.bench;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/** Moving HdrHistograms between JVMs as one token of text, and reading them in milliseconds. */
final class Histograms {
  private Histograms() {}

  /** The histogram, compressed and Base64-encoded (no spaces). */
  static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  static Histogram decode(String text) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not an encoded histogram", e);
    }
  }

  /** A percentile of a histogram of nanoseconds, in milliseconds. */
  static double millis(Histogram nanos, double percentile) {
    return nanos.getTotalCount() == 0 ? Double.NaN : nanos.getValueAtPercentile(percentile) / 1e6;
  }

  static double maxMillis(Histogram nanos) {
    return nanos.getTotalCount() == 0 ? Double.NaN : nanos.getMaxValue() / 1e6;
  }
}
