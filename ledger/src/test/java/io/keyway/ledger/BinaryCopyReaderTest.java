package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reader over binary COPY messages: blocks come out as their entries, field for field as they
 * went in, however the stream is cut into messages; a block whose parts disagree is marked on its
 * entries; a stream that is not the chain's is refused.
 */
class BinaryCopyReaderTest {
  private static final UUID TENANT = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  private static final int TEXT = 25;
  private static final int TIMESTAMPTZ = 1184;
  private static final int UUID_OID = 2950;

  /** Consecutive entries stored as one block row, with its last seq as stored. */
  private record Block(List<ChainVerifier.RawRow> rows, long lastSeq, boolean hashes) {
    static Block of(List<ChainVerifier.RawRow> rows) {
      return new Block(rows, rows.get(rows.size() - 1).seq(), true);
    }
  }

  @Test
  @DisplayName("blocks cut anywhere across messages come out as their entries, whole, field for field")
  void rowsAcrossMessages() throws Exception {
    List<ChainVerifier.RawRow> rows = rows(6);
    byte[] stream = copyStream(List.of(Block.of(rows.subList(0, 1)), Block.of(rows.subList(1, 4)),
        Block.of(rows.subList(4, 6))), true);
    for (int size : new int[] {1, 2, 3, 7, 19, 64, 333, stream.length}) {
      for (int chunk : new int[] {1, 2, 8}) {
        List<ChainRows> read = read(cut(stream, size), chunk);
        List<ChainVerifier.RawRow> entries = entries(read);
        assertThat(entries).as("messages of %d bytes", size).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
          assertThat(entries.get(i)).usingRecursiveComparison().isEqualTo(rows.get(i));
        }
        assertThat(read).allSatisfy(r -> {
          for (int i = 0; i < r.size(); i++) {
            assertThat(r.blockWrong(i)).isFalse();
          }
        });
      }
    }
  }

  @Test
  @DisplayName("a block whose last seq or hashes disagree with its texts has every entry marked, and the stream reads on")
  void disagreeingBlocksAreMarked() throws Exception {
    List<ChainVerifier.RawRow> rows = rows(5);
    List<Block> blocks = List.of(Block.of(rows.subList(0, 2)), new Block(rows.subList(2, 4), 9, true),
        new Block(rows.subList(4, 5), 5, false));
    List<ChainRows> read = read(cut(copyStream(blocks, true), 50), 8);
    List<Boolean> marked = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    for (ChainRows r : read) {
      for (int i = 0; i < r.size(); i++) {
        marked.add(r.blockWrong(i));
        seqs.add(r.seq(i));
      }
    }
    assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(marked).containsExactly(false, false, true, true, true);
  }

  @Test
  @DisplayName("a stream without its trailer, a cut row or a NULL column is refused")
  void brokenStreams() throws Exception {
    byte[] whole = copyStream(List.of(Block.of(rows(2))), true);
    assertThatThrownBy(() -> read(cut(copyStream(List.of(Block.of(rows(2))), false), 50), 8))
        .isInstanceOf(SQLException.class).hasMessageContaining("trailer");
    assertThatThrownBy(() -> read(cut(Arrays.copyOf(whole, whole.length - 40), 50), 8))
        .isInstanceOf(SQLException.class).hasMessageContaining("inside a row");
    byte[] nullHashes = copyStream(List.of(new Block(rows(1), 1, false)), true, true);
    assertThatThrownBy(() -> read(cut(nullHashes, 50), 8)).isInstanceOf(SQLException.class)
        .hasMessageContaining("NULL hashes");
    byte[] notCopy = whole.clone();
    notCopy[0] = 'X';
    assertThatThrownBy(() -> read(cut(notCopy, 50), 8)).isInstanceOf(SQLException.class)
        .hasMessageContaining("not a binary COPY");
  }

  private static List<ChainRows> read(Deque<byte[]> messages, int chunk) throws SQLException {
    BinaryCopyReader reader = new BinaryCopyReader(messages::poll);
    List<ChainRows> out = new ArrayList<>();
    boolean more = true;
    while (more) {
      ChainRows rows = new ChainRows(chunk);
      more = reader.fill(rows);
      out.add(rows);
    }
    return out;
  }

  private static List<ChainVerifier.RawRow> entries(List<ChainRows> read) {
    List<ChainVerifier.RawRow> out = new ArrayList<>();
    for (ChainRows rows : read) {
      for (int i = 0; i < rows.size(); i++) {
        out.add(ChainVerifier.RawRow.of(rows.decoded(i)));
      }
    }
    return out;
  }

  private static Deque<byte[]> cut(byte[] stream, int size) {
    Deque<byte[]> out = new ArrayDeque<>();
    for (int at = 0; at < stream.length; at += size) {
      out.add(Arrays.copyOfRange(stream, at, Math.min(stream.length, at + size)));
    }
    return out;
  }

  private static byte[] copyStream(List<Block> blocks, boolean trailer) throws IOException {
    return copyStream(blocks, trailer, false);
  }

  /** The blocks as PostgreSQL writes them: signature, flags, extension, rows, trailer. */
  private static byte[] copyStream(List<Block> blocks, boolean trailer, boolean nullHashes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0});
    out.writeInt(0);
    out.writeInt(0);
    for (Block b : blocks) {
      List<ChainRows> rows = b.rows().stream().map(ChainRows::of).toList();
      out.writeShort(BinaryCopyReader.COLUMNS);
      field(out, long8(b.rows().get(0).seq()));
      field(out, long8(b.lastSeq()));
      field(out, b.rows().get(0).prevHash());
      ByteArrayOutputStream hashes = new ByteArrayOutputStream();
      for (ChainVerifier.RawRow r : b.hashes() ? b.rows() : b.rows().subList(1, b.rows().size())) {
        hashes.write(r.hash());
      }
      field(out, nullHashes ? null : hashes.toByteArray());
      field(out, array(rows, ChainRows.CANONICAL, TEXT));
      field(out, array(rows, ChainRows.CREATED_AT, TIMESTAMPTZ));
      field(out, array(rows, ChainRows.KIND, TEXT));
      field(out, array(rows, ChainRows.USER_ID, UUID_OID));
      field(out, array(rows, ChainRows.ACCOUNT_ID, UUID_OID));
    }
    if (trailer) {
      out.writeShort(-1);
    }
    return bytes.toByteArray();
  }

  private static void field(DataOutputStream out, byte[] value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(value.length);
    out.write(value);
  }

  /** One field of each entry as a one-dimensional array in PostgreSQL's binary format. */
  private static byte[] array(List<ChainRows> rows, int field, int elementType) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(1);
    out.writeInt(rows.stream().anyMatch(r -> r.len(0, field) < 0) ? 1 : 0);
    out.writeInt(elementType);
    out.writeInt(rows.size());
    out.writeInt(1);
    for (ChainRows r : rows) {
      out.writeInt(r.len(0, field));
      if (r.len(0, field) > 0) {
        out.write(r.data(0), r.off(0, field), r.len(0, field));
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] long8(long v) {
    return java.nio.ByteBuffer.allocate(8).putLong(v).array();
  }

  private static List<ChainVerifier.RawRow> rows(int n) {
    List<ChainVerifier.RawRow> out = new ArrayList<>();
    byte[] prev = HashChain.GENESIS;
    for (int i = 1; i <= n; i++) {
      StoredEntry e = StoredEntry.seal(TENANT, i, UUID.randomUUID(), "capital.deposit", "admin", "user:ü",
          UUID.randomUUID(), i % 2 == 0 ? UUID.randomUUID() : null, i % 2 == 0 ? "key-" + i : null, null,
          Instant.parse("2025-03-01T12:00:00.000001Z").plusSeconds(i), new JsonObject().put("n", i), prev);
      out.add(ChainVerifier.RawRow.of(ChainVerifier.Row.of(e)));
      prev = e.hash();
    }
    return out;
  }
}
