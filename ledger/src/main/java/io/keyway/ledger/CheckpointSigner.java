package io.keyway.ledger;

import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.Ed25519Verify;
import io.keyway.config.SecretBytes;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Signs chain heads with Ed25519 (Tink). The key pair is derived from the master key (an HMAC with
 * a fixed label gives the 32-byte seed), so it lives outside the database, every node of a cluster
 * holds the same one, and no further secret needs distributing. The key id is the first 8 bytes of
 * the public key's SHA-256, so a reader can tell which key signed a checkpoint.
 */
public final class CheckpointSigner {
  private static final String SEED_LABEL = "keyway/ledger/checkpoint-signing/v1";

  private final PublicKeySign signer;
  private final PublicKeyVerify verifier;
  private final String keyId;
  private final byte[] publicKey;

  public CheckpointSigner(SecretBytes masterKey) {
    byte[] seed = masterKey.derive(SEED_LABEL);
    try {
      Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPairFromSeed(seed);
      this.signer = new Ed25519Sign(pair.getPrivateKey());
      this.verifier = new Ed25519Verify(pair.getPublicKey());
      this.publicKey = pair.getPublicKey();
      byte[] digest = HashChain.sha256().digest(pair.getPublicKey());
      this.keyId = "ed25519:" + HexFormat.of().formatHex(Arrays.copyOf(digest, 8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the checkpoint signing key", e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  public String keyId() {
    return keyId;
  }

  /** The raw 32-byte Ed25519 public key, which anyone may use to check a checkpoint. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The bytes a checkpoint's signature covers: the canonical JSON of tenant, seq, hash and time. */
  public static byte[] signedBytes(UUID tenantId, long seq, byte[] hash, Instant signedAt) {
    return CanonicalJson.encode(new JsonObject()
        .put("hash", HexFormat.of().formatHex(hash))
        .put("seq", seq)
        .put("signedAt", signedAt.toString())
        .put("tenantId", tenantId.toString())).getBytes(StandardCharsets.UTF_8);
  }

  public byte[] sign(UUID tenantId, long seq, byte[] hash, Instant signedAt) {
    try {
      return signer.sign(signedBytes(tenantId, seq, hash, signedAt));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  /** True when {@code signature} is this key's signature of that checkpoint. */
  public boolean verify(UUID tenantId, long seq, byte[] hash, Instant signedAt, String signedKeyId, byte[] signature) {
    if (!keyId.equals(signedKeyId)) {
      return false;
    }
    try {
      verifier.verify(signature, signedBytes(tenantId, seq, hash, signedAt));
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
