package io.keyway.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The chain rule: {@code hash = SHA-256(prev_hash ‖ canonical entry)}, starting from 32 zero bytes. */
public final class HashChain {
  /** The {@code prev_hash} of a chain's first entry. */
  public static final byte[] GENESIS = new byte[32];

  /** One digest a thread: looking one up per entry cost more than the hashing of short entries. */
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(HashChain::sha256);

  private HashChain() {}

  public static byte[] link(byte[] prevHash, String canonicalEntry) {
    return link(prevHash, canonicalEntry.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #link(byte[], String)}, over the canonical entry's UTF-8 bytes. */
  public static byte[] link(byte[] prevHash, byte[] canonicalUtf8) {
    MessageDigest sha = DIGEST.get();
    sha.reset();
    sha.update(prevHash);
    sha.update(canonicalUtf8);
    return sha.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
