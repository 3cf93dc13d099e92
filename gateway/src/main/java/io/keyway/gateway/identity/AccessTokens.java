package io.keyway.gateway.identity;

import io.keyway.config.KeywayConfig;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;
import java.util.UUID;

/**
 * Short-lived JWT access tokens: HS256 with the configured secret and nothing else (the only key
 * registered is an HS256 one, so {@code none} and every other algorithm are refused), with {@code
 * iss}, {@code aud}, {@code exp}, {@code jti} required and checked. The token names the user, the
 * tenant and the session (refresh family); roles are read live, so a demotion takes effect at once.
 */
public final class AccessTokens {
  static final String ALGORITHM = "HS256";
  static final String TYPE = "access";

  private final JWTAuth jwt;
  private final String issuer;
  private final String audience;
  private final int ttlSeconds;

  public AccessTokens(Vertx vertx, KeywayConfig config) {
    this.issuer = config.jwtIssuer();
    this.audience = config.jwtAudience();
    this.ttlSeconds = (int) config.accessTokenTtl().toSeconds();
    byte[] secret = config.jwtSecret().copy();
    try {
      this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(Buffer.buffer(secret)))
          .setJWTOptions(new JWTOptions()
              .setAlgorithm(ALGORITHM)
              .setIssuer(issuer)
              .setAudience(List.of(audience))
              .setLeeway(5)));
    } finally {
      java.util.Arrays.fill(secret, (byte) 0);
    }
  }

  /** The claims an access token carries, once verified. */
  public record Claims(UUID userId, UUID tenantId, UUID sessionId, String tokenId) {}

  public String issue(UUID userId, UUID tenantId, UUID sessionId) {
    JsonObject claims = new JsonObject()
        .put("sub", userId.toString())
        .put("tid", tenantId.toString())
        .put("sid", sessionId.toString())
        .put("typ", TYPE)
        .put("jti", UUID.randomUUID().toString());
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm(ALGORITHM)
        .setIssuer(issuer)
        .setAudience(List.of(audience))
        .setExpiresInSeconds(ttlSeconds));
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /** Verifies signature, algorithm, expiry, issuer, audience and the required claims. */
  public Future<Claims> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(KeywayException.unauthorized()))
        .compose(user -> {
          JsonObject c = user.attributes().getJsonObject("accessToken", user.principal());
          try {
            if (!(c.getValue("exp") instanceof Number)
                || !(c.getValue("jti") instanceof String jti) || jti.isBlank()
                || !issuer.equals(c.getValue("iss"))
                || !audienceMatches(c.getValue("aud"))
                || !TYPE.equals(c.getValue("typ"))) {
              return Future.failedFuture(KeywayException.unauthorized());
            }
            return Future.succeededFuture(new Claims(
                UUID.fromString(c.getString("sub")),
                UUID.fromString(c.getString("tid")),
                UUID.fromString(c.getString("sid")),
                jti));
          } catch (RuntimeException malformed) {
            return Future.failedFuture(KeywayException.unauthorized());
          }
        });
  }

  private boolean audienceMatches(Object aud) {
    if (aud instanceof String s) {
      return audience.equals(s);
    }
    if (aud instanceof io.vertx.core.json.JsonArray a) {
      return a.contains(audience);
    }
    return false;
  }
}
