package io.keyway.ledger;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Decides, for one batch of appends to one chain, what gets written and what each caller is told.
 * Plain Java: the writer hands it the locked head, the idempotency keys already used, and the
 * balances the batch touches; it answers the entries to insert (chained after the head, in arrival
 * order), the balances after, and one outcome per request. A request that would overdraw, reuses a
 * key with another body, does not balance, or is malformed is refused alone; the rest of the batch
 * goes on. Malformed means anything that would otherwise fail the whole batch's transaction: no kind,
 * actor or subject, a NUL in a text column, a posting without account, currency or amount, a request
 * hash that is not hex, or a payload with no canonical form.
 */
public final class BatchPlanner {

  /** An entry already recorded under an idempotency key. */
  public record Existing(AppendResult result, String requestHash) {
    /** A key stored for an entry that cannot be read back as the one carrying it (tampering). */
    static final Existing UNREADABLE = new Existing(null, null);
  }

  /** The answer to one request: a result, or the refusal. */
  public record Outcome(AppendResult result, KeywayException refusal) {
    public boolean accepted() {
      return refusal == null;
    }
  }

  /** Everything the writer must do in the transaction, and what to answer after it commits. */
  public record Plan(List<StoredEntry> entries, Map<Posting.BalanceKey, BigDecimal> balances,
      List<Outcome> outcomes, long headSeq, byte[] headHash) {}

  private BatchPlanner() {}

  public static Plan plan(UUID tenantId, long headSeq, byte[] headHash, Map<String, Existing> existing,
      Map<Posting.BalanceKey, BigDecimal> balances, List<AppendRequest> batch, Instant now, Supplier<UUID> ids) {
    List<PreparedAppend> prepared = new ArrayList<>(batch.size());
    for (AppendRequest r : batch) {
      prepared.add(PreparedAppend.of(r));
    }
    return planPrepared(tenantId, headSeq, headHash, existing, balances, prepared, now, ids);
  }

  /** As {@link #plan}, for appends prepared on their callers' side (their payloads already copies of their own). */
  static Plan planPrepared(UUID tenantId, long headSeq, byte[] headHash, Map<String, Existing> existing,
      Map<Posting.BalanceKey, BigDecimal> balances, List<PreparedAppend> batch, Instant now, Supplier<UUID> ids) {
    Map<String, Existing> keys = existing.isEmpty() ? new HashMap<>() : new HashMap<>(existing);
    Map<Posting.BalanceKey, BigDecimal> working = new HashMap<>(balances);
    Map<Posting.BalanceKey, BigDecimal> changed = new LinkedHashMap<>();
    List<StoredEntry> entries = new ArrayList<>(batch.size());
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    long seq = headSeq;
    byte[] prev = headHash;
    String nowText = now.toString();
    byte[] nowAscii = CanonicalParts.ascii(nowText);

    for (PreparedAppend prepared : batch) {
      AppendRequest r = prepared.request;
      if (prepared.malformed != null) {
        outcomes.add(new Outcome(null, prepared.malformed));
        continue;
      }
      if (r.idempotencyKey() != null && keys.containsKey(r.idempotencyKey())) {
        Existing e = keys.get(r.idempotencyKey());
        outcomes.add(e == Existing.UNREADABLE
            ? new Outcome(null, KeywayException.of(ErrorCode.UNAVAILABLE,
                "the entry recorded under this Idempotency-Key cannot be read back; nothing was written"))
            : Objects.equals(e.requestHash(), r.requestHash())
            ? new Outcome(replayed(e.result()), null)
            : new Outcome(null, KeywayException.of(ErrorCode.IDEMPOTENCY_CONFLICT,
                "this Idempotency-Key was already used with a different request")));
        continue;
      }
      if (prepared.unbalanced != null) {
        outcomes.add(new Outcome(null, prepared.unbalanced));
        continue;
      }
      Map<Posting.BalanceKey, BigDecimal> after = r.postings().isEmpty() ? Map.of() : new LinkedHashMap<>();
      KeywayException overdraw = null;
      for (Posting p : r.postings()) {
        BigDecimal current = after.getOrDefault(p.key(), working.getOrDefault(p.key(), BigDecimal.ZERO));
        BigDecimal next = current.add(p.amount());
        if (next.signum() < 0 && !p.account().equals(LedgerAccounts.EXTERNAL)) {
          overdraw = KeywayException.of(ErrorCode.UNPROCESSABLE, "insufficient funds: " + describe(p.account())
              + " holds " + Money.format(current) + " " + p.currency() + ", " + Money.format(p.amount().negate())
              + " requested");
          break;
        }
        after.put(p.key(), next);
      }
      if (overdraw != null) {
        outcomes.add(new Outcome(null, overdraw));
        continue;
      }
      // the payload is the caller-side copy (its postings put in there); the balances after go in here
      // (again, should this plan be redone after a failed batch)
      JsonObject payload = r.payload();
      byte[] payloadUtf8 = prepared.payloadUtf8;
      KeywayException noCanonicalForm = prepared.noCanonicalForm;
      if (!after.isEmpty() && noCanonicalForm == null) {
        JsonArray balancesAfter = new JsonArray(new ArrayList<>(after.size()));
        after.forEach((k, v) -> {
          if (!k.account().equals(LedgerAccounts.EXTERNAL)) {
            balancesAfter.add(new JsonObject().put("account", k.account()).put("currency", k.currency())
                .put("amount", Money.format(v)));
          }
        });
        payloadUtf8 = prepared.payloadWithBalances(balancesAfter);
      }
      if (noCanonicalForm != null) {
        // a value with no canonical spelling (a double, say) must not take the rest of the batch down with it
        outcomes.add(new Outcome(null, noCanonicalForm));
        continue;
      }
      StoredEntry entry = StoredEntry.seal(tenantId, seq + 1, ids.get(), r.kind(), r.actor(), r.subject(), r.userId(),
          r.accountId(), r.idempotencyKey(), r.requestHash(), now, nowAscii, prepared.parts, payloadUtf8, payload, prev);
      seq++;
      prev = entry.hash();
      entries.add(entry);
      if (!after.isEmpty()) {
        working.putAll(after);
        changed.putAll(after);
      }
      AppendResult result = new AppendResult(entry.id(), seq, entry.hashHex(), nowText, payload, false);
      if (r.idempotencyKey() != null) {
        keys.put(r.idempotencyKey(), new Existing(result, r.requestHash()));
      }
      outcomes.add(new Outcome(result, null));
    }
    return new Plan(entries, changed, outcomes, seq, prev);
  }

