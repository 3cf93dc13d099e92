package io.keyway.ledger;

import java.sql.SQLException;
import java.util.Arrays;

/**
 * Reads PostgreSQL's binary {@code COPY} format (the "Binary Format" section of the COPY reference
 * page): a signature, flags and a header extension, then per row a field count and each field as
 * a length (-1 for NULL) and its bytes in the type's binary send format, then a -1 trailer.
 *
 * <p>It works on the {@code CopyData} messages as the driver hands them over and copies nothing: a
 * row's fields stay slices of the message they came in ({@link ChainRows}). PostgreSQL sends one
 * row a message, but the format does not promise it, so a row cut across messages is put together
 * first. Only the chain's columns ({@link LedgerSql#chainCopy}); their sizes and NOT NULLs are
 * checked here. One reader, one thread.
 */
final class BinaryCopyReader {
  /** The {@code CopyData} messages of one {@code COPY … TO STDOUT}, then null. */
  interface Messages {
    byte[] next() throws SQLException;
  }

  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  private static final String[] NAMES = {"seq", "id", "kind", "actor", "subject", "user_id", "account_id",
      "idempotency_key", "created_at", "canonical", "prev_hash", "hash"};
  /** Each field's fixed size, 0 for any. */
  private static final int[] SIZE = {8, 16, 0, 0, 0, 16, 16, 0, 8, 0, 0, 0};
  private static final boolean[] NULLABLE = {false, false, false, false, false, true, true, true, false, false,
      false, false};

  private final Messages in;
  private final int[] fieldOff = new int[ChainRows.FIELDS];
  private final int[] fieldLen = new int[ChainRows.FIELDS];
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

  /** Reads rows into {@code rows} until it is full or the data ends; false once the data has ended. */
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
      if (fields != ChainRows.FIELDS) {
        throw new SQLException("the chain's COPY has " + fields + " columns");
      }
      int end = row(pos + 2);
      while (end < 0) {
        if (!available(msg.length - pos + 1)) {
          throw new SQLException("the chain's COPY ended inside a row");
        }
        end = row(pos + 2);
      }
      rows.add(msg, fieldOff, fieldLen);
      pos = end;
    }
    return !ended;
  }

  /** Slices the fields of the row whose fields start at {@code p}: where the row ends, or -1 if it is cut. */
  private int row(int p) throws SQLException {
    for (int f = 0; f < ChainRows.FIELDS; f++) {
      if (msg.length - p < 4) {
        return -1;
      }
      int n = int4(msg, p);
      p += 4;
      if (n == -1) {
        if (!NULLABLE[f]) {
          throw new SQLException("the chain's COPY has a NULL " + NAMES[f]);
        }
      } else if (n < 0 || (SIZE[f] != 0 && n != SIZE[f])) {
        throw new SQLException("a " + NAMES[f] + " field of " + n + " bytes");
      } else if (msg.length - p < n) {
        return -1;
      }
      fieldOff[f] = p;
      fieldLen[f] = n;
      p += Math.max(n, 0);
    }
    return p;
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
