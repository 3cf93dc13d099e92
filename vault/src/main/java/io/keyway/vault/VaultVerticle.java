package io.keyway.vault;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault on this node: answers credential resolves with plaintext, to callers on this node only
 * ({@code localConsumer}), in a type whose codec refuses the wire. Deploy one on every node.
 */
public final class VaultVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(VaultVerticle.class);
  /** The codec name plaintext replies are sent with. */
  public static final String CODEC = "keyway-no-wire-ResolvedCredential";

  private final CredentialStore store;

  public VaultVerticle(CredentialStore store) {
    this.store = store;
  }

  /** Registers the no-wire codec once per Vert.x instance (idempotent). */
  public static void registerCodec(io.vertx.core.Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new SecretCodec<>(ResolvedCredential.class));
    } catch (IllegalStateException alreadyRegistered) {
      // another vault verticle on this Vert.x registered it first
    }
  }

  @Override
  public Future<?> start() {
    registerCodec(vertx);
    return vertx.eventBus().<JsonObject>localConsumer(VaultAddresses.RESOLVE, this::resolve).completion();
  }

  private void resolve(Message<JsonObject> m) {
    UUID tenant;
    UUID user;
    String provider;
    String label;
    try {
      tenant = UUID.fromString(m.body().getString("tenantId"));
      user = UUID.fromString(m.body().getString("userId"));
      provider = m.body().getString("provider");
      label = m.body().getString("label");
    } catch (RuntimeException e) {
      m.fail(ErrorCode.BAD_REQUEST.replyCode(), "malformed resolve");
      return;
    }
    store.resolve(tenant, user, provider, label)
        .onSuccess(c -> m.reply(c, new DeliveryOptions().setCodecName(CODEC)))
        .onFailure(e -> {
          if (e instanceof KeywayException k) {
            m.fail(k.code().replyCode(), k.getMessage());
          } else {
            LOG.error("Credential resolve failed: {}", e.getMessage());
            m.fail(ErrorCode.UNAVAILABLE.replyCode(), "the vault could not open this credential");
          }
        });
  }
}
