package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Walks one chain in seq order and names the first entry that is wrong: a gap, a duplicate or a
 * reordering of seq; a {@code prev_hash} that is not the previous entry's hash; a hash that is not
 * {@code SHA-256(prev_hash ‖ canonical)}; or columns that disagree with the canonical text they
 * index. Then it holds the walked head against the newest signed checkpoint, which is what catches
 * a truncated tail or a wholesale rewrite with recomputed hashes.
 */
public final class ChainVerifier {
  private final UUID tenantId;
  private long expectedSeq = 1;
  private byte[] prevHash = HashChain.GENESIS;
  private long entries;
  private Long firstBadSeq;
  private String problem;
  private byte[] checkpointHashAtSeq;
  private final long checkpointSeq;

  public ChainVerifier(UUID tenantId, Optional<Checkpoint> checkpoint) {
    this.tenantId = tenantId;
    this.checkpointSeq = checkpoint.map(Checkpoint::seq).orElse(0L);
  }

  /**
   * One stored row as the verifier reads it: the columns readers filter on, the canonical text, and
   * the two hashes.
   */
  public record Row(long seq, UUID id, String kind, String actor, String subject, UUID userId, UUID accountId,
      String idempotencyKey, Instant createdAt, String canonical, byte[] prevHash, byte[] hash) {

    /** The row an entry is stored as. */
    public static Row of(StoredEntry e) {
      return new Row(e.seq(), e.id(), e.kind(), e.actor(), e.subject(), e.userId(), e.accountId(), e.idempotencyKey(),
          e.createdAt(), e.canonical(), e.prevHash(), e.hash());
    }
  }

  /**
   * A row as binary {@code COPY} streams it: the text columns as their UTF-8 bytes, so hashing and
   * the column check need no decoding.
   */
  record RawRow(long seq, UUID id, byte[] kind, byte[] actor, byte[] subject, UUID userId, UUID accountId,
      byte[] idempotencyKey, Instant createdAt, byte[] canonical, byte[] prevHash, byte[] hash) {

    static RawRow of(Row r) {
      return new RawRow(r.seq(), r.id(), utf8(r.kind()), utf8(r.actor()), utf8(r.subject()), r.userId(), r.accountId(),
          utf8(r.idempotencyKey()), r.createdAt(), utf8(r.canonical()), r.prevHash(), r.hash());
    }

    Row decoded() {
      return new Row(seq, id, text(kind), text(actor), text(subject), userId, accountId, text(idempotencyKey), createdAt,
          text(canonical), prevHash, hash);
    }
  }

  /** {@link #content}: the row's hash and columns agree with its canonical text. */
  static final byte CONTENT_OK = 0;
  /** {@link #content}: {@code hash} is not {@code SHA-256(prev_hash ‖ canonical)}. */
  static final byte HASH_WRONG = 1;
  /** {@link #content}: an indexed column says something else than the canonical text. */
  static final byte COLUMNS_WRONG = 2;

  /**
   * What can be checked of one row without its neighbours: its own hash, over its own stored
   * {@code prev_hash}, and its columns. Depends on nothing but the row, so rows can be checked on
   * several threads at once; {@link #accept(RawRow, byte)} then takes the verdicts in seq order.
   */
  static byte content(UUID tenantId, RawRow row, MessageDigest sha, CanonicalShape shape) {
    sha.update(row.prevHash());
    sha.update(row.canonical());
    if (!MessageDigest.isEqual(sha.digest(), row.hash())) {
      return HASH_WRONG;
    }
    // the shape check is exact for text the ledger wrote; anything else is decided by parsing it
    if (!shape.matches(tenantId, row) && !columnsMatch(tenantId, row.decoded())) {
      return COLUMNS_WRONG;
    }
    return CONTENT_OK;
  }

  /** Feeds the next row; returns false once a problem is found (the rest need not be read). */
  public boolean accept(Row row) {
    RawRow raw = RawRow.of(row);
    return accept(raw, content(tenantId, raw, HashChain.sha256(), new CanonicalShape()));
  }

