package io.keyway.ledger;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * Reads PostgreSQL's binary {@code COPY} format (the "Binary Format" section of the COPY reference
 * page): a signature, flags and a header extension, then per row a field count and each field as
 * a length (-1 for NULL) and its bytes in the type's binary send format, then a -1 trailer. Only
 * the types the verifier reads: {@code int8}, {@code uuid}, {@code text}, {@code bytea},
 * {@code timestamptz}. Unsynchronised and unbuffered by anything else: one reader, one thread.
 */
final class BinaryCopyReader {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  /** 2000-01-01T00:00:00Z, the origin of PostgreSQL's timestamps, in Unix seconds. */
  private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int end;

  BinaryCopyReader(InputStream in) throws IOException {
    this.in = in;
    byte[] signature = bytes(SIGNATURE.length);
    if (!Arrays.equals(signature, SIGNATURE)) {
      throw new IOException("not a binary COPY stream");
    }
    int flags = int4();
    if ((flags & 0xFFFF0000) != 0) {
      throw new IOException("binary COPY with critical flags " + Integer.toHexString(flags));
    }
    bytes(int4()); // header extension, none defined
  }

  /** The next row's field count, or -1 at the end of the data. */
  int startRow() throws IOException {
    return int2();
  }

  long int8() throws IOException {
    expectLength(8);
    return long8();
  }

  UUID uuid() throws IOException {
    int n = int4();
    if (n == -1) {
      return null;
    }
    if (n != 16) {
      throw new IOException("a uuid field of " + n + " bytes");
    }
    return new UUID(long8(), long8());
  }

  /** A {@code text} or {@code bytea} field's bytes (UTF-8 for text), or null. */
  byte[] bytesOrNull() throws IOException {
    int n = int4();
    return n == -1 ? null : bytes(n);
  }

  Instant timestamptz() throws IOException {
    expectLength(8);
    long micros = long8();
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L) + POSTGRES_EPOCH_SECONDS,
        Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  private void expectLength(int n) throws IOException {
    int found = int4();
    if (found != n) {
      throw new IOException("a field of " + found + " bytes where " + n + " were expected");
    }
  }

  private int int2() throws IOException {
    fill(2);
    short v = (short) (((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF));
    pos += 2;
    return v;
  }

  private int int4() throws IOException {
    fill(4);
    int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
        | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  private long long8() throws IOException {
    fill(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos + i] & 0xFF);
    }
    pos += 8;
    return v;
  }

  private byte[] bytes(int n) throws IOException {
    if (n < 0) {
      throw new IOException("a field of " + n + " bytes");
    }
    byte[] out = new byte[n];
    int copied = 0;
    while (copied < n) {
      if (pos == end) {
        refill();
      }
      int chunk = Math.min(n - copied, end - pos);
      System.arraycopy(buf, pos, out, copied, chunk);
      pos += chunk;
      copied += chunk;
    }
    return out;
  }

  /** At least {@code n} (at most 8) unread bytes in the buffer. */
  private void fill(int n) throws IOException {
    if (end - pos >= n) {
      return;
    }
    System.arraycopy(buf, pos, buf, 0, end - pos);
    end -= pos;
    pos = 0;
    while (end < n) {
      int read = in.read(buf, end, buf.length - end);
      if (read < 0) {
        throw new EOFException("the COPY stream ended inside a row");
      }
      end += read;
    }
  }

  private void refill() throws IOException {
    pos = 0;
    end = 0;
    fill(1);
  }
}
