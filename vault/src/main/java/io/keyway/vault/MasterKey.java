package io.keyway.vault;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import io.keyway.config.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The master key as the vault uses it: an AES-256-GCM AEAD (Tink) that wraps data keys, and a key
 * id (a fingerprint: HMAC of a fixed label, first 8 bytes) written into every wrapped blob, so the
 * blob says which master key it needs and the key can be rotated or moved to a KMS without
 * changing the stored format.
 */
public final class MasterKey {
  private final Aead aead;
  private final String id;

  public MasterKey(SecretBytes key) {
    byte[] raw = key.copy();
    try {
      this.aead = new AesGcmJce(raw);
      this.id = HexFormat.of().formatHex(Arrays.copyOf(key.derive("keyway/vault/master-key-id/v1"), 8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the master key", e);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** 16 hex characters naming this key. */
  public String id() {
    return id;
  }

  byte[] wrap(byte[] dataKey, byte[] aad) throws GeneralSecurityException {
    return aead.encrypt(dataKey, aad);
  }

  byte[] unwrap(byte[] wrapped, byte[] aad) throws GeneralSecurityException {
    return aead.decrypt(wrapped, aad);
  }

  @Override
  public String toString() {
    return "MasterKey[" + id + "]";
  }
}
