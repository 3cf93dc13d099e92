package io.keyway.ledger;

import io.keyway.errors.KeywayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An append made ready on the caller's side ({@link LedgerClient#append}, on the caller's event loop),
 * so that the ledger's loop only does what needs the chain head: the request checked (its refusals
 * kept, for {@link BatchPlanner} to give in their place in its order), its payload copied (the caller
 * may change its own object after sending) and every part of its canonical text that does not depend
 * on the chain spelled as UTF-8, the payload's too unless the ledger must add the postings and
 * balances to it.
 */
final class PreparedAppend {
  static final String POSTINGS = "postings";
  static final String BALANCES_AFTER = "balancesAfter";

  final AppendRequest request;
  /** A field the database could not store, a bad request hash: refused before anything else. */
  final KeywayException malformed;
  /** Postings that do not balance: refused after the idempotency check. */
  final KeywayException unbalanced;
  /**
   * The payload's canonical UTF-8 when it is stored as it came (no postings); else null, and the
   * payload (with its postings put in, here) is spelled in {@link #beforeBalances} and
   * {@link #afterBalances}, the ledger putting its {@code balancesAfter} between them.
   */
  final byte[] payloadUtf8;
  /** {@code {} and the payload's members that sort before {@code balancesAfter}, each followed by a comma. */
  final byte[] beforeBalances;
  /** The payload's members that sort after {@code balancesAfter}, each led by a comma, and {@code }}. */
  final byte[] afterBalances;
  /** The payload has no canonical form (a floating-point number, say): refused last. */
  final KeywayException noCanonicalForm;
  final CanonicalParts parts;

  private PreparedAppend(AppendRequest request, KeywayException malformed, KeywayException unbalanced,
      byte[] payloadUtf8, byte[][] aroundBalances, KeywayException noCanonicalForm, CanonicalParts parts) {
    this.request = request;
    this.malformed = malformed;
    this.unbalanced = unbalanced;
    this.payloadUtf8 = payloadUtf8;
    this.beforeBalances = aroundBalances == null ? null : aroundBalances[0];
    this.afterBalances = aroundBalances == null ? null : aroundBalances[1];
    this.noCanonicalForm = noCanonicalForm;
    this.parts = parts;
  }

  /** Prepares {@code request} with a copy of its payload of its own (its postings put in, if it has any). */
  static PreparedAppend of(AppendRequest r) {
    JsonObject payload = r.payload().copy();
    AppendRequest request = new AppendRequest(r.tenantId(), r.kind(), r.actor(), r.subject(), r.userId(), r.accountId(),
        payload, r.postings(), r.idempotencyKey(), r.requestHash());
    KeywayException malformed = BatchPlanner.malformed(request);
    if (malformed != null) {
      return new PreparedAppend(request, malformed, null, null, null, null, null);
    }
    byte[] whole = null;
    byte[][] around = null;
    KeywayException noCanonicalForm = null;
    try {
      if (request.postings().isEmpty()) {
        whole = CanonicalParts.payload(payload);
      } else {
        JsonArray postings = new JsonArray(new ArrayList<>(request.postings().size()));
        for (Posting p : request.postings()) {
          postings.add(p.toJson());
        }
        payload.put(POSTINGS, postings);
        around = aroundBalances(payload);
      }
    } catch (IllegalArgumentException e) {
      noCanonicalForm = BatchPlanner.noCanonicalForm(e);
    }
    return new PreparedAppend(request, null, BatchPlanner.unbalanced(request.postings()), whole, around,
        noCanonicalForm, CanonicalParts.of(request.tenantId().toString(), request.kind(), request.actor(),
            request.subject(), request.userId(), request.accountId(), request.idempotencyKey()));
  }

  /**
   * The payload's canonical form with {@code balancesAfter} (its canonical UTF-8, an array) put in
   * its sorted place, and the payload given it, for an append with postings.
   */
  byte[] payloadWithBalances(JsonArray balancesAfter) {
    request.payload().put(BALANCES_AFTER, balancesAfter);
    StringBuilder member = new StringBuilder(128);
    CanonicalJson.string(member, BALANCES_AFTER);
    member.append(':');
    CanonicalJson.write(member, balancesAfter);
    byte[] middle = member.toString().getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[beforeBalances.length + middle.length + afterBalances.length];
    System.arraycopy(beforeBalances, 0, out, 0, beforeBalances.length);
    System.arraycopy(middle, 0, out, beforeBalances.length, middle.length);
    System.arraycopy(afterBalances, 0, out, beforeBalances.length + middle.length, afterBalances.length);
    return out;
  }

  /** {@code CanonicalJson} of the payload's members but {@code balancesAfter}, cut where it sorts. */
  private static byte[][] aroundBalances(JsonObject payload) {
    List<String> keys = new ArrayList<>(payload.fieldNames());
    keys.remove(BALANCES_AFTER);
    Collections.sort(keys);
    StringBuilder before = new StringBuilder(256).append('{');
    StringBuilder after = new StringBuilder(64);
    for (String k : keys) {
      boolean first = k.compareTo(BALANCES_AFTER) < 0;
      StringBuilder out = first ? before : after;
      if (!first) {
        out.append(',');
      }
      CanonicalJson.string(out, k);
      out.append(':');
      CanonicalJson.write(out, payload.getValue(k));
      if (first) {
        out.append(',');
      }
    }
    after.append('}');
    return new byte[][] {before.toString().getBytes(StandardCharsets.UTF_8),
        after.toString().getBytes(StandardCharsets.UTF_8)};
  }
}
