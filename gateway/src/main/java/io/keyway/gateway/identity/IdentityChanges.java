package io.keyway.gateway.identity;

import java.util.UUID;

/**
 * Announces a change that cached authentication state depends on. The node making the change
 * forgets its own cached copy before answering, so its next request already sees the change; the
 * other nodes and instances hear of it over the event bus ({@link IdentityAddresses}).
 */
public interface IdentityChanges {
  void userChanged(UUID userId);

  void sessionRevoked(UUID sessionId);

  void apiTokenRevoked(String tokenHashHex);

  /** For a process that caches nothing and serves no one (the CLI's admin commands). */
  IdentityChanges NOTHING_CACHED = new IdentityChanges() {
    @Override
    public void userChanged(UUID userId) {}

    @Override
    public void sessionRevoked(UUID sessionId) {}

    @Override
    public void apiTokenRevoked(String tokenHashHex) {}
  };
}
