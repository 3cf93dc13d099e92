package io.keyway.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.config.MasterKeyFormat;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnvelopeCipherTest {
  private static final MasterKey KEY = new MasterKey(MasterKeyFormat.parse("k",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  private static final MasterKey NEXT = new MasterKey(MasterKeyFormat.parse("k",
      "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  private final UUID tenant = UUID.randomUUID();
  private final CredentialIdentity alice = new CredentialIdentity(tenant, UUID.randomUUID(), "alpaca", "main");
  private final CredentialIdentity bob = new CredentialIdentity(tenant, UUID.randomUUID(), "alpaca", "main");
  private final EnvelopeCipher cipher = new EnvelopeCipher(KEY);

  private SealedCredential sealAlice() {
    return cipher.seal(alice, Secret.of("PKGPTESTKEY000000044F"), Secret.of("s3cr3t-value-that-is-long"));
  }

  @Test
  @DisplayName("a sealed credential opens to the same key id and secret, and its blob names the master key")
  void roundTrip() {
    SealedCredential sealed = sealAlice();
    assertThat(sealed.masterKeyId()).isEqualTo(KEY.id()).hasSize(16);
    try (EnvelopeCipher.Opened opened = cipher.open(UUID.randomUUID(), alice, sealed)) {
      assertThat(opened.keyId().reveal()).isEqualTo("PKGPTESTKEY000000044F");
      assertThat(opened.secret().reveal()).isEqualTo("s3cr3t-value-that-is-long");
      assertThat(opened.toString()).doesNotContain("s3cr3t");
      assertThat(opened.secret().toString()).isEqualTo("Secret[***]");
    }
    SealedCredential again = sealAlice();
    assertThat(again.wrappedDataKey()).isNotEqualTo(sealed.wrappedDataKey()); // a fresh data key each time
  }

  @Test
  @DisplayName("a ciphertext moved to another user's row fails, naming the credential")
  void movedToAnotherRow() {
    SealedCredential sealed = sealAlice();
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> cipher.open(id, bob, sealed))
        .isInstanceOf(VaultIntegrityException.class).hasMessageContaining(id.toString());
    CredentialIdentity otherLabel = new CredentialIdentity(tenant, alice.userId(), "alpaca", "other");
    assertThatThrownBy(() -> cipher.open(id, otherLabel, sealed)).isInstanceOf(VaultIntegrityException.class);
    CredentialIdentity otherTenant = new CredentialIdentity(UUID.randomUUID(), alice.userId(), "alpaca", "main");
    assertThatThrownBy(() -> cipher.open(id, otherTenant, sealed)).isInstanceOf(VaultIntegrityException.class);
  }

  @Test
  @DisplayName("fields swapped between key id and secret fail, naming the credential")
  void swappedFields() {
    SealedCredential sealed = sealAlice();
    SealedCredential swapped = new SealedCredential(sealed.wrappedDataKey(), sealed.secretCiphertext(), sealed.keyIdCiphertext());
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> cipher.open(id, alice, swapped))
        .isInstanceOf(VaultIntegrityException.class).hasMessageContaining(id.toString());
  }

  @Test
  @DisplayName("one flipped bit anywhere fails")
  void flippedBit() {
    SealedCredential sealed = sealAlice();
    for (int part = 0; part < 3; part++) {
      byte[][] parts = {sealed.wrappedDataKey().clone(), sealed.keyIdCiphertext().clone(), sealed.secretCiphertext().clone()};
      parts[part][parts[part].length - 1] ^= 0x01;
      SealedCredential bad = new SealedCredential(parts[0], parts[1], parts[2]);
      assertThatThrownBy(() -> cipher.open(UUID.randomUUID(), alice, bad)).as("part " + part)
          .isInstanceOf(VaultIntegrityException.class);
    }
  }

  @Test
  @DisplayName("rewrap moves a credential to the new master key without touching its fields; the old key alone then fails")
  void rewrap() {
    SealedCredential sealed = sealAlice();
    EnvelopeCipher rotating = new EnvelopeCipher(NEXT, KEY);
    SealedCredential moved = rotating.rewrap(UUID.randomUUID(), alice, sealed);
    assertThat(moved.masterKeyId()).isEqualTo(NEXT.id());
    assertThat(moved.secretCiphertext()).isEqualTo(sealed.secretCiphertext());
    try (var opened = new EnvelopeCipher(NEXT).open(UUID.randomUUID(), alice, moved)) {
      assertThat(opened.secret().reveal()).isEqualTo("s3cr3t-value-that-is-long");
    }
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> cipher.open(id, alice, moved))
        .isInstanceOf(VaultIntegrityException.class).hasMessageContaining(NEXT.id());
  }

  @Test
  @DisplayName("a cleared secret is zeroed and unusable")
  void clearing() {
    Secret s = Secret.of("abc");
    byte[][] seen = new byte[1][];
    s.use(b -> seen[0] = b);
    s.close();
    assertThat(seen[0]).containsOnly(0);
    assertThatThrownBy(s::reveal).isInstanceOf(IllegalStateException.class);
  }
}
