package io.keyway.ledger;

import java.sql.SQLException;
import java.util.Arrays;

/**
 * Reads PostgreSQL's binary {@code COPY} format (the "Binary Format" section of the COPY reference
 * page): a signature, flags and a header extension, then per row a field count and each field as
 * a length (-1 for NULL) and its bytes in the type's binary send format, then a -1 trailer.
 *
 * <p>It works on the {@code CopyData} messages as the driver hands them over and copies nothing: a
 * block's entries stay slices of the message the block came in ({@link ChainRows}). PostgreSQL sends
 * one row a message, but the format does not promise it, so a row cut across messages is put
 * together first. Only the chain's columns ({@link LedgerSql#chainCopy}); their sizes and NOT NULLs
 * are checked here, and arrays in PostgreSQL's binary array format (dimensions, a NULL flag, the
 * element type, then each element as a length and its bytes). What the chain's checks judge (a block
 * whose arrays or seq range disagree) is marked on its entries, not thrown. One reader, one thread.
 */
final class BinaryCopyReader {
  /** The {@code CopyData} messages of one {@code COPY … TO STDOUT}, then null. */
  interface Messages {
    byte[] next() throws SQLException;
  }

  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  static final int FIRST_SEQ = 0;
  static final int LAST_SEQ = 1;
  static final int PREV_HASH = 2;
  static final int HASHES = 3;
  static final int CANONICALS = 4;
  static final int CREATED_ATS = 5;
  static final int KINDS = 6;
  static final int USER_IDS = 7;
  static final int ACCOUNT_IDS = 8;
  static final int COLUMNS = 9;
  private static final String[] NAMES = {"first_seq", "last_seq", "prev_hash", "hashes", "canonicals", "created_ats",
      "kinds", "user_ids", "account_ids"};
  /** Each column's fixed size, 0 for any. */
  private static final int[] SIZE = {8, 8, 0, 0, 0, 0, 0, 0, 0};
  private static final int HASH = 32;

  private final Messages in;
  private final int[] columnOff = new int[COLUMNS];
  private final int[] columnLen = new int[COLUMNS];
  private final int[] fieldOff = new int[ChainRows.FIELDS];
  private final int[] fieldLen = new int[ChainRows.FIELDS];
  private final Elements canonicals = new Elements();
  private final Elements times = new Elements();
  private final Elements kinds = new Elements();
  private final Elements users = new Elements();
  private final Elements accounts = new Elements();
  private byte[] msg = new byte[0];
  private int pos;
  private boolean ended;

