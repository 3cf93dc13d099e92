package io.keyway.ledger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * Checks an entry's stored columns (kind, user and account ids, the block's time, the seq its place
 * gives it, the tenant) against its canonical text without parsing it. The canonical form is fixed
 * (see {@link StoredEntry#canonical}): keys in order, {@code payload} the only one that is not a
 * plain value, so the text must be exactly the columns spelled as {@link CanonicalJson} spells them,
 * with a JSON string or {@code null} where a key is stored nowhere else (actor, id, idempotency key,
 * subject) and one balanced JSON object as the payload. Everything is compared as UTF-8 bytes: the
 * escapes only touch ASCII bytes, which never occur inside a multi-byte character.
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
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BIG_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle BIG_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final byte PLAIN = 0;
  private static final byte QUOTE = 1;
  private static final byte OPEN = 2;
  private static final byte CLOSE = 3;
  /** What each byte is to {@link #oneObject} outside strings. */
  private static final byte[] KIND_OF = new byte[256];

  static {
    KIND_OF['"'] = QUOTE;
    KIND_OF['{'] = OPEN;
    KIND_OF['['] = OPEN;
    KIND_OF['}'] = CLOSE;
    KIND_OF[']'] = CLOSE;
  }
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';
  private static final long MICROS_1970_TO_2000 = ChainRows.POSTGRES_EPOCH_SECONDS * 1_000_000L;
  /** 10000-01-01T00:00:00Z in micros since 1970. */
  private static final long MICROS_TO_10000 = 253_402_300_800_000_000L;

  private byte[] buf = new byte[512];
  private UUID tenant;
  private byte[] tenantText;
  private int len;
  /** The day {@link #dayText} spells, in days since 1970-01-01. */
  private long day = Long.MIN_VALUE;
  private final byte[] dayText = new byte[12];
  /** The seq whose digits {@link #seqText} ends with ({@link #seqDigits} of them, none yet at first). */
  private long seqSpelled = -1;
  private final byte[] seqText = new byte[20];
  private int seqDigits;

  /** For one row given as objects (tests, and rows fed one at a time). */
  boolean matches(UUID tenantId, ChainVerifier.RawRow row) {
    return matches(tenantId, ChainRows.of(row), 0);
  }

  boolean matches(UUID tenantId, ChainRows rows, int r) {
    byte[] text = rows.data(r);
    int p = rows.off(r, ChainRows.CANONICAL);
    int to = p + rows.len(r, ChainRows.CANONICAL);
    len = 0;
    put(ACCOUNT_ID);
    uuid(rows, r, ChainRows.ACCOUNT_ID);
    put(ACTOR);
    p = expect(text, p, to);
    p = skipValue(text, p, to);
    len = 0;
    put(CREATED_AT);
    instant(rows.createdAtMicros(r));
    put(ID);
    p = expect(text, p, to);
    p = skipValue(text, p, to);
    len = 0;
    put(IDEMPOTENCY_KEY);
    p = expect(text, p, to);
    p = skipValue(text, p, to);
    len = 0;
    put(KIND);
    string(rows, r, ChainRows.KIND);
    put(PAYLOAD);
    p = expect(text, p, to);
    p = p < 0 ? -1 : objectEnd(text, p, to);
    len = 0;
    put(SEQ);
    digits(rows.seq(r));
    put(SUBJECT);
    p = expect(text, p, to);
    p = skipValue(text, p, to);
    len = 0;
    put(TENANT_ID);
    put(tenantText(tenantId));
    put(USER_ID);
    uuid(rows, r, ChainRows.USER_ID);
    put((byte) '}');
    p = expect(text, p, to);
    return p == to;
  }

  /** {@code text} at {@code p} goes on with what {@link #buf} holds: where that ends, or -1. */
  private int expect(byte[] text, int p, int to) {
    if (p < 0 || to - p < len || !Arrays.equals(text, p, p + len, buf, 0, len)) {
      return -1;
    }
    return p + len;
  }

  /** A JSON string or {@code null} at {@code p}: where it ends, or -1. */
  private static int skipValue(byte[] text, int p, int to) {
    if (p < 0 || p >= to) {
      return -1;
    }
    if (text[p] == '"') {
      return afterString(text, p + 1, to);
    }
    boolean isNull = to - p >= NULL.length && Arrays.equals(text, p, p + NULL.length, NULL, 0, NULL.length);
    return isNull ? p + NULL.length : -1;
  }

  /** {@code text[from, to)} is one JSON object (used by tests of the shape). */
  static boolean oneObject(byte[] text, int from, int to) {
    return objectEnd(text, from, to) == to;
  }

  /**
   * Where the JSON object starting at {@code from} ends (after its closing brace: braces balance
   * outside strings), or -1 if none does before {@code to}.
   */
  static int objectEnd(byte[] text, int from, int to) {
    if (from >= to || text[from] != '{') {
      return -1;
    }
    int depth = 0;
    int i = from;
    while (i < to) {
      byte kind = KIND_OF[text[i] & 0xFF];
      if (kind == QUOTE) {
        i = afterString(text, i + 1, to);
        if (i < 0) {
          return -1;
        }
        continue;
      }
      if (kind == OPEN) {
        depth++;
      } else if (kind == CLOSE) {
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      }
      i++;
    }
    return -1;
  }

  /**
   * Where a JSON string whose content starts at {@code i} ends (after its closing quote), or -1 if it
   * does not. Eight bytes at a time up to the next quote or backslash: the lowest byte the zero-byte
   * test flags is exact (no borrow reaches it from below), so the scan lands on the first of them.
   */
  private static int afterString(byte[] text, int i, int to) {
    while (i < to) {
      if (to - i >= 8) {
        long w = word(text, i);
        long special = zeroBytes(w ^ QUOTES) | zeroBytes(w ^ BACKSLASHES);
        if (special == 0) {
          i += 8;
          continue;
        }
        i += Long.numberOfTrailingZeros(special) >>> 3;
      }
      byte b = text[i];
      if (b == '"') {
        return i + 1;
      }
      i += b == '\\' ? 2 : 1;
    }
    return -1;
  }

  /** The high bit of each byte of {@code x} that is zero, and perhaps of bytes above the lowest such. */
  private static long zeroBytes(long x) {
    return (x - ONES) & ~x & HIGHS;
  }

  private static long word(byte[] b, int at) {
    return (long) LONG.get(b, at);
  }

  /** Some byte of {@code w} is {@code c} (the classic zero-byte test on {@code w ^ c…c}). */
  private static boolean has(long w, char c) {
    return zeroBytes(w ^ (ONES * c)) != 0;
  }

  /** Some byte of {@code w} is below 0x20, a control character (bytes of 0x80 and up are not). */
  private static boolean hasControl(long w) {
    return ((w - ONES * 0x20) & ~w & HIGHS) != 0;
  }

  /** The tenant's id as a JSON string, spelled once per tenant. */
  private byte[] tenantText(UUID tenantId) {
    if (!tenantId.equals(tenant)) {
      int mark = len;
      uuid(tenantId.getMostSignificantBits(), tenantId.getLeastSignificantBits());
      tenantText = Arrays.copyOfRange(buf, mark, len);
      len = mark;
      tenant = tenantId;
    }
    return tenantText;
  }

  private void uuid(ChainRows rows, int r, int field) {
    if (rows.len(r, field) < 0) {
      put(NULL);
      return;
    }
    uuid(rows.uuidHigh(r, field), rows.uuidLow(r, field));
  }

  /** {@code "8-4-4-4-12"} lower-case hex digits, eight at a time ({@link #hex8}), the dashes set between. */
  private void uuid(long high, long low) {
    ensure(38);
    int at = len;
    buf[at] = '"';
    BIG_LONG.set(buf, at + 1, hex8(high >>> 32));
    buf[at + 9] = '-';
    long mid = hex8(high);
    BIG_LONG.set(buf, at + 11, mid);
    BIG_INT.set(buf, at + 10, (int) (mid >>> 32));
    buf[at + 14] = '-';
    buf[at + 19] = '-';
    long lowHigh = hex8(low >>> 32);
    BIG_LONG.set(buf, at + 21, lowHigh);
    BIG_INT.set(buf, at + 20, (int) (lowHigh >>> 32));
    buf[at + 24] = '-';
    BIG_LONG.set(buf, at + 29, hex8(low));
    buf[at + 37] = '"';
    len = at + 38;
  }

  /**
   * The eight hex digits of the low 32 bits of {@code bits} as ASCII, the first digit in the high
   * byte: the nibbles spread one a byte, then {@code '0' + n}, or {@code 'a' + n - 10} where adding 6
   * carries into bit 4 (n of 10 or more).
   */
  private static long hex8(long bits) {
    long v = bits & 0xFFFF_FFFFL;
    v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFFL;
    v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FFL;
    v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0FL;
    long letters = ((v + ONES * 6) >>> 4) & ONES;
    return v + ONES * '0' + letters * ('a' - '0' - 10);
  }

  /**
   * A non-negative number's decimal digits; a negative one as {@link Long#toString} spells it. A
   * walk's seqs come one after the other, so the last one spelled is counted up in place.
   */
  private void digits(long v) {
    if (v < 0) {
      put(ascii(Long.toString(v)));
      return;
    }
    if (v != seqSpelled) {
      if (seqDigits > 0 && v == seqSpelled + 1) {
        countUp();
      } else {
        spellSeq(v);
      }
      seqSpelled = v;
    }
    put(seqText, seqText.length - seqDigits, seqDigits);
  }

  /** {@link #seqText} plus one: its right-most digits carry, one more digit if all were nines. */
  private void countUp() {
    int i = seqText.length - 1;
    while (i >= seqText.length - seqDigits && seqText[i] == '9') {
      seqText[i--] = '0';
    }
    if (i < seqText.length - seqDigits) {
      seqDigits++;
      seqText[i] = '1';
    } else {
      seqText[i]++;
    }
  }

  private void spellSeq(long v) {
    seqDigits = 0;
    do {
      seqText[seqText.length - ++seqDigits] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v > 0);
  }

  /**
   * A {@code timestamptz} (micros since 2000-01-01Z) as a JSON string in {@link Instant#toString}'s
   * spelling: seconds always, the fraction in groups of three digits as needed. Years outside
   * 1970–9999 go through {@link Instant#toString} itself.
   */
  private void instant(long postgresMicros) {
    long micros = postgresMicros + MICROS_1970_TO_2000;
    if (micros < 0 || micros >= MICROS_TO_10000) {
      string(ascii(ChainRows.instant(postgresMicros).toString()));
      return;
    }
    long seconds = micros / 1_000_000;
    int fraction = (int) (micros % 1_000_000);
    long days = seconds / 86_400;
    int secondOfDay = (int) (seconds % 86_400);
    ensure(30);
    if (days != day) {
      spellDay(days);
    }
    System.arraycopy(dayText, 0, buf, len, dayText.length);
    len += dayText.length;
    decimal(secondOfDay / 3_600, 2);
    buf[len++] = ':';
    decimal(secondOfDay / 60 % 60, 2);
    buf[len++] = ':';
    decimal(secondOfDay % 60, 2);
    if (fraction != 0) {
      buf[len++] = '.';
      if (fraction % 1_000 == 0) {
        decimal(fraction / 1_000, 3);
      } else {
        decimal(fraction, 6);
      }
    }
    buf[len++] = 'Z';
    buf[len++] = '"';
  }

  /** {@code "YYYY-MM-DDT} of the day {@code days} after 1970-01-01, kept for the entries of the same day. */
  private void spellDay(long days) {
    // civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted)
    long z = days + 719_468;
    long era = z / 146_097;
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int dayOfMonth = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
    int mark = len;
    buf[len++] = '"';
    decimal(year, 4);
    buf[len++] = '-';
    decimal(month, 2);
    buf[len++] = '-';
    decimal(dayOfMonth, 2);
    buf[len++] = 'T';
    System.arraycopy(buf, mark, dayText, 0, dayText.length);
    len = mark;
    day = days;
  }

  private void decimal(int v, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      buf[len + i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len += digits;
  }

  private void string(ChainRows rows, int r, int field) {
    int n = rows.len(r, field);
    if (n < 0) {
      put(NULL);
      return;
    }
    string(rows.data(r), rows.off(r, field), n);
  }

  private void string(byte[] utf8) {
    string(utf8, 0, utf8.length);
  }

  /** A JSON string as {@link CanonicalJson} escapes it, from its UTF-8 bytes. */
  private void string(byte[] utf8, int from, int n) {
    ensure(n * 6 + 2);
    buf[len++] = '"';
    int plain = 0;
    while (plain + 8 <= n) {
      long w = word(utf8, from + plain);
      if (hasControl(w) || has(w, '"') || has(w, '\\')) {
        break;
      }
      plain += 8;
    }
    System.arraycopy(utf8, from, buf, len, plain); // nothing to escape there
    len += plain;
    from += plain;
    n -= plain;
    for (int i = from; i < from + n; i++) {
      byte b = utf8[i];
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
    put(bytes, 0, bytes.length);
  }

  private void put(byte[] bytes, int from, int n) {
    ensure(n);
    System.arraycopy(bytes, from, buf, len, n);
    len += n;
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
