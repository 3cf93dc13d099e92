package io.keyway.ledger;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Walks one chain in seq order and names the first entry that is wrong: a gap, a duplicate or a
 * reordering of seq; a {@code prev_hash} that is not the previous entry's hash; a hash that is not
 * {@code SHA-256(prev_hash ‖ canonical)}; or columns that disagree with the canonical text they
 * index. Then it holds the walked head against the newest signed checkpoint, which is what catches
 * a truncated tail or a wholesale rewrite with recomputed hashes.
 *
 * <p>The chain can be walked in pieces at once: consecutive seq ranges, each a {@link Segment}
 * walked on its own, then joined in order by {@link #finish(List, Optional, CheckpointSigner, long)}.
 * A segment cannot check its first row's seq and link (they depend on the segment before it), so it
 * keeps that row aside and the join checks it; the verdict, the first bad seq and the message are
 * exactly those of one walk over all the rows.
 */
public final class ChainVerifier {
  private final UUID tenantId;
  private final long checkpointSeq;

  public ChainVerifier(UUID tenantId, Optional<Checkpoint> checkpoint) {
    this.tenantId = tenantId;
    this.checkpointSeq = checkpoint.map(Checkpoint::seq).orElse(0L);
  }

  /**
   * One stored entry as the verifier reads it out of its block: the columns readers filter on, the
   * block's time, the canonical text, and the two hashes.
   */
  public record Row(long seq, String kind, UUID userId, UUID accountId, Instant createdAt, String canonical,
      byte[] prevHash, byte[] hash) {

    /** The row an entry is stored as. */
    public static Row of(StoredEntry e) {
      return new Row(e.seq(), e.kind(), e.userId(), e.accountId(), e.createdAt(), e.canonical(), e.prevHash(),
          e.hash());
    }
  }

  /** A row with the text columns as their UTF-8 bytes, as binary {@code COPY} streams them. */
  record RawRow(long seq, byte[] kind, UUID userId, UUID accountId, Instant createdAt, byte[] canonical,
      byte[] prevHash, byte[] hash) {

    static RawRow of(Row r) {
      return new RawRow(r.seq(), utf8(r.kind()), r.userId(), r.accountId(), r.createdAt(), utf8(r.canonical()),
          r.prevHash(), r.hash());
    }
  }

  /** {@link Checker#content}: the row's hash and columns agree with its canonical text. */
  static final byte CONTENT_OK = 0;
  /** {@link Checker#content}: {@code hash} is not {@code SHA-256(prev_hash ‖ canonical)}. */
  static final byte HASH_WRONG = 1;
  /** {@link Checker#content}: an indexed column says something else than the canonical text. */
  static final byte COLUMNS_WRONG = 2;
  /** {@link Checker#content}: the block the entry is in disagrees with itself (array lengths, seq range). */
  static final byte BLOCK_WRONG = 3;

  /**
   * What can be checked of one row without its neighbours: its own hash, over its own stored
   * {@code prev_hash}, and its columns. Depends on nothing but the row, so rows are checked on
   * several threads at once, one checker (and one digest) a thread.
   */
  static final class Checker {
    private final UUID tenantId;
    private final MessageDigest sha = HashChain.sha256();
    private final CanonicalShape shape = new CanonicalShape();
    private final byte[] digest = new byte[32];

    Checker(UUID tenantId) {
      this.tenantId = tenantId;
    }

    byte content(ChainRows rows, int r) {
      if (rows.blockWrong(r)) {
        return BLOCK_WRONG;
      }
      byte[] data = rows.data(r);
      sha.update(data, rows.off(r, ChainRows.PREV_HASH), rows.len(r, ChainRows.PREV_HASH));
      sha.update(data, rows.off(r, ChainRows.CANONICAL), rows.len(r, ChainRows.CANONICAL));
      try {
        sha.digest(digest, 0, digest.length);
      } catch (DigestException e) {
        throw new IllegalStateException(e);
      }
      if (!rows.fieldEquals(r, ChainRows.HASH, digest, 0, digest.length)) {
        return HASH_WRONG;
      }
      // the shape check is exact for text the ledger wrote; anything else is decided by parsing it
      if (!shape.matches(tenantId, rows, r) && !columnsMatch(tenantId, rows.decoded(r))) {
        return COLUMNS_WRONG;
      }
      return CONTENT_OK;
    }
  }

  /** A walk over consecutive rows: the whole chain, or one seq range of it. */
  final class Segment {
    /** Starts at seq 1 after the genesis hash, or else leaves its first row to the join. */
    private final boolean anchored;
    private long expectedSeq = 1;
    private byte[] prevData = HashChain.GENESIS;
    private int prevOff;
    private int prevLen = HashChain.GENESIS.length;
    private long entries;
    private Long firstBadSeq;
    private String problem;
    private byte[] checkpointHashAtSeq;
    // the first row of a segment that is not anchored, checked by the join
    private long firstSeq;
    private byte[] firstPrevHash;
    private byte[] firstHash;
    private byte firstContent;

    private Segment(boolean anchored) {
      this.anchored = anchored;
    }

    /** Feeds the next row with its {@link Checker#content} verdict; false once a problem is found. */
    boolean accept(ChainRows rows, int r, byte content) {
      long seq = rows.seq(r);
      entries++;
      if (!anchored && entries == 1) {
        firstSeq = seq;
        firstPrevHash = rows.copy(r, ChainRows.PREV_HASH);
        firstHash = rows.copy(r, ChainRows.HASH);
        firstContent = content;
        follow(rows, r, seq);
        return content == CONTENT_OK; // a bad first row fails at the join, whatever comes after it
      }
      boolean linked = rows.fieldEquals(r, ChainRows.PREV_HASH, prevData, prevOff, prevLen);
      if (!judge(seq, linked, content)) {
        return false;
      }
      follow(rows, r, seq);
      return true;
    }

    /** Feeds one row given as objects (checked here, on the caller's thread). */
    boolean accept(Row row) {
      ChainRows one = ChainRows.of(RawRow.of(row));
      return accept(one, 0, new Checker(tenantId).content(one, 0));
    }

    /** The row passed: it is the head so far. */
    private void follow(ChainRows rows, int r, long seq) {
      if (seq == checkpointSeq) {
        checkpointHashAtSeq = rows.copy(r, ChainRows.HASH);
      }
      prevData = rows.data(r);
      prevOff = rows.off(r, ChainRows.HASH);
      prevLen = rows.len(r, ChainRows.HASH);
      expectedSeq = seq + 1;
    }

    /** The checks of one row in the order a walk makes them; false (and the problem noted) at the first that fails. */
    private boolean judge(long seq, boolean linked, byte content) {
      if (seq != expectedSeq) {
        return fail(Math.min(seq, expectedSeq), seq < expectedSeq
            ? "seq " + seq + " appears again or out of order (expected " + expectedSeq + ")"
            : "seq " + expectedSeq + " is missing (next found is " + seq + ")");
      }
      if (!linked) {
        return fail(seq, "prev_hash of seq " + seq + " is not the hash of seq " + (seq - 1));
      }
      if (content == HASH_WRONG) {
        return fail(seq, "the hash of seq " + seq + " does not match its content");
      }
      if (content == COLUMNS_WRONG) {
        return fail(seq, "the indexed columns of seq " + seq + " disagree with its hashed content");
      }
      if (content == BLOCK_WRONG) {
        return fail(seq, "the block holding seq " + seq + " is malformed: its seq range, hashes and arrays disagree");
      }
      return true;
    }

    /** Walks on over the next segment's rows as if they had come here; false once a problem is found. */
    private boolean join(Segment next) {
      if (next.entries == 0) {
        return true;
      }
      entries++;
      boolean linked = Arrays.equals(next.firstPrevHash, 0, next.firstPrevHash.length, prevData, prevOff,
          prevOff + prevLen);
      if (!judge(next.firstSeq, linked, next.firstContent)) {
        return false;
      }
      if (next.firstSeq == checkpointSeq) {
        checkpointHashAtSeq = next.firstHash;
      }
      entries += next.entries - 1;
      if (next.checkpointHashAtSeq != null) {
        checkpointHashAtSeq = next.checkpointHashAtSeq;
      }
      expectedSeq = next.expectedSeq;
      prevData = next.prevData;
      prevOff = next.prevOff;
      prevLen = next.prevLen;
      return next.firstBadSeq == null || fail(next.firstBadSeq, next.problem);
    }

    private boolean fail(long seq, String why) {
      firstBadSeq = seq;
      problem = why;
      return false;
    }
  }

  /** A walk over one of consecutive seq ranges; {@link #finish(List, Optional, CheckpointSigner, long)} joins them. */
  Segment segment() {
    return new Segment(false);
  }

  // Readers filter on these columns (user_id and account_id decide who may see an entry), so each
  // must say what the hashed text says.
  private static boolean columnsMatch(UUID tenantId, Row row) {
    try {
      JsonObject c = new JsonObject(row.canonical());
      return Objects.equals(c.getLong("seq"), row.seq())
          && tenantId.toString().equals(c.getString("tenantId"))
          && row.kind().equals(c.getString("kind"))
          && Objects.equals(text(row.userId()), c.getString("userId"))
          && Objects.equals(text(row.accountId()), c.getString("accountId"))
          && row.createdAt().toString().equals(c.getString("createdAt"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(UUID id) {
    return id == null ? null : id.toString();
  }

  /** The verdict over consecutive segments, joined in seq order, once every one has ended. */
  VerifyReport finish(List<Segment> segments, Optional<Checkpoint> checkpoint, CheckpointSigner signer,
      long elapsedMs) {
    Segment all = new Segment(true);
    for (Segment s : segments) {
      if (!all.join(s)) {
        break;
      }
    }
    return report(all, checkpoint, signer, elapsedMs);
  }

  private VerifyReport report(Segment walk, Optional<Checkpoint> checkpoint, CheckpointSigner signer, long elapsedMs) {
    long headSeq = walk.expectedSeq - 1;
    String headHash = HexFormat.of().formatHex(walk.prevData, walk.prevOff, walk.prevOff + walk.prevLen);
    Long firstBadSeq = walk.firstBadSeq;
    String problem = walk.problem;
    byte[] checkpointHashAtSeq = walk.checkpointHashAtSeq;
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
    return new VerifyReport(firstBadSeq == null, walk.entries, headSeq, headHash, firstBadSeq, problem,
        checkpoint.map(Checkpoint::toJson).orElse(null), elapsedMs);
  }
}
