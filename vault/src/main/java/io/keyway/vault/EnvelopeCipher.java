package io.keyway.vault;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Random;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Envelope encryption of venue credentials, plain Java on Tink: a fresh 256-bit data key per
 * credential (AES-256-GCM), wrapped under the master key; each field encrypted under the data key.
 * Associated data binds the data key to (tenant, user, provider, label) and each field also to its
 * name. Data keys never leave this class; plaintext leaves only as {@link Secret}.
 */
public final class EnvelopeCipher {
  static final String KEY_ID_FIELD = "key_id";
  static final String SECRET_FIELD = "secret";
  private static final int DATA_KEY_BYTES = 32;

  private final MasterKey sealing;
  private final Map<String, MasterKey> opening;

  /** Seals under {@code current}; opens what any of {@code current} and {@code alsoOpens} sealed. */
  public EnvelopeCipher(MasterKey current, MasterKey... alsoOpens) {
    this.sealing = current;
    this.opening = java.util.stream.Stream.concat(java.util.stream.Stream.of(current), Arrays.stream(alsoOpens))
        .collect(Collectors.toMap(MasterKey::id, Function.identity(), (a, b) -> a));
  }

  public String sealingKeyId() {
    return sealing.id();
  }

  public SealedCredential seal(CredentialIdentity who, Secret keyId, Secret secret) {
    byte[] dataKey = Random.randBytes(DATA_KEY_BYTES);
    try {
      AesGcmJce fields = new AesGcmJce(dataKey);
      byte[] keyIdCt = keyId.use(b -> encrypt(fields, b, who.fieldAad(KEY_ID_FIELD)));
      byte[] secretCt = secret.use(b -> encrypt(fields, b, who.fieldAad(SECRET_FIELD)));
      byte[] wrapped = sealing.wrap(dataKey, who.dataKeyAad());
      return new SealedCredential(SealedCredential.blob(sealing.id(), wrapped), keyIdCt, secretCt);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /** The plaintext key id and secret; the caller closes both when done. */
  public record Opened(Secret keyId, Secret secret) implements AutoCloseable {
    @Override
    public void close() {
      keyId.close();
      secret.close();
    }

    @Override
    public String toString() {
      return "Opened[***]";
    }
  }

  public Opened open(UUID credentialId, CredentialIdentity who, SealedCredential sealed) {
    byte[] dataKey = unwrap(credentialId, who, sealed);
    try {
      AesGcmJce fields = new AesGcmJce(dataKey);
      Secret keyId = Secret.adopt(decrypt(credentialId, fields, sealed.keyIdCiphertext(), who.fieldAad(KEY_ID_FIELD)));
      Secret secret = Secret.adopt(decrypt(credentialId, fields, sealed.secretCiphertext(), who.fieldAad(SECRET_FIELD)));
      return new Opened(keyId, secret);
    } catch (GeneralSecurityException e) {
      throw new VaultIntegrityException(credentialId, "the data key is unusable");
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /**
   * The same credential with its data key re-wrapped under the sealing key; the field ciphertexts
   * are untouched and no plaintext field is ever decrypted.
   */
  public SealedCredential rewrap(UUID credentialId, CredentialIdentity who, SealedCredential sealed) {
    byte[] dataKey = unwrap(credentialId, who, sealed);
    try {
      return new SealedCredential(SealedCredential.blob(sealing.id(), sealing.wrap(dataKey, who.dataKeyAad())),
          sealed.keyIdCiphertext(), sealed.secretCiphertext());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("re-wrapping failed", e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  private byte[] unwrap(UUID credentialId, CredentialIdentity who, SealedCredential sealed) {
    MasterKey key = opening.get(sealed.masterKeyId());
    if (key == null) {
      throw new VaultIntegrityException(credentialId, "it is sealed under master key " + sealed.masterKeyId()
          + ", which this process does not hold");
    }
    try {
      return key.unwrap(sealed.wrappedOnly(), who.dataKeyAad());
    } catch (GeneralSecurityException e) {
      throw new VaultIntegrityException(credentialId,
          "its data key does not belong to this tenant, user, provider and label, or it was altered");
    }
  }

  private static byte[] encrypt(AesGcmJce aead, byte[] plaintext, byte[] aad) {
    try {
      return aead.encrypt(plaintext, aad);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  private static byte[] decrypt(UUID credentialId, AesGcmJce aead, byte[] ciphertext, byte[] aad) {
    try {
      return aead.decrypt(ciphertext, aad);
    } catch (GeneralSecurityException e) {
      throw new VaultIntegrityException(credentialId,
          "a field does not belong to this credential and field, or it was altered");
    }
  }
}
