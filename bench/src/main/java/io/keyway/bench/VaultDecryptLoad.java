package io.keyway.bench;

import io.keyway.vault.CredentialIdentity;
import io.keyway.vault.EnvelopeCipher;
import io.keyway.vault.SealedCredential;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Bare decrypts: {@link EnvelopeCipher#open} on credentials read from the database beforehand, in a
 * tight loop on each of N threads of its own, no Vert.x and no database involved. Each open unwraps
 * the data key under the master key and decrypts both fields, as a resolve does.
 */
final class VaultDecryptLoad {
  /** One credential as stored, with what the cipher needs to open it. */
  record Stored(UUID id, CredentialIdentity who, SealedCredential sealed) {}

  /** What the threads did together. */
  record Outcome(long opened, Duration elapsed) {}

  private final EnvelopeCipher cipher;
  private final List<Stored> stored;

  VaultDecryptLoad(EnvelopeCipher cipher, List<Stored> stored) {
    if (stored.isEmpty()) {
      throw new IllegalArgumentException("nothing to decrypt");
    }
    this.cipher = cipher;
    this.stored = List.copyOf(stored);
  }

  /** Opens every stored credential once and fails unless each opens to the plaintext it was linked with. */
  void requireEveryCredentialOpens(List<VaultCredential> linked) {
    Map<CredentialIdentity, VaultCredential> byIdentity = linked.stream().collect(Collectors.toMap(
        c -> new CredentialIdentity(c.tenantId(), c.userId(), VaultCredential.PROVIDER, c.label()),
        Function.identity()));
    if (byIdentity.size() != stored.size()) {
      throw new IllegalStateException(stored.size() + " credentials stored, " + byIdentity.size() + " linked");
    }
    for (Stored s : stored) {
      VaultCredential expected = byIdentity.get(s.who());
      try (EnvelopeCipher.Opened opened = cipher.open(s.id(), s.who(), s.sealed())) {
        if (expected == null || !expected.isPlaintextOf(opened.keyId(), opened.secret())) {
          throw new IllegalStateException("credential " + s.id() + " opened to another plaintext");
        }
      }
    }
  }

  /** Blocking: {@code threads} threads open credentials in turn for {@code duration}. */
  Outcome run(int threads, Duration duration) throws InterruptedException, ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "vault-bench-decrypt");
      t.setDaemon(true);
      return t;
    });
    try {
      long start = System.nanoTime();
      long deadline = start + duration.toNanos();
      List<Future<Long>> counts = new ArrayList<>(threads);
      for (int i = 0; i < threads; i++) {
        int offset = i * stored.size() / threads;
        counts.add(pool.submit(() -> openUntil(deadline, offset)));
      }
      long opened = 0;
      for (Future<Long> count : counts) {
        opened += count.get();
      }
      return new Outcome(opened, Duration.ofNanos(System.nanoTime() - start));
    } finally {
      pool.shutdownNow();
    }
  }

  private long openUntil(long deadline, int offset) {
    long opened = 0;
    long plaintextBytes = 0;
    int i = offset;
    while (System.nanoTime() < deadline) {
      Stored s = stored.get(i);
      try (EnvelopeCipher.Opened o = cipher.open(s.id(), s.who(), s.sealed())) {
        plaintextBytes += o.keyId().length() + o.secret().length();
      }
      opened++;
      i = i + 1 == stored.size() ? 0 : i + 1;
    }
    // the plaintext is used, so no compiler may decide the opens are dead code
    if (opened > 0 && plaintextBytes == 0) {
      throw new IllegalStateException("credentials opened to nothing");
    }
    return opened;
  }
}
