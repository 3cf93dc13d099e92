package io.keyway.engine.venue;

import io.keyway.vault.Secret;

/**
 * The key id and secret an engine resolved from its owner's vault for one call. Never stored,
 * never printed; the engine closes it after the call.
 */
public record VenueCredential(Secret keyId, Secret secret) implements AutoCloseable {
  @Override
  public void close() {
    keyId.close();
    secret.close();
  }

  @Override
  public String toString() {
    return "VenueCredential[***]";
  }
}
