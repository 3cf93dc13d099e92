package io.keyway.engine.placement;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * Which live node should run an account: rendezvous (highest random weight) hashing. Every node
 * computes the same answer from the same member list with no coordination; accounts spread evenly,
 * and when a node joins or leaves only the accounts that move to or from it change hands.
 */
public final class Placement {
  private Placement() {}

  /** The node among {@code liveNodes} that should own {@code accountId}; empty when none is live. */
  public static Optional<String> owner(UUID accountId, Collection<String> liveNodes) {
    String best = null;
    long bestWeight = 0;
    for (String node : liveNodes) {
      long w = weight(node, accountId);
      if (best == null || Long.compareUnsigned(w, bestWeight) > 0
          || (w == bestWeight && node.compareTo(best) < 0)) {
        best = node;
        bestWeight = w;
      }
    }
    return Optional.ofNullable(best);
  }

  /** A 64-bit mix of the node name and the account id (FNV-1a, then a murmur finaliser). */
  static long weight(String node, UUID accountId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : node.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= accountId.getMostSignificantBits();
    h = mix(h);
    h ^= accountId.getLeastSignificantBits();
    return mix(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
