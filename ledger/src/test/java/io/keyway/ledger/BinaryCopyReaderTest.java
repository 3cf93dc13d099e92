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
 * The reader over binary COPY messages: rows come out as the fields that went in, however the
 * stream is cut into messages, and a stream that is not the chain's is refused.
 */
class BinaryCopyReaderTest {
  private static final UUID TENANT = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

  @Test
  @DisplayName("rows cut anywhere across messages come out whole, field for field")
  void rowsAcrossMessages() throws Exception {
    List<ChainVerifier.RawRow> rows = rows(5);
    byte[] stream = copyStream(rows, true);
    for (int size : new int[] {1, 2, 3, 7, 19, 64, 333, stream.length}) {
      List<ChainVerifier.RawRow> read = read(cut(stream, size), 2);
      assertThat(read).as("messages of %d bytes", size).hasSize(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        assertThat(read.get(i)).usingRecursiveComparison().isEqualTo(rows.get(i));
      }
    }
  }

  @Test
  @DisplayName("a stream without its trailer, a cut row or a NULL where the chain has none is refused")
  void brokenStreams() throws Exception {
    byte[] whole = copyStream(rows(2), true);
    assertThatThrownBy(() -> read(cut(copyStream(rows(2), false), 50), 8)).isInstanceOf(SQLException.class)
        .hasMessageContaining("trailer");
    assertThatThrownBy(() -> read(cut(Arrays.copyOf(whole, whole.length - 40), 50), 8))
        .isInstanceOf(SQLException.class).hasMessageContaining("inside a row");
    ChainVerifier.RawRow r = rows(1).get(0);
    ChainVerifier.RawRow noHash = new ChainVerifier.RawRow(r.seq(), r.id(), r.kind(), r.actor(), r.subject(),
        r.userId(), r.accountId(), r.idempotencyKey(), r.createdAt(), r.canonical(), r.prevHash(), null);
    assertThatThrownBy(() -> read(cut(copyStream(List.of(noHash), true), 50), 8)).isInstanceOf(SQLException.class)
        .hasMessageContaining("NULL hash");
    byte[] notCopy = whole.clone();
    notCopy[0] = 'X';
    assertThatThrownBy(() -> read(cut(notCopy, 50), 8)).isInstanceOf(SQLException.class)
        .hasMessageContaining("not a binary COPY");
  }

  private static List<ChainVerifier.RawRow> read(Deque<byte[]> messages, int chunk) throws SQLException {
    BinaryCopyReader reader = new BinaryCopyReader(messages::poll);
    List<ChainVerifier.RawRow> out = new ArrayList<>();
    boolean more = true;
    while (more) {
      ChainRows rows = new ChainRows(chunk);
      more = reader.fill(rows);
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

  /** The rows as PostgreSQL writes them: signature, flags, extension, rows, trailer. */
  private static byte[] copyStream(List<ChainVerifier.RawRow> rows, boolean trailer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0});
    out.writeInt(0);
    out.writeInt(0);
    for (ChainVerifier.RawRow r : rows) {
      ChainRows one = ChainRows.of(r);
      out.writeShort(ChainRows.FIELDS);
      for (int f = 0; f < ChainRows.FIELDS; f++) {
        out.writeInt(one.len(0, f));
        if (one.len(0, f) > 0) {
          out.write(one.data(0), one.off(0, f), one.len(0, f));
        }
      }
    }
    if (trailer) {
      out.writeShort(-1);
    }
    return bytes.toByteArray();
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
