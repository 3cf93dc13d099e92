package io.keyway.vault;

import java.util.UUID;

/** A credential opened for use: its id, and the plaintext key id and secret (close when done). */
public record ResolvedCredential(UUID credentialId, Secret keyId, Secret secret) implements AutoCloseable {
  @Override
  public void close() {
    keyId.close();
    secret.close();
  }

  @Override
  public String toString() {
    return "ResolvedCredential[" + credentialId + ", ***]";
  }
}
