package io.keyway.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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

  private static final int TEXT = 25;
  private static final int UUID_TYPE = 2950;
  private static final int TIMESTAMPTZ = 1184;

  private final DataOutputStream out;
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(1 << 16);
  private final ByteArrayOutputStream elementBytes = new ByteArrayOutputStream(1024);

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

  /** A one-dimensional {@code text[]}; elements may be NULL. */
  void textArray(List<String> v) throws IOException {
    array(TEXT, v, (e, o) -> o.write(e.getBytes(StandardCharsets.UTF_8)));
  }

  /** A one-dimensional {@code uuid[]}; elements may be NULL. */
  void uuidArray(List<UUID> v) throws IOException {
    array(UUID_TYPE, v, (e, o) -> {
      o.writeLong(e.getMostSignificantBits());
      o.writeLong(e.getLeastSignificantBits());
    });
  }

  /** A one-dimensional {@code timestamptz[]}; elements may be NULL. */
  void timestamptzArray(List<Instant> v) throws IOException {
    array(TIMESTAMPTZ, v, (e, o) -> o.writeLong(postgresMicros(e)));
  }

  /** How one non-NULL element is spelled in its type's binary send format. */
  @FunctionalInterface
  private interface Element<T> {
    void write(T element, DataOutputStream out) throws IOException;
  }

  /**
   * PostgreSQL's binary array format: dimensions (1), a has-NULLs flag, the element type's oid, the
   * size and lower bound (1), then each element as a length (-1 for NULL) and its bytes.
   */
  private <T> void array(int elementType, List<T> v, Element<T> element) throws IOException {
    scratch.reset();
    DataOutputStream a = new DataOutputStream(scratch);
    a.writeInt(1);
    a.writeInt(v.contains(null) ? 1 : 0);
    a.writeInt(elementType);
    a.writeInt(v.size());
    a.writeInt(1);
    for (T e : v) {
      if (e == null) {
        a.writeInt(-1);
        continue;
      }
      elementBytes.reset();
      element.write(e, new DataOutputStream(elementBytes));
      a.writeInt(elementBytes.size());
      elementBytes.writeTo(a);
    }
    a.flush();
    out.writeInt(scratch.size());
    scratch.writeTo(out);
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
