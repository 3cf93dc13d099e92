package io.keyway.ledger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * Consecutive entries of a chain as the verifier reads them, without an object per entry or per
 * field: each field is a slice (offset, length; -1 for NULL) of the bytes of the block the entry was
 * stored in, which are the binary {@code COPY} message the block arrived in ({@link BinaryCopyReader}
 * cuts a block into its entries). An entry's {@code PREV_HASH} is the previous element's slice of
 * the block's hashes (the block's {@code prev_hash} for its first), its seq is the block's first seq
 * plus its index. Fields in their type's binary send format:
 * {@code timestamptz} as 8 big-endian bytes, {@code uuid} as 16, {@code text} as UTF-8, hashes as is.
 * An entry of a block whose shape is wrong (its arrays of different lengths, its {@code last_seq}
 * not its first seq plus its length less one) is marked {@link #blockWrong}.
 */
final class ChainRows {
  static final int KIND = 0;
  static final int USER_ID = 1;
  static final int ACCOUNT_ID = 2;
  static final int CREATED_AT = 3;
  static final int CANONICAL = 4;
  static final int PREV_HASH = 5;
  static final int HASH = 6;
  static final int FIELDS = 7;

  /** 2000-01-01T00:00:00Z, the origin of PostgreSQL's timestamps, in Unix seconds. */
  static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final int capacity;
  private byte[][] data;
  private long[] seqs;
  private boolean[] blockWrong;
  private int[] off;
  private int[] len;
  private int size;

  ChainRows(int capacity) {
    this.capacity = capacity;
    data = new byte[capacity][];
    seqs = new long[capacity];
    blockWrong = new boolean[capacity];
    off = new int[capacity * FIELDS];
    len = new int[capacity * FIELDS];
  }

  int size() {
    return size;
  }

  /** Holds its capacity or more (a block is never split, so the last one may go beyond it). */
  boolean full() {
    return size >= capacity;
  }

  /** Appends an entry at {@code seq} whose fields are the given slices of {@code bytes}. */
  void add(byte[] bytes, long seq, boolean wrongBlock, int[] fieldOff, int[] fieldLen) {
    if (size == data.length) {
      int more = Math.max(16, size);
      data = Arrays.copyOf(data, size + more);
      seqs = Arrays.copyOf(seqs, size + more);
      blockWrong = Arrays.copyOf(blockWrong, size + more);
      off = Arrays.copyOf(off, (size + more) * FIELDS);
      len = Arrays.copyOf(len, (size + more) * FIELDS);
    }
    data[size] = bytes;
    seqs[size] = seq;
    blockWrong[size] = wrongBlock;
    System.arraycopy(fieldOff, 0, off, size * FIELDS, FIELDS);
    System.arraycopy(fieldLen, 0, len, size * FIELDS, FIELDS);
    size++;
  }

  /** The entry came in a block whose shape is wrong. */
  boolean blockWrong(int row) {
    return blockWrong[row];
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
    return seqs[row];
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

  /** The entry decoded into objects, for what the byte-level checks cannot decide (rare). */
  ChainVerifier.Row decoded(int row) {
    return new ChainVerifier.Row(seq(row), text(row, KIND), uuid(row, USER_ID), uuid(row, ACCOUNT_ID),
        instant(createdAtMicros(row)), text(row, CANONICAL), copy(row, PREV_HASH), copy(row, HASH));
  }

  private UUID uuid(int row, int field) {
    return len(row, field) < 0 ? null : new UUID(uuidHigh(row, field), uuidLow(row, field));
  }

  private String text(int row, int field) {
    int n = len(row, field);
    return n < 0 ? null : new String(data[row], off(row, field), n, StandardCharsets.UTF_8);
  }

  /** One entry holding a {@link ChainVerifier.RawRow}'s fields, laid out as {@code COPY} sends them. */
  static ChainRows of(ChainVerifier.RawRow r) {
    byte[][] fields = {
        r.kind(), uuid(r.userId()), uuid(r.accountId()), long8(postgresMicros(r.createdAt())), r.canonical(),
        r.prevHash(), r.hash()};
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
    one.add(bytes, r.seq(), false, fieldOff, fieldLen);
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
