package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PgCopyBinaryTest {

  @Test
  @DisplayName("a stream is the signature, no flags, no header extension, the rows and a -1 trailer")
  void emptyStream() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new PgCopyBinary(bytes).close();

    assertThat(HexFormat.of().formatHex(bytes.toByteArray()))
        .isEqualTo("5047434f50590aff0d0a00" + "00000000" + "00000000" + "ffff");
  }

  @Test
  @DisplayName("each field is its length then its bytes, and NULL is a length of -1 with no bytes")
  void oneRow() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    UUID id = new UUID(0x0102030405060708L, 0x090a0b0c0d0e0f10L);
    try (PgCopyBinary copy = new PgCopyBinary(bytes)) {
      copy.startRow(5);
      copy.uuid(id);
      copy.int8(7);
      copy.text("é\"\\");
      copy.bytea(null);
      copy.timestamptz(Instant.parse("2000-01-01T00:00:01.000002Z"));
    }
    byte[] all = bytes.toByteArray();
    ByteBuffer row = ByteBuffer.wrap(Arrays.copyOfRange(all, 19, all.length));

    assertThat(row.getShort()).isEqualTo((short) 5);
    assertThat(row.getInt()).isEqualTo(16);
    assertThat(new UUID(row.getLong(), row.getLong())).isEqualTo(id);
    assertThat(row.getInt()).isEqualTo(8);
    assertThat(row.getLong()).isEqualTo(7);
    byte[] text = "é\"\\".getBytes(StandardCharsets.UTF_8);
    assertThat(row.getInt()).isEqualTo(text.length);
    byte[] read = new byte[text.length];
    row.get(read);
    assertThat(read).isEqualTo(text);
    assertThat(row.getInt()).isEqualTo(-1);
    assertThat(row.getInt()).isEqualTo(8);
    assertThat(row.getLong()).isEqualTo(1_000_002);
    assertThat(row.getShort()).isEqualTo((short) -1);
    assertThat(row.hasRemaining()).isFalse();
  }

  @Test
  @DisplayName("timestamps count microseconds from 2000-01-01, before it too")
  void postgresEpoch() {
    assertThat(PgCopyBinary.postgresMicros(Instant.parse("2000-01-01T00:00:00Z"))).isZero();
    assertThat(PgCopyBinary.postgresMicros(Instant.parse("2026-11-23T18:00:00.123456789Z")))
        .isEqualTo((Instant.parse("2026-11-23T18:00:00Z").getEpochSecond() - 946_684_800L) * 1_000_000L + 123_456);
    assertThat(PgCopyBinary.postgresMicros(Instant.parse("1999-12-31T23:59:59.5Z"))).isEqualTo(-500_000);
  }
}
