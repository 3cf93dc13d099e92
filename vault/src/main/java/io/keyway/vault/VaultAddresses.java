package io.keyway.vault;

/**
 * Event-bus addresses of the vault, declared once. Every address that carries plaintext is
 * registered with {@code localConsumer} on each node and its reply type has a no-wire codec.
 */
public final class VaultAddresses {
  private VaultAddresses() {}

  /**
   * Request/reply, node-local, plaintext: body {@code {tenantId, userId, provider, label}}; reply a
   * {@link ResolvedCredential} (never serialisable), or a failure with code NOT_FOUND.
   */
  public static final String RESOLVE = "vault.credential.resolve";
}
