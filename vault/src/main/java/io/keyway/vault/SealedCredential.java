package io.keyway.vault;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * A credential as stored: the data key wrapped under a master key, and each field encrypted under
 * the data key. The wrapped-key blob is {@code 0x01 ‖ master key id (8 bytes) ‖ AES-GCM(data key)}.
 */
public record SealedCredential(byte[] wrappedDataKey, byte[] keyIdCiphertext, byte[] secretCiphertext) {
  static final byte VERSION = 1;
  static final int KEY_ID_BYTES = 8;

  static byte[] blob(String masterKeyId, byte[] wrapped) {
    return ByteBuffer.allocate(1 + KEY_ID_BYTES + wrapped.length)
        .put(VERSION).put(HexFormat.of().parseHex(masterKeyId)).put(wrapped).array();
  }

  /** The id of the master key the data key is wrapped under (read from the blob itself). */
  public String masterKeyId() {
    if (wrappedDataKey.length <= 1 + KEY_ID_BYTES || wrappedDataKey[0] != VERSION) {
      return "unknown";
    }
    return HexFormat.of().formatHex(wrappedDataKey, 1, 1 + KEY_ID_BYTES);
  }

  byte[] wrappedOnly() {
    return java.util.Arrays.copyOfRange(wrappedDataKey, 1 + KEY_ID_BYTES, wrappedDataKey.length);
  }

  @Override
  public String toString() {
    return "SealedCredential[masterKey=" + masterKeyId() + "]";
  }
}
