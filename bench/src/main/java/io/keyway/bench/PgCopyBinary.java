package io.keyway.bench;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes PostgreSQL's binary COPY format (the "Binary Format" section of the COPY reference page):
 * a signature, then per row a field count and each field as a length (-1 for NULL) and its bytes in
 * the type's binary send format, then a -1 trailer. Binary, so canonical text with quotes and
 * backslashes needs no escaping and nothing is parsed from text on the server.
 */
final class PgCopyBinary implements AutoCloseable {
  static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  /** 2000-01-01T00:00:00Z, the origin of PostgreSQL's timestamps, in Unix seconds. */
  static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

  private final DataOutputStream out;

  /** Starts the stream: writes the signature, no flags and an empty header extension. */
  PgCopyBinary(OutputStream out) throws IOException {
    this.out = new DataOutputStream(out);
    this.out.write(SIGNATURE);
    this.out.writeInt(0);
    this.out.writeInt(0);
  }

  void startRow(int fields) throws IOException {
    out.writeShort(fields);
  }

  void uuid(UUID v) throws IOException {
    if (nullField(v)) {
      return;
    }
    out.writeInt(16);
    out.writeLong(v.getMostSignificantBits());
    out.writeLong(v.getLeastSignificantBits());
  }

  void int8(long v) throws IOException {
    out.writeInt(8);
    out.writeLong(v);
  }

  void text(String v) throws IOException {
    if (nullField(v)) {
      return;
    }
    bytea(v.getBytes(StandardCharsets.UTF_8));
  }

  void bytea(byte[] v) throws IOException {
    if (nullField(v)) {
      return;
    }
    out.writeInt(v.length);
    out.write(v);
  }

  /** A {@code timestamptz}: microseconds since {@link #POSTGRES_EPOCH_SECONDS}. */
  void timestamptz(Instant v) throws IOException {
    if (nullField(v)) {
      return;
    }
    out.writeInt(8);
    out.writeLong(postgresMicros(v));
  }

  /** Microseconds from 2000-01-01T00:00:00Z to {@code t}, finer digits dropped. */
  static long postgresMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond() - POSTGRES_EPOCH_SECONDS, 1_000_000L),
        t.getNano() / 1_000);
  }

  private boolean nullField(Object v) throws IOException {
    if (v == null) {
      out.writeInt(-1);
      return true;
    }
    return false;
  }

  /** Writes the trailer and flushes; the underlying stream is left open for the caller to end. */
  @Override
  public void close() throws IOException {
    out.writeShort(-1);
    out.flush();
  }
}
