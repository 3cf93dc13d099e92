package io.keyway.bench;

import io.keyway.ledger.AppendRequest;
import io.keyway.ledger.CanonicalJson;
import io.keyway.ledger.CapitalFlow;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The appends of one tenant, as the gateway makes them: every other one a capital deposit by an admin
 * ({@link CapitalFlow#toAppend}, two postings, a fresh Idempotency-Key and the request hash the HTTP
 * route computes), the rest audit records of the identity layer ({@link AppendRequest#record}:
 * sign-ins, API tokens created, sign-outs). Deposits go to one of {@value #USERS} users, so a batch
 * moves many balances. Not thread-safe: one mix per event loop.
 *
 * <p>The requests are made before the load, as the baseline's rows are ({@link InsertBaseline}): {@value #TEMPLATES}
 * of them, cycled through, each deposit sent with a fresh Idempotency-Key. Since session 10; until then every append
 * was made as it was sent (a key from {@code SecureRandom}, the route's request hash, the payload), work of the
 * callers, not of the ledger, which the ledger's phases paid for on the same cores and the baseline's did not.
 */
final class EntryMix {
  static final int USERS = 100;
  /** Requests made before the load and cycled through; even, so deposits and records alternate. */
  static final int TEMPLATES = 4096;
  private static final String CURRENCY = "USD";
  private static final String[] NOTES = {null, "wire in", "monthly top-up from the treasury account"};

  private final UUID tenantId;
  private final UUID adminId = UUID.randomUUID();
  private final List<UUID> users = Stream.generate(UUID::randomUUID).limit(USERS).toList();
  private final SplittableRandom random;
  private final MessageDigest sha256;
  /** Fresh keys without SecureRandom's cost, as the baseline's: one generator's longs never repeat. */
  private final SplittableRandom keyBits;
  private final AppendRequest[] templates = new AppendRequest[TEMPLATES];
  private long count;
  private long sent;

  EntryMix(UUID tenantId, long seed) {
    this.tenantId = tenantId;
    this.random = new SplittableRandom(seed);
    this.keyBits = new SplittableRandom(seed ^ tenantId.getLeastSignificantBits());
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (int i = 0; i < TEMPLATES; i++) {
      templates[i] = count++ % 2 == 0 ? deposit() : auditRecord();
    }
  }

  UUID tenantId() {
    return tenantId;
  }

  /**
   * The next request: a template, a deposit with a fresh key. The payload is the template's own object, shared by
   * every send of it and never changed: the ledger's client copies it before anything else touches it.
   */
  AppendRequest next() {
    AppendRequest t = templates[(int) (sent++ % TEMPLATES)];
    return t.idempotencyKey() == null ? t : new AppendRequest(t.tenantId(), t.kind(), t.actor(), t.subject(),
        t.userId(), t.accountId(), t.payload(), t.postings(), new UUID(keyBits.nextLong(), keyBits.nextLong()).toString(),
        t.requestHash());
  }

  private AppendRequest deposit() {
    UUID user = users.get(random.nextInt(USERS));
    BigDecimal amount = BigDecimal.valueOf(random.nextLong(100, 1_000_000_00L), 2);
    CapitalFlow flow = new CapitalFlow(CapitalFlow.Type.DEPOSIT, user, null, amount, CURRENCY,
        NOTES[random.nextInt(NOTES.length)]);
    // the key is replaced on every send
    return flow.toAppend(tenantId, "user:" + adminId, UUID.randomUUID().toString(), requestHash(flow));
  }

  /** As the capital-flows route hashes a request, so a retry can be told from a reuse of its key. */
  private String requestHash(CapitalFlow f) {
    String canonical = CanonicalJson.encode(new JsonObject()
        .put("type", f.type().wire())
        .put("userId", f.userId().toString())
        .put("accountId", f.accountId() == null ? null : f.accountId().toString())
        .put("amount", f.amount().stripTrailingZeros().toPlainString())
        .put("currency", f.currency())
        .put("note", f.note()));
    return HexFormat.of().formatHex(sha256.digest(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  private AppendRequest auditRecord() {
    int u = random.nextInt(USERS);
    UUID user = users.get(u);
    String actor = "user:" + user;
    return switch ((int) (count / 2 % 3)) {
      case 0 -> AppendRequest.record(tenantId, "auth.login", actor, actor, user, new JsonObject()
          .put("email", "trader" + u + "@tenant-" + tenantId.toString().substring(0, 8) + ".example.com")
          .put("address", "10.20." + random.nextInt(256) + "." + random.nextInt(256)));
      case 1 -> AppendRequest.record(tenantId, "auth.token_created", actor, actor, user, new JsonObject()
          .put("tokenId", UUID.randomUUID().toString()).put("name", "strategy runner " + u).put("role", "trader"));
      default -> AppendRequest.record(tenantId, "auth.logout", actor, actor, user, new JsonObject());
    };
  }
}
