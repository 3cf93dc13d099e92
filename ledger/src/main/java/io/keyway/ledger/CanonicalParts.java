package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An entry's canonical text (see {@link StoredEntry}) in the UTF-8 parts that do not depend on the
 * chain, so they can be spelled once, off the ledger's event loop: everything but the time, the id,
 * the seq and (for entries that move money) the payload. {@link #assemble} puts one entry's text
 * together as bytes, which are hashed and sent to PostgreSQL as they are.
 */
final class CanonicalParts {
  private static final byte[] ID = ascii("\",\"id\":\"");
  private static final byte[] SEQ = ascii(",\"seq\":");
  private static final byte[] HEX = ascii("0123456789abcdef");

  /** {@code {"accountId":…,"actor":…,"createdAt":"} */
  private final byte[] head;
  /** {@code ","idempotencyKey":…,"kind":…,"payload":} */
  private final byte[] middle;
  /** {@code ,"subject":…,"tenantId":"…","userId":…}} */
  private final byte[] tail;

  private CanonicalParts(byte[] head, byte[] middle, byte[] tail) {
    this.head = head;
    this.middle = middle;
    this.tail = tail;
  }

  static CanonicalParts of(String tenantText, String kind, String actor, String subject, UUID userId, UUID accountId,
      String idempotencyKey) {
    StringBuilder out = new StringBuilder(128);
    out.append("{\"accountId\":");
    CanonicalJson.write(out, accountId == null ? null : accountId.toString());
    out.append(",\"actor\":");
    CanonicalJson.write(out, actor);
    out.append(",\"createdAt\":\"");
    byte[] head = utf8(out);
    out.setLength(0);
    out.append("\",\"idempotencyKey\":");
    CanonicalJson.write(out, idempotencyKey);
    out.append(",\"kind\":");
    CanonicalJson.write(out, kind);
    out.append(",\"payload\":");
    byte[] middle = utf8(out);
    out.setLength(0);
    out.append(",\"subject\":");
    CanonicalJson.write(out, subject);
    out.append(",\"tenantId\":");
    CanonicalJson.string(out, tenantText);
    out.append(",\"userId\":");
    CanonicalJson.write(out, userId == null ? null : userId.toString());
    out.append('}');
    return new CanonicalParts(head, middle, utf8(out));
  }

  /** The canonical form of a payload, as UTF-8. */
  static byte[] payload(JsonObject payload) {
    StringBuilder out = new StringBuilder(256);
    CanonicalJson.write(out, payload);
    return utf8(out);
  }

  /**
   * The entry's whole canonical text: these parts with the time (an ISO instant, which needs no
   * escaping, as ASCII), the id, the payload's canonical UTF-8 and the seq filled in.
   */
  byte[] assemble(byte[] createdAt, UUID id, byte[] payload, long seq) {
    int seqDigits = digits(seq);
    byte[] out = new byte[head.length + createdAt.length + ID.length + 36 + middle.length + payload.length + SEQ.length
        + seqDigits + tail.length];
    int at = put(out, 0, head);
    at = put(out, at, createdAt);
    at = put(out, at, ID);
    at = uuid(out, at, id);
    at = put(out, at, middle);
    at = put(out, at, payload);
    at = put(out, at, SEQ);
    for (int i = at + seqDigits - 1; i >= at; i--) {
      out[i] = (byte) ('0' + seq % 10);
      seq /= 10;
    }
    put(out, at + seqDigits, tail);
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] utf8(StringBuilder out) {
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static int put(byte[] out, int at, byte[] part) {
    System.arraycopy(part, 0, out, at, part.length);
    return at + part.length;
  }

  /** {@code id.toString()} as ASCII: 8-4-4-4-12 lower-case hex digits. */
  private static int uuid(byte[] out, int at, UUID id) {
    at = hex(out, at, id.getMostSignificantBits() >>> 32, 8);
    out[at++] = '-';
    at = hex(out, at, id.getMostSignificantBits() >>> 16, 4);
    out[at++] = '-';
    at = hex(out, at, id.getMostSignificantBits(), 4);
    out[at++] = '-';
    at = hex(out, at, id.getLeastSignificantBits() >>> 48, 4);
    out[at++] = '-';
    return hex(out, at, id.getLeastSignificantBits(), 12);
  }

  private static int hex(byte[] out, int at, long value, int digits) {
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
    return at + digits;
  }

  /** Decimal digits of a seq (never negative). */
  private static int digits(long seq) {
    int n = 1;
    while (seq >= 10) {
      seq /= 10;
      n++;
    }
    return n;
  }
}