  static KeywayException noCanonicalForm(IllegalArgumentException e) {
    return KeywayException.badField("payload", "has no canonical form: " + e.getMessage());
  }

  private static AppendResult replayed(AppendResult original) {
    return new AppendResult(original.entryId(), original.seq(), original.hash(), original.createdAt(),
        original.payload(), true);
  }

  /** What the database would refuse for the whole batch, refused here for this request alone. */
  static KeywayException malformed(AppendRequest r) {
    if (blank(r.kind()) || blank(r.actor()) || blank(r.subject())) {
      return KeywayException.of(ErrorCode.BAD_REQUEST, "a ledger entry needs a kind, an actor and a subject");
    }
    // PostgreSQL text cannot hold NUL; one such column would fail the whole batch's insert
    if (hasNul(r.kind()) || hasNul(r.actor()) || hasNul(r.subject()) || hasNul(r.idempotencyKey())) {
      return KeywayException.of(ErrorCode.BAD_REQUEST, "ledger entry fields cannot contain NUL characters");
    }
    for (Posting p : r.postings()) {
      if (blank(p.account()) || blank(p.currency()) || p.amount() == null || hasNul(p.account()) || hasNul(p.currency())) {
        return KeywayException.of(ErrorCode.BAD_REQUEST, "a posting needs an account, a currency and an amount");
      }
    }
    String h = r.requestHash();
    if (h != null && (h.isEmpty() || h.length() % 2 != 0 || !hex(h))) {
      return KeywayException.badField("requestHash", "must be hexadecimal");
    }
    return null;
  }

  private static boolean hex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!HexFormat.isHexDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static boolean hasNul(String s) {
    return s != null && s.indexOf('\0') >= 0;
  }

  static KeywayException unbalanced(List<Posting> postings) {
    Map<String, BigDecimal> sums = new HashMap<>();
    for (Posting p : postings) {
      sums.merge(p.currency(), p.amount(), BigDecimal::add);
    }
    for (Map.Entry<String, BigDecimal> e : sums.entrySet()) {
      if (e.getValue().signum() != 0) {
        return KeywayException.of(ErrorCode.BAD_REQUEST, "postings in " + e.getKey() + " do not balance");
      }
    }
    return null;
  }

  private static String describe(String account) {
    if (account.endsWith(":cash")) {
      return "the user's cash";
    }
    if (account.contains(":alloc:")) {
      return "the account's allocation";
    }
    return account;
  }
}
