package io.keyway.ledger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * Consecutive rows of a chain as the verifier reads them, without an object per row or per field:
 * each field is a slice (offset, length; -1 for NULL) of the row's bytes, which are the binary
 * {@code COPY} message the row arrived in. Fields in {@link LedgerSql#chainCopy} order, each in its
 * type's binary send format: {@code int8} and {@code timestamptz} as 8 big-endian bytes, {@code uuid}
 * as 16, {@code text} as UTF-8, {@code bytea} as is.
 */
final class ChainRows {
  static final int SEQ = 0;
  static final int ID = 1;
  static final int KIND = 2;
  static final int ACTOR = 3;
  static final int SUBJECT = 4;
  static final int USER_ID = 5;
  static final int ACCOUNT_ID = 6;
  static final int IDEMPOTENCY_KEY = 7;
  static final int CREATED_AT = 8;
  static final int CANONICAL = 9;
  static final int PREV_HASH = 10;
  static final int HASH = 11;
  static final int FIELDS = 12;

  /** 2000-01-01T00:00:00Z, the origin of PostgreSQL's timestamps, in Unix seconds. */
  private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[][] data;
  private final int[] off;
  private final int[] len;
  private int size;

  ChainRows(int capacity) {
    data = new byte[capacity][];
    off = new int[capacity * FIELDS];
    len = new int[capacity * FIELDS];
  }

  int size() {
    return size;
  }

  boolean full() {
    return size == data.length;
  }

  /** Appends a row whose fields are the given slices of {@code bytes}. */
  void add(byte[] bytes, int[] fieldOff, int[] fieldLen) {
    data[size] = bytes;
    System.arraycopy(fieldOff, 0, off, size * FIELDS, FIELDS);
    System.arraycopy(fieldLen, 0, len, size * FIELDS, FIELDS);
    size++;
  }

  byte[] data(int row) {
    return data[row];
  }

  int off(int row, int field) {
    return off[row * FIELDS + field];
  }

  /** The field's length in bytes, -1 for NULL. */
  int len(int row, int field) {
    return len[row * FIELDS + field];
  }

  long seq(int row) {
    return long8(data[row], off(row, SEQ));
  }

  /** Micros since 2000-01-01T00:00:00Z, as PostgreSQL keeps a {@code timestamptz}. */
  long createdAtMicros(int row) {
    return long8(data[row], off(row, CREATED_AT));
  }

  long uuidHigh(int row, int field) {
    return long8(data[row], off(row, field));
  }

  long uuidLow(int row, int field) {
    return long8(data[row], off(row, field) + 8);
  }

  /** The field equals {@code other[from, from + n)} byte for byte (NULL equals nothing). */
  boolean fieldEquals(int row, int field, byte[] other, int from, int n) {
    int o = off(row, field);
    return len(row, field) == n && Arrays.equals(data[row], o, o + n, other, from, from + n);
  }

  byte[] copy(int row, int field) {
    int n = len(row, field);
    return n < 0 ? null : Arrays.copyOfRange(data[row], off(row, field), off(row, field) + n);
  }

  static Instant instant(long postgresMicros) {
    return Instant.ofEpochSecond(Math.floorDiv(postgresMicros, 1_000_000L) + POSTGRES_EPOCH_SECONDS,
        Math.floorMod(postgresMicros, 1_000_000L) * 1_000L);
  }

  static long postgresMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond() - POSTGRES_EPOCH_SECONDS, 1_000_000L),
        t.getNano() / 1_000L);
  }

  /** The row decoded into objects, for what the byte-level checks cannot decide (rare). */
  ChainVerifier.Row decoded(int row) {
    return new ChainVerifier.Row(seq(row), uuid(row, ID), text(row, KIND), text(row, ACTOR), text(row, SUBJECT),
        uuid(row, USER_ID), uuid(row, ACCOUNT_ID), text(row, IDEMPOTENCY_KEY), instant(createdAtMicros(row)),
        text(row, CANONICAL), copy(row, PREV_HASH), copy(row, HASH));
  }

  private UUID uuid(int row, int field) {
    return len(row, field) < 0 ? null : new UUID(uuidHigh(row, field), uuidLow(row, field));
  }

  private String text(int row, int field) {
    int n = len(row, field);
    return n < 0 ? null : new String(data[row], off(row, field), n, StandardCharsets.UTF_8);
  }

  /** One row holding a {@link ChainVerifier.RawRow}'s fields, laid out as {@code COPY} sends them. */
  static ChainRows of(ChainVerifier.RawRow r) {
    byte[][] fields = {
        long8(r.seq()), uuid(r.id()), r.kind(), r.actor(), r.subject(), uuid(r.userId()), uuid(r.accountId()),
        r.idempotencyKey(), long8(postgresMicros(r.createdAt())), r.canonical(), r.prevHash(), r.hash()};
    int total = 0;
    for (byte[] f : fields) {
      total += f == null ? 0 : f.length;
    }
    byte[] bytes = new byte[total];
    int[] fieldOff = new int[FIELDS];
    int[] fieldLen = new int[FIELDS];
    int at = 0;
    for (int i = 0; i < FIELDS; i++) {
      fieldOff[i] = at;
      fieldLen[i] = fields[i] == null ? -1 : fields[i].length;
      if (fields[i] != null) {
        System.arraycopy(fields[i], 0, bytes, at, fields[i].length);
        at += fields[i].length;
      }
    }
    ChainRows one = new ChainRows(1);
    one.add(bytes, fieldOff, fieldLen);
    return one;
  }

  static long long8(byte[] b, int at) {
    return (long) BIG_ENDIAN_LONG.get(b, at);
  }

  private static byte[] long8(long v) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
    return b;
  }

  private static byte[] uuid(UUID id) {
    if (id == null) {
      return null;
    }
    byte[] b = Arrays.copyOf(long8(id.getMostSignificantBits()), 16);
    System.arraycopy(long8(id.getLeastSignificantBits()), 0, b, 8, 8);
    return b;
  }
}
