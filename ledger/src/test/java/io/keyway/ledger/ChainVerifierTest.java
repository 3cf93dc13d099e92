package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.db.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
  private static final UUID TENANT = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private static final UUID USER = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
  private static final Instant T0 = Instant.parse("2025-03-01T12:00:00.000001Z");
  private static final CheckpointSigner SIGNER = new CheckpointSigner(TestPostgres.MASTER_KEY);

  @Test
  @DisplayName("an untouched chain verifies, reporting its length and head")
  void untouchedChain() {
    List<StoredEntry> chain = chain(5);

    VerifyReport report = verify(rows(chain), Optional.empty());

    assertThat(report.ok()).isTrue();
    assertThat(report.entries()).isEqualTo(5);
    assertThat(report.headSeq()).isEqualTo(5);
    assertThat(report.headHash()).isEqualTo(chain.get(4).hashHex());
    assertThat(report.firstBadSeq()).isNull();
  }

  @Test
  @DisplayName("an empty chain verifies at seq 0 with the genesis hash")
  void emptyChain() {
    VerifyReport report = verify(List.of(), Optional.empty());

    assertThat(report.ok()).isTrue();
    assertThat(report.headSeq()).isZero();
    assertThat(report.headHash()).isEqualTo("00".repeat(32));
  }

  @Test
  @DisplayName("a chain verifies against a valid checkpoint at or below its head")
  void checkpointMatches() {
    List<StoredEntry> chain = chain(5);

    assertThat(verify(rows(chain), Optional.of(checkpoint(chain.get(2)))).ok()).isTrue();
    assertThat(verify(rows(chain), Optional.of(checkpoint(chain.get(4)))).ok()).isTrue();
  }

  @Test
  @DisplayName("content that no longer hashes to the stored hash is named by its seq")
  void changedContent() {
    List<ChainVerifier.Row> rows = rows(chain(5));
    ChainVerifier.Row r = rows.get(2);
    rows.set(2, new ChainVerifier.Row(r.seq(), r.kind(), r.userId(), r.accountId(), r.createdAt(),
        r.canonical().replace("note-3", "note-X"), r.prevHash(), r.hash()));

    VerifyReport report = verify(rows, Optional.empty());

    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(3);
    assertThat(report.problem()).contains("hash of seq 3");
    assertThat(report.headSeq()).isEqualTo(2);
  }

  @Test
  @DisplayName("a missing seq, a repeated seq and a broken prev_hash link are each named")
  void structuralProblems() {
    List<ChainVerifier.Row> gap = rows(chain(5));
    gap.remove(3);
    VerifyReport missing = verify(gap, Optional.empty());
    assertThat(missing.firstBadSeq()).isEqualTo(4);
    assertThat(missing.problem()).contains("seq 4 is missing");

    List<ChainVerifier.Row> dup = rows(chain(5));
    dup.add(3, dup.get(2));
    VerifyReport repeated = verify(dup, Optional.empty());
    assertThat(repeated.firstBadSeq()).isEqualTo(3);
    assertThat(repeated.problem()).contains("seq 3 appears again");

    List<ChainVerifier.Row> spliced = rows(chain(5));
    // an entry sealed on another chain: internally consistent, but it does not follow seq 2
    StoredEntry stranger = seal(3, HexFormat.of().parseHex("ff".repeat(32)));
    spliced.set(2, ChainVerifier.Row.of(stranger));
    VerifyReport broken = verify(spliced, Optional.empty());
    assertThat(broken.firstBadSeq()).isEqualTo(3);
    assertThat(broken.problem()).contains("prev_hash of seq 3");
  }

  @Test
  @DisplayName("a column that says something else than the hashed text (user, account, kind) is caught")
  void columnsDisagree() {
    List<ChainVerifier.Row> rows = rows(chain(3));
    ChainVerifier.Row r = rows.get(1);
    rows.set(1, new ChainVerifier.Row(r.seq(), r.kind(), UUID.randomUUID(), r.accountId(), r.createdAt(),
        r.canonical(), r.prevHash(), r.hash()));
    VerifyReport movedUser = verify(rows, Optional.empty());
    assertThat(movedUser.firstBadSeq()).isEqualTo(2);
    assertThat(movedUser.problem()).contains("columns of seq 2");

    rows = rows(chain(3));
    r = rows.get(0);
    rows.set(0, new ChainVerifier.Row(r.seq(), "capital.deposit", r.userId(), r.accountId(), r.createdAt(),
        r.canonical(), r.prevHash(), r.hash()));
    assertThat(verify(rows, Optional.empty()).firstBadSeq()).isEqualTo(1);
  }

  @Test
  @DisplayName("a chain shorter than its checkpoint names the signed head and the head it found")
  void truncatedBelowCheckpoint() {
    List<StoredEntry> chain = chain(6);
    Checkpoint cp = checkpoint(chain.get(5));

    VerifyReport report = verify(rows(chain.subList(0, 4)), Optional.of(cp));

    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(5);
    assertThat(report.problem()).contains("ends at seq 4", "signed at seq 6", chain.get(5).hashHex(),
        chain.get(3).hashHex());
  }

  @Test
  @DisplayName("a consistent chain whose entry at the checkpoint hashes otherwise than signed was rewritten")
  void rewrittenUnderCheckpoint() {
    Checkpoint cp = checkpoint(chain(5).get(3));
    List<StoredEntry> rewritten = chain(5, i -> i == 2 ? "forged" : "note-" + i);

    VerifyReport report = verify(rows(rewritten), Optional.of(cp));

    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(4);
    assertThat(report.problem()).contains("rewritten");
    assertThat(verify(rows(rewritten), Optional.empty()).ok()).as("consistent without the checkpoint").isTrue();
  }

  @Test
  @DisplayName("a checkpoint whose signature does not verify fails the chain")
  void badSignature() {
    List<StoredEntry> chain = chain(3);
    Checkpoint good = checkpoint(chain.get(2));
    byte[] sig = good.signature().clone();
    sig[5] ^= 1;
    Checkpoint forged = new Checkpoint(TENANT, good.seq(), good.hash(), good.signedAt(), good.keyId(), sig);

    VerifyReport report = verify(rows(chain), Optional.of(forged));

    assertThat(report.ok()).isFalse();
    assertThat(report.problem()).contains("signature");
  }

  /** One walk over the rows (one range); walked as consecutive ranges cut anywhere, the report must be the same. */
  private static VerifyReport verify(List<ChainVerifier.Row> rows, Optional<Checkpoint> cp) {
    VerifyReport whole = inSegments(rows, cp, List.of(0, rows.size()));
    for (int a = 0; a <= rows.size(); a++) {
      for (int b = a; b <= rows.size(); b++) {
        assertThat(inSegments(rows, cp, List.of(0, a, b, rows.size())))
            .as("cut before rows %d and %d", a, b).isEqualTo(whole);
      }
    }
    return whole;
  }

  private static VerifyReport inSegments(List<ChainVerifier.Row> rows, Optional<Checkpoint> cp, List<Integer> cuts) {
    ChainVerifier v = new ChainVerifier(TENANT, cp);
    List<ChainVerifier.Segment> segments = new ArrayList<>();
    for (int i = 0; i + 1 < cuts.size(); i++) {
      ChainVerifier.Segment s = v.segment();
      segments.add(s);
      for (ChainVerifier.Row r : rows.subList(cuts.get(i), cuts.get(i + 1))) {
        if (!s.accept(r)) {
          break;
        }
      }
    }
    return v.finish(segments, cp, SIGNER, 0);
  }

  private static Checkpoint checkpoint(StoredEntry head) {
    Instant at = T0.plusSeconds(3600);
    return new Checkpoint(TENANT, head.seq(), head.hash(), at, SIGNER.keyId(),
        SIGNER.sign(TENANT, head.seq(), head.hash(), at));
  }

  private static List<StoredEntry> chain(int n) {
    return chain(n, i -> "note-" + i);
  }

  private static List<StoredEntry> chain(int n, IntFunction<String> note) {
    List<StoredEntry> out = new ArrayList<>();
    byte[] prev = HashChain.GENESIS;
    for (int i = 1; i <= n; i++) {
      StoredEntry e = seal(i, prev, note.apply(i));
      out.add(e);
      prev = e.hash();
    }
    return out;
  }

  private static StoredEntry seal(long seq, byte[] prev) {
    return seal(seq, prev, "note-" + seq);
  }

  private static StoredEntry seal(long seq, byte[] prev, String note) {
    return StoredEntry.seal(TENANT, seq, new UUID(7, seq), "auth.login", "alice", "user:" + USER, USER, null, null,
        null, T0.plusSeconds(seq), new JsonObject().put("note", note), prev);
  }

  private static List<ChainVerifier.Row> rows(List<StoredEntry> chain) {
    return new ArrayList<>(chain.stream().map(ChainVerifier.Row::of).toList());
  }
}
