package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.SecretBytes;
import io.keyway.config.db.TestPostgres;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CheckpointSignerTest {
  private static final UUID TENANT = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private static final byte[] HASH = HexFormat.of().parseHex("5a".repeat(32));
  private static final Instant AT = Instant.parse("2025-03-01T12:00:00.654321Z");

  private final CheckpointSigner signer = new CheckpointSigner(TestPostgres.MASTER_KEY);

  @Test
  @DisplayName("a checkpoint signed by a key verifies with that key and names it")
  void signsAndVerifies() {
    byte[] signature = signer.sign(TENANT, 42, HASH, AT);

    assertThat(signature).hasSize(64);
    assertThat(signer.verify(TENANT, 42, HASH, AT, signer.keyId(), signature)).isTrue();
    assertThat(signer.keyId()).matches("ed25519:[0-9a-f]{16}");
  }

  @Test
  @DisplayName("every node holding the same master key derives the same signing key")
  void deterministicFromMasterKey() {
    CheckpointSigner other = new CheckpointSigner(TestPostgres.MASTER_KEY);

    assertThat(other.keyId()).isEqualTo(signer.keyId());
    assertThat(other.verify(TENANT, 42, HASH, AT, other.keyId(), signer.sign(TENANT, 42, HASH, AT))).isTrue();
  }

  @Test
  @DisplayName("a signature no longer verifies once the seq, the hash, the time or the tenant it covers is changed")
  void tamperedCheckpointRefused() {
    byte[] signature = signer.sign(TENANT, 42, HASH, AT);
    byte[] otherHash = HASH.clone();
    otherHash[31] ^= 1;

    assertThat(signer.verify(TENANT, 43, HASH, AT, signer.keyId(), signature)).as("seq").isFalse();
    assertThat(signer.verify(TENANT, 42, otherHash, AT, signer.keyId(), signature)).as("hash").isFalse();
    assertThat(signer.verify(TENANT, 42, HASH, AT.plusNanos(1000), signer.keyId(), signature)).as("time").isFalse();
    assertThat(signer.verify(UUID.randomUUID(), 42, HASH, AT, signer.keyId(), signature)).as("tenant").isFalse();
    byte[] flipped = signature.clone();
    flipped[0] ^= 1;
    assertThat(signer.verify(TENANT, 42, HASH, AT, signer.keyId(), flipped)).as("signature").isFalse();
    assertThat(signer.verify(TENANT, 42, HASH, AT, signer.keyId(), Arrays.copyOf(signature, 10))).as("short").isFalse();
  }

  @Test
  @DisplayName("a checkpoint signed under another master key does not verify, even when it claims this key's id")
  void anotherMasterKeyRefused() {
    byte[] otherKey = TestPostgres.MASTER_KEY.copy();
    otherKey[0] ^= 1;
    CheckpointSigner stranger = new CheckpointSigner(new SecretBytes(otherKey));
    byte[] forged = stranger.sign(TENANT, 42, HASH, AT);

    assertThat(stranger.keyId()).isNotEqualTo(signer.keyId());
    assertThat(signer.verify(TENANT, 42, HASH, AT, stranger.keyId(), forged)).isFalse();
    assertThat(signer.verify(TENANT, 42, HASH, AT, signer.keyId(), forged)).isFalse();
    assertThat(stranger.verify(TENANT, 42, HASH, AT, stranger.keyId(), forged)).isTrue();
  }
}
