package io.keyway.vault;

import java.util.UUID;

/** A stored credential that cannot be opened: wrong row, wrong field, altered, or unknown master key. */
public final class VaultIntegrityException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final UUID credentialId;

  public VaultIntegrityException(UUID credentialId, String why) {
    super("credential " + credentialId + " cannot be opened: " + why, null, false, false);
    this.credentialId = credentialId;
  }

  public UUID credentialId() {
    return credentialId;
  }
}
