package io.keyway.vault;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Whose credential this is: tenant, user, provider and label. It is bound into every ciphertext as
 * associated data (with the field name), so a ciphertext copied to another row or field fails.
 */
public record CredentialIdentity(UUID tenantId, UUID userId, String provider, String label) {

  /** Associated data for the data key wrapped under the master key. */
  byte[] dataKeyAad() {
    return ("keyway/vault/v1/dek|" + tenantId + "|" + userId + "|" + provider + "|" + label)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Associated data for one field encrypted under the data key. */
  byte[] fieldAad(String field) {
    return ("keyway/vault/v1/field|" + tenantId + "|" + userId + "|" + provider + "|" + label + "|" + field)
        .getBytes(StandardCharsets.UTF_8);
  }
}
