package io.keyway.vault;

/**
 * Event-bus addresses of the vault, declared once. Every address that carries plaintext is
 * registered with {@code localConsumer} on each node and its reply type has a no-wire codec.
 */
public final class VaultAddresses {
  private VaultAddresses() {}

  /**
   * Request/reply, node-local, plaintext: body a {@link CredentialIdentity} (delivered by reference,
   * codec {@link VaultVerticle#REQUEST_CODEC}); reply a {@link ResolvedCredential} (never
   * serialisable), or a failure with code NOT_FOUND; any other body fails with BAD_REQUEST.
   */
  public static final String RESOLVE = "vault.credential.resolve";

  /**
   * Prefix of the per-event-loop resolve addresses, {@code RESOLVE_ON_LOOP + n}: the vault instance on
   * one event loop answers there too (node-local, same body, reply and codecs as {@link #RESOLVE}), and
   * {@link VaultClient} sends there from that loop.
   */
  public static final String RESOLVE_ON_LOOP = RESOLVE + ".loop.";
}
