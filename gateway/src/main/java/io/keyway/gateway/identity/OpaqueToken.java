package io.keyway.gateway.identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Opaque bearer secrets: {@code <kind>_<tenant>_<secret>}, where the tenant part routes the lookup
 * to the right row-level-security scope and the 256-bit secret part is the credential. Only the
 * SHA-256 of the whole string is stored (the secret is random, so a slow hash adds nothing).
 */
public final class OpaqueToken {
  /** API tokens for agents and scripts. */
  public static final String API = "kwt";
  /** Refresh tokens; never accepted as bearer tokens. */
  public static final String REFRESH = "kwr";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private OpaqueToken() {}

  /** A parsed token: its kind, the tenant it belongs to, and the hash to look it up by. */
  public record Parsed(String kind, UUID tenantId, byte[] hash) {}

  public static String mint(String kind, UUID tenantId) {
    ByteBuffer t = ByteBuffer.allocate(16);
    t.putLong(tenantId.getMostSignificantBits()).putLong(tenantId.getLeastSignificantBits());
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return kind + "_" + B64.encodeToString(t.array()) + "_" + B64.encodeToString(secret);
  }

  /** Parses a token of {@code kind}; empty for anything else, without saying why. */
  public static Optional<Parsed> parse(String token, String kind) {
    // fixed layout: kind "_" 22 chars of tenant "_" 43 chars of secret (both base64url, which
    // may itself contain "_", so the parts are cut by position, not split)
    int tenantAt = kind.length() + 1;
    int secretAt = tenantAt + 22 + 1;
    if (token == null || token.length() != secretAt + 43 || !token.startsWith(kind + "_")
        || token.charAt(secretAt - 1) != '_') {
      return Optional.empty();
    }
    try {
      byte[] t = B64D.decode(token.substring(tenantAt, tenantAt + 22));
      byte[] secret = B64D.decode(token.substring(secretAt));
      if (t.length != 16 || secret.length != 32) {
        return Optional.empty();
      }
      ByteBuffer b = ByteBuffer.wrap(t);
      return Optional.of(new Parsed(kind, new UUID(b.getLong(), b.getLong()), sha256(token)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** True when the string has the shape of some opaque token (used to tell them from JWTs). */
  public static boolean looksOpaque(String token) {
    return token.startsWith(API + "_") || token.startsWith(REFRESH + "_");
  }

  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
