package dev.socialcheck.server.reliability;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A minimal hand-written HTTP/2 client over a plain {@link Socket}, for attacks no real client
 * makes: the connection preface, SETTINGS, and HEADERS frames of gRPC requests (HPACK literals, no
 * Huffman, no dynamic table) each followed at once by RST_STREAM — the "rapid reset" pattern
 * (CVE-2023-44487). It reads the server's frames to find a GOAWAY.
 */
final class RawHttp2 implements AutoCloseable {
  static final int TYPE_HEADERS = 0x1;
  static final int TYPE_RST_STREAM = 0x3;
  static final int TYPE_SETTINGS = 0x4;
  static final int TYPE_GOAWAY = 0x7;
  static final int FLAG_ACK = 0x1;
  static final int FLAG_END_HEADERS = 0x4;
  static final int ERROR_CANCEL = 0x8;
  static final int ERROR_ENHANCE_YOUR_CALM = 0xb;

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final byte[] requestHeaders;

  /** Connects and sends the preface, an empty SETTINGS frame and a SETTINGS acknowledgement. */
  RawHttp2(int port, String path) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
    requestHeaders = headerBlock(path, "127.0.0.1:" + port);
    out.write(PREFACE);
    writeFrame(TYPE_SETTINGS, 0, 0, new byte[0]);
    writeFrame(TYPE_SETTINGS, FLAG_ACK, 0, new byte[0]);
    out.flush();
  }

  /**
   * Opens {@code count} request streams, resetting each one right after its HEADERS, in batches.
   * Stops early, without failing, when the server closes the connection.
   *
   * @return the number of pairs written before the connection closed (or {@code count})
   */
  int rapidReset(int count) {
    byte[] cancel = {0, 0, 0, ERROR_CANCEL};
    int written = 0;
    try {
      for (int i = 0; i < count; i++) {
        int stream = 1 + 2 * i;
        writeFrame(TYPE_HEADERS, FLAG_END_HEADERS, stream, requestHeaders);
        writeFrame(TYPE_RST_STREAM, 0, stream, cancel);
        written++;
        if (written % 64 == 0) {
          out.flush();
        }
      }
      out.flush();
    } catch (IOException closedByServer) {
      // Expected once the server has had enough.
    }
    return written;
  }

  /** What the server did with the connection. */
  record Closing(boolean goAway, long goAwayError, String debugData, boolean closed) {}

  /**
   * Reads frames until the connection ends (EOF or reset) or 30 s pass; reports the first GOAWAY.
   */
  Closing readUntilClosed() {
    boolean goAway = false;
    long error = -1;
    String debug = "";
    try {
      while (true) {
        int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        in.readUnsignedByte(); // flags
        in.readInt(); // stream id
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (type == TYPE_GOAWAY && !goAway && length >= 8) {
          goAway = true;
          error = Integer.toUnsignedLong(readInt(payload, 4));
          debug = new String(payload, 8, length - 8, StandardCharsets.UTF_8);
        }
      }
    } catch (EOFException | SocketException ended) {
      return new Closing(goAway, error, debug, true);
    } catch (IOException timedOut) {
      return new Closing(goAway, error, debug, false);
    }
  }

  private void writeFrame(int type, int flags, int stream, byte[] payload) throws IOException {
    byte[] header = {
      (byte) (payload.length >>> 16),
      (byte) (payload.length >>> 8),
      (byte) payload.length,
      (byte) type,
      (byte) flags,
      (byte) (stream >>> 24),
      (byte) (stream >>> 16),
      (byte) (stream >>> 8),
      (byte) stream
    };
    out.write(header);
    out.write(payload);
  }

  /** HPACK: the request pseudo-headers and gRPC headers, as literals without indexing. */
  private static byte[] headerBlock(String path, String authority) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x83); // :method POST (static index 3)
    block.write(0x86); // :scheme http (static index 6)
    literal(block, new byte[] {0x04}, path); // :path (static name 4)
    literal(block, new byte[] {0x01}, authority); // :authority (static name 1)
    literal(block, new byte[] {0x0f, 0x10}, "application/grpc"); // content-type (static name 31)
    block.write(0x00); // te: a literal name
    string(block, "te");
    string(block, "trailers");
    return block.toByteArray();
  }

  private static void literal(ByteArrayOutputStream block, byte[] nameIndex, String value) {
    block.writeBytes(nameIndex);
    string(block, value);
  }

  private static void string(ByteArrayOutputStream block, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length > 126) {
      throw new IllegalArgumentException("header value too long for this encoder");
    }
    block.write(bytes.length);
    block.writeBytes(bytes);
  }

  private static int readInt(byte[] bytes, int offset) {
    return ((bytes[offset] & 0xff) << 24)
        | ((bytes[offset + 1] & 0xff) << 16)
        | ((bytes[offset + 2] & 0xff) << 8)
        | (bytes[offset + 3] & 0xff);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
