package io.keyway.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Checks an entry's indexed columns against its canonical text without parsing it. The canonical
 * form is fixed (see {@link StoredEntry#canonical}): keys in order, {@code payload} the only one
 * that is not a plain value, so the text must be exactly the columns spelled as {@link
 * CanonicalJson} spells them, before and after one balanced JSON object. Everything is compared as
 * UTF-8 bytes: the escapes only touch ASCII bytes, which never occur inside a multi-byte character.
 *
 * <p>{@code true} means the columns agree with the text. {@code false} only means the text is not in
 * the shape the ledger writes; the caller then decides by parsing it. One instance per thread.
 */
final class CanonicalShape {
  private static final byte[] ACCOUNT_ID = ascii("{\"accountId\":");
  private static final byte[] ACTOR = ascii(",\"actor\":");
  private static final byte[] CREATED_AT = ascii(",\"createdAt\":");
  private static final byte[] ID = ascii(",\"id\":");
  private static final byte[] IDEMPOTENCY_KEY = ascii(",\"idempotencyKey\":");
  private static final byte[] KIND = ascii(",\"kind\":");
  private static final byte[] PAYLOAD = ascii(",\"payload\":");
  private static final byte[] SEQ = ascii(",\"seq\":");
  private static final byte[] SUBJECT = ascii(",\"subject\":");
  private static final byte[] TENANT_ID = ascii(",\"tenantId\":");
  private static final byte[] USER_ID = ascii(",\"userId\":");
  private static final byte[] NULL = ascii("null");
  private static final byte[] HEX = ascii("0123456789abcdef");

  private byte[] buf = new byte[512];
  private int len;

  boolean matches(UUID tenantId, ChainVerifier.RawRow row) {
    byte[] text = row.canonical();
    len = 0;
    put(ACCOUNT_ID);
    uuid(row.accountId());
    put(ACTOR);
    string(row.actor());
    put(CREATED_AT);
    string(ascii(row.createdAt().toString()));
    put(ID);
    uuid(row.id());
    put(IDEMPOTENCY_KEY);
    string(row.idempotencyKey());
    put(KIND);
    string(row.kind());
    put(PAYLOAD);
    int payloadStart = len;
    if (text.length < payloadStart || !Arrays.equals(text, 0, payloadStart, buf, 0, payloadStart)) {
      return false;
    }
    len = 0;
    put(SEQ);
    put(ascii(Long.toString(row.seq())));
    put(SUBJECT);
    string(row.subject());
    put(TENANT_ID);
    uuid(tenantId);
    put(USER_ID);
    uuid(row.userId());
    put((byte) '}');
    int payloadEnd = text.length - len;
    return payloadEnd > payloadStart
        && Arrays.equals(text, payloadEnd, text.length, buf, 0, len)
        && oneObject(text, payloadStart, payloadEnd);
  }

  /** {@code text[from, to)} is one JSON object: braces balance outside strings and close only at the end. */
  static boolean oneObject(byte[] text, int from, int to) {
    if (text[from] != '{') {
      return false;
    }
    int depth = 0;
    boolean inString = false;
    for (int i = from; i < to; i++) {
      byte b = text[i];
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        depth++;
      } else if (b == '}' || b == ']') {
        depth--;
        if (depth == 0 && i != to - 1) {
          return false;
        }
      }
    }
    return depth == 0 && !inString;
  }

  private void uuid(UUID id) {
    if (id == null) {
      put(NULL);
      return;
    }
    ensure(38);
    buf[len++] = '"';
    hex(id.getMostSignificantBits() >>> 32, 8);
    buf[len++] = '-';
    hex(id.getMostSignificantBits() >>> 16, 4);
    buf[len++] = '-';
    hex(id.getMostSignificantBits(), 4);
    buf[len++] = '-';
    hex(id.getLeastSignificantBits() >>> 48, 4);
    buf[len++] = '-';
    hex(id.getLeastSignificantBits(), 12);
    buf[len++] = '"';
  }

  private void hex(long bits, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      buf[len + i] = HEX[(int) (bits & 0xF)];
      bits >>>= 4;
    }
    len += digits;
  }

  /** A JSON string as {@link CanonicalJson} escapes it, from its UTF-8 bytes; {@code null} for none. */
  private void string(byte[] utf8) {
    if (utf8 == null) {
      put(NULL);
      return;
    }
    ensure(utf8.length * 6 + 2);
    buf[len++] = '"';
    for (byte b : utf8) {
      switch (b) {
        case '"' -> escape('"');
        case '\\' -> escape('\\');
        case '\b' -> escape('b');
        case '\f' -> escape('f');
        case '\n' -> escape('n');
        case '\r' -> escape('r');
        case '\t' -> escape('t');
        default -> {
          if (b >= 0 && b < 0x20) {
            buf[len++] = '\\';
            buf[len++] = 'u';
            buf[len++] = '0';
            buf[len++] = '0';
            buf[len++] = HEX[b >> 4];
            buf[len++] = HEX[b & 0xF];
          } else {
            buf[len++] = b;
          }
        }
      }
    }
    buf[len++] = '"';
  }

  private void escape(char c) {
    buf[len++] = '\\';
    buf[len++] = (byte) c;
  }

  private void put(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  private void put(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
