package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
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

  /** Feeds the next row; returns false once a problem is found (the rest need not be read). */
  public boolean accept(Row row) {
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
    if (!Arrays.equals(HashChain.link(row.prevHash(), row.canonical()), row.hash())) {
      return fail(seq, "the hash of seq " + seq + " does not match its content");
    }
    if (!columnsMatch(row)) {
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
  private boolean columnsMatch(Row row) {
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
