package io.keyway.bench;

import io.keyway.vault.Secret;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One credential the vault benchmark links and then resolves: whose it is, its label, and the
 * plaintext it must resolve to. All are {@link #PROVIDER} credentials, as an engine trading on
 * Alpaca would ask for.
 */
record VaultCredential(UUID tenantId, UUID userId, String label, String keyId, String secret) {
  static final String PROVIDER = "alpaca";
  private static final String KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String SECRET_ALPHABET = KEY_ID_ALPHABET + "abcdefghijklmnopqrstuvwxyz";
  /** Alpaca's shapes: a 20-character key id and a 40-character secret. */
  private static final int KEY_ID_LENGTH = 20;
  private static final int SECRET_LENGTH = 40;

  /** True when {@code keyId} and {@code secret} are this credential's plaintext. */
  boolean isPlaintextOf(Secret keyId, Secret secret) {
    return keyId.reveal().equals(this.keyId) && secret.reveal().equals(this.secret);
  }

  @Override
  public String toString() {
    return "VaultCredential[" + tenantId + ", " + userId + ", " + label + ", ***]";
  }

  /**
   * {@code credentials} credentials of {@code users} users spread evenly over {@code tenants}
   * tenants, each user holding the same number, labelled {@code bench-0}, {@code bench-1}…, with
   * random plaintext. Ordered tenant by tenant, user by user.
   */
  static List<VaultCredential> plan(int credentials, int tenants, int users, SecureRandom random) {
    if (tenants < 1 || users % tenants != 0 || credentials % users != 0) {
      throw new IllegalArgumentException(credentials + " credentials cannot be spread evenly over " + users
          + " users in " + tenants + " tenants");
    }
    int usersPerTenant = users / tenants;
    int perUser = credentials / users;
    List<VaultCredential> plan = new ArrayList<>(credentials);
    for (int t = 0; t < tenants; t++) {
      UUID tenant = UUID.randomUUID();
      for (int u = 0; u < usersPerTenant; u++) {
        UUID user = UUID.randomUUID();
        for (int c = 0; c < perUser; c++) {
          plan.add(new VaultCredential(tenant, user, "bench-" + c, "PK" + text(random, KEY_ID_ALPHABET,
              KEY_ID_LENGTH - 2), text(random, SECRET_ALPHABET, SECRET_LENGTH)));
        }
      }
    }
    return plan;
  }

  private static String text(SecureRandom random, String alphabet, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