  /** Feeds the next row with its {@link #content} verdict; returns false once a problem is found. */
  boolean accept(RawRow row, byte content) {
    long seq = row.seq();
    entries++;
    if (seq != expectedSeq) {
      return fail(Math.min(seq, expectedSeq), seq < expectedSeq
          ? "seq " + seq + " appears again or out of order (expected " + expectedSeq + ")"
          : "seq " + expectedSeq + " is missing (next found is " + seq + ")");
    }
    if (!Arrays.equals(row.prevHash(), prevHash)) {
      return fail(seq, "prev_hash of seq " + seq + " is not the hash of seq " + (seq - 1));
    }
    if (content == HASH_WRONG) {
      return fail(seq, "the hash of seq " + seq + " does not match its content");
    }
    if (content == COLUMNS_WRONG) {
      return fail(seq, "the indexed columns of seq " + seq + " disagree with its hashed content");
    }
    if (seq == checkpointSeq) {
      checkpointHashAtSeq = row.hash();
    }
    prevHash = row.hash();
    expectedSeq++;
    return true;
  }

  // Readers filter on these columns (user_id and account_id decide who may see an entry), so each
  // must say what the hashed text says.
  private static boolean columnsMatch(UUID tenantId, Row row) {
    try {
      JsonObject c = new JsonObject(row.canonical());
      return Objects.equals(c.getLong("seq"), row.seq())
          && tenantId.toString().equals(c.getString("tenantId"))
          && row.id().toString().equals(c.getString("id"))
          && row.kind().equals(c.getString("kind"))
          && Objects.equals(row.actor(), c.getString("actor"))
          && Objects.equals(row.subject(), c.getString("subject"))
          && Objects.equals(text(row.userId()), c.getString("userId"))
          && Objects.equals(text(row.accountId()), c.getString("accountId"))
          && Objects.equals(row.idempotencyKey(), c.getString("idempotencyKey"))
          && row.createdAt().toString().equals(c.getString("createdAt"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static String text(UUID id) {
    return id == null ? null : id.toString();
  }

  private boolean fail(long seq, String why) {
    firstBadSeq = seq;
    problem = why;
    return false;
  }

  /** The verdict once every row is in. */
  public VerifyReport finish(Optional<Checkpoint> checkpoint, CheckpointSigner signer, long elapsedMs) {
    long headSeq = expectedSeq - 1;
    String headHash = HexFormat.of().formatHex(prevHash);
    if (firstBadSeq == null && checkpoint.isPresent()) {
      Checkpoint cp = checkpoint.get();
      if (!signer.verify(tenantId, cp.seq(), cp.hash(), cp.signedAt(), cp.keyId(), cp.signature())) {
        problem = "the newest checkpoint (seq " + cp.seq() + ") does not carry a valid signature";
        firstBadSeq = cp.seq();
      } else if (headSeq < cp.seq()) {
        problem = "the chain ends at seq " + headSeq + " (hash " + headHash + ") but was signed at seq " + cp.seq()
            + " (hash " + HexFormat.of().formatHex(cp.hash()) + "): entries are missing from the tail";
        firstBadSeq = headSeq + 1;
      } else if (!Arrays.equals(checkpointHashAtSeq, cp.hash())) {
        problem = "seq " + cp.seq() + " was signed with hash " + HexFormat.of().formatHex(cp.hash()) + " but now hashes to "
            + (checkpointHashAtSeq == null ? "nothing" : HexFormat.of().formatHex(checkpointHashAtSeq))
            + ": the chain was rewritten";
        firstBadSeq = cp.seq();
      }
    }
    return new VerifyReport(firstBadSeq == null, entries, headSeq, headHash, firstBadSeq, problem,
        checkpoint.map(Checkpoint::toJson).orElse(null), elapsedMs);
  }
}