  BinaryCopyReader(Messages in) throws SQLException {
    this.in = in;
    if (!available(SIGNATURE.length + 8)) {
      throw new SQLException("the chain's COPY ended inside its header");
    }
    if (!Arrays.equals(msg, pos, pos + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
      throw new SQLException("not a binary COPY stream");
    }
    pos += SIGNATURE.length;
    int flags = int4(msg, pos);
    if ((flags & 0xFFFF0000) != 0) {
      throw new SQLException("binary COPY with critical flags " + Integer.toHexString(flags));
    }
    int extension = int4(msg, pos + 4);
    pos += 8;
    if (extension < 0 || !available(extension)) {
      throw new SQLException("the chain's COPY ended inside its header");
    }
    pos += extension; // none defined
  }

  /** Reads blocks' entries into {@code rows} until it is full or the data ends; false once the data has ended. */
  boolean fill(ChainRows rows) throws SQLException {
    while (!ended && !rows.full()) {
      if (!available(2)) {
        throw new SQLException("the chain's COPY ended without its trailer");
      }
      int fields = (short) (((msg[pos] & 0xFF) << 8) | (msg[pos + 1] & 0xFF));
      if (fields == -1) {
        ended = true;
        if (msg.length > pos + 2 || in.next() != null) {
          throw new SQLException("the chain's COPY goes on after its trailer");
        }
        break;
      }
      if (fields != COLUMNS) {
        throw new SQLException("the chain's COPY has " + fields + " columns");
      }
      int end = row(pos + 2);
      while (end < 0) {
        if (!available(msg.length - pos + 1)) {
          throw new SQLException("the chain's COPY ended inside a row");
        }
        end = row(pos + 2);
      }
      entries(rows);
      pos = end;
    }
    return !ended;
  }

  /** Slices the columns of the row whose columns start at {@code p}: where the row ends, or -1 if it is cut. */
  private int row(int p) throws SQLException {
    for (int f = 0; f < COLUMNS; f++) {
      if (msg.length - p < 4) {
        return -1;
      }
      int n = int4(msg, p);
      p += 4;
      if (n == -1) {
        throw new SQLException("the chain's COPY has a NULL " + NAMES[f]);
      } else if (n < 0 || (SIZE[f] != 0 && n != SIZE[f])) {
        throw new SQLException("a " + NAMES[f] + " field of " + n + " bytes");
      } else if (msg.length - p < n) {
        return -1;
      }
      columnOff[f] = p;
      columnLen[f] = n;
      p += n;
    }
    return p;
  }

  /** The block just sliced, cut into its entries. */
  private void entries(ChainRows rows) throws SQLException {
    long first = ChainRows.long8(msg, columnOff[FIRST_SEQ]);
    long last = ChainRows.long8(msg, columnOff[LAST_SEQ]);
    canonicals.read(CANONICALS);
    times.read(CREATED_ATS);
    kinds.read(KINDS);
    users.read(USER_IDS);
    accounts.read(ACCOUNT_IDS);
    int n = Math.max(0, canonicals.count);
    boolean wrong = n == 0 || last != first + n - 1 || columnLen[PREV_HASH] != HASH || columnLen[HASHES] != n * HASH
        || times.count != n || kinds.count != n || users.count != n || accounts.count != n;
    fieldOff[ChainRows.PREV_HASH] = columnOff[PREV_HASH];
    fieldLen[ChainRows.PREV_HASH] = columnLen[PREV_HASH];
    for (int i = 0; i < n; i++) {
      int hashAt = columnOff[HASHES] + i * HASH;
      boolean hashed = (i + 1) * HASH <= columnLen[HASHES];
      fieldOff[ChainRows.HASH] = hashed ? hashAt : columnOff[HASHES];
      fieldLen[ChainRows.HASH] = hashed ? HASH : 0;
      // every field is set, whatever comes of the others
      boolean whole = canonicals.set(i, ChainRows.CANONICAL, 0, false) & times.set(i, ChainRows.CREATED_AT, 8, false)
          & kinds.set(i, ChainRows.KIND, 0, false) & users.set(i, ChainRows.USER_ID, 16, true)
          & accounts.set(i, ChainRows.ACCOUNT_ID, 16, true);
      rows.add(msg, first + i, wrong || !whole, fieldOff, fieldLen);
      fieldOff[ChainRows.PREV_HASH] = fieldOff[ChainRows.HASH];
      fieldLen[ChainRows.PREV_HASH] = fieldLen[ChainRows.HASH];
    }
    if (n == 0) {
      // a block without texts (an empty or two-dimensional array) still stands for its first seq, marked, so
      // verify names it as malformed there instead of a gap further on
      for (int f = 0; f < ChainRows.FIELDS; f++) {
        if (f != ChainRows.PREV_HASH) {
          fieldOff[f] = columnOff[FIRST_SEQ];
          fieldLen[f] = 0;
        }
      }
      rows.add(msg, first, true, fieldOff, fieldLen);
    }
  }

  /** The elements of one one-dimensional array column of the current block, as slices of {@link #msg}. */
  private final class Elements {
    private int[] off = new int[128];
    private int[] len = new int[128];
    int count;

    void read(int column) throws SQLException {
      int p = columnOff[column];
      int end = p + columnLen[column];
      if (columnLen[column] < 12) {
        throw new SQLException("a " + NAMES[column] + " array of " + columnLen[column] + " bytes");
      }
      int dims = int4(msg, p);
      p += 12; // dimensions, the NULL flag, the element type
      if (dims == 0) {
        count = 0;
        return;
      }
      if (dims != 1) {
        count = -1; // not the one dimension the ledger writes: the block is judged wrong, or missing
        return;
      }
      if (end - p < 8) {
        throw new SQLException("a " + NAMES[column] + " array cut short");
      }
      int n = int4(msg, p);
      p += 8; // its size and lower bound
      if (n < 0 || n > (end - p) / 4) {
        throw new SQLException("a " + NAMES[column] + " array of " + n + " elements");
      }
      if (n > off.length) {
        off = new int[n];
        len = new int[n];
      }
      for (int i = 0; i < n; i++) {
        if (end - p < 4) {
          throw new SQLException("a " + NAMES[column] + " array cut short");
        }
        int l = int4(msg, p);
        p += 4;
        if (l < -1 || end - p < Math.max(l, 0)) {
          throw new SQLException("a " + NAMES[column] + " element of " + l + " bytes");
        }
        off[i] = p;
        len[i] = l;
        p += Math.max(l, 0);
      }
      count = n;
    }

    /**
     * Element {@code i} as the entry's {@code field}: false if it is missing, NULL where it may not be,
     * or not of its {@code size} (0 for any); the field is then empty (NULL where it may be), so the
     * entry can still be walked and is judged by its block.
     */
    boolean set(int i, int field, int size, boolean nullable) {
      boolean ok = i < count && (len[i] >= 0 ? size == 0 || len[i] == size : nullable);
      fieldOff[field] = ok ? off[i] : columnOff[0];
      fieldLen[field] = ok ? len[i] : (nullable ? -1 : size);
      return ok;
    }
  }

  /** At least {@code n} unread bytes in {@link #msg}, joining the next messages to what is left if needed. */
  private boolean available(int n) throws SQLException {
    while (msg.length - pos < n) {
      byte[] next = in.next();
      if (next == null) {
        return false;
      }
      if (pos == msg.length) {
        msg = next; // the usual case: the last row ended with its message
      } else {
        byte[] joined = Arrays.copyOfRange(msg, pos, msg.length + next.length);
        System.arraycopy(next, 0, joined, msg.length - pos, next.length);
        msg = joined;
      }
      pos = 0;
    }
    return true;
  }

  private static int int4(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
  }
}
