package io.keyway.ledger;

import io.keyway.config.db.TenantScope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reading the ledger: entries (filtered, paged) and a person's balances. */
public final class LedgerQueries {
  private static final String ENTRIES =
      "SELECT seq, canonical, prev_hash, hash FROM ledger.entries WHERE tenant_id = $1 "
          + "AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR kind LIKE $3) "
          + "AND ($4::uuid IS NULL OR user_id = $4) AND ($5::uuid IS NULL OR account_id = $5) "
          + "AND ($6::timestamptz IS NULL OR created_at >= $6) AND ($7::timestamptz IS NULL OR created_at < $7) "
          + "AND ($8::bigint IS NULL OR seq < $8) ORDER BY seq DESC LIMIT $9";

  private final TenantScope db;

  public LedgerQueries(TenantScope db) {
    this.db = db;
  }

  /** One page of entries, newest first; {@code nextCursor} is the seq to continue below, or null. */
  public record Page(JsonArray items, Long nextBeforeSeq) {}

  public Future<Page> entries(UUID tenantId, EntryFilter f) {
    String exactKind = f.kind() != null && !f.kind().endsWith(".*") ? f.kind() : null;
    String kindFamily = f.kind() != null && f.kind().endsWith(".*")
        ? f.kind().substring(0, f.kind().length() - 1).replace("%", "\\%").replace("_", "\\_") + "%"
        : null;
    Tuple params = Tuple.from(java.util.Arrays.asList(tenantId, exactKind, kindFamily, f.userId(), f.accountId(),
        f.from() == null ? null : f.from().atOffset(ZoneOffset.UTC), f.to() == null ? null : f.to().atOffset(ZoneOffset.UTC),
        f.beforeSeq(), f.limit() + 1));
    return db.inTenant(tenantId, c -> c.preparedQuery(ENTRIES).execute(params)).map(rows -> {
      JsonArray items = new JsonArray();
      Long last = null;
      boolean more = false;
      for (Row r : rows) {
        if (items.size() == f.limit()) {
          more = true;
          break;
        }
        items.add(StoredEntry.view(r.getString("canonical"), r.getBuffer("prev_hash").getBytes(),
            r.getBuffer("hash").getBytes()));
        last = r.getLong("seq");
      }
      return new Page(items, more ? last : null);
    });
  }

  /** A person's money in one currency: cash, and what is allocated to each trading account. */
  public record UserBalance(UUID userId, String currency, BigDecimal cash, Map<UUID, BigDecimal> allocations) {
    public BigDecimal total() {
      return allocations.values().stream().reduce(cash, BigDecimal::add);
    }
  }

  public Future<UserBalance> userBalance(UUID tenantId, UUID userId, String currency) {
    return db.inTenant(tenantId, c -> c.preparedQuery(LedgerSql.BALANCES_OF_USER)
        .execute(Tuple.of(tenantId, "user:" + userId + ":%"))).map(rows -> {
          BigDecimal cash = BigDecimal.ZERO;
          Map<UUID, BigDecimal> allocations = new LinkedHashMap<>();
          String allocPrefix = LedgerAccounts.allocationPrefix(userId);
          for (Row r : rows) {
            if (!currency.equals(r.getString("currency"))) {
              continue;
            }
            String account = r.getString("account");
            if (account.equals(LedgerAccounts.cash(userId))) {
              cash = r.getBigDecimal("amount");
            } else if (account.startsWith(allocPrefix)) {
              allocations.put(UUID.fromString(account.substring(allocPrefix.length())), r.getBigDecimal("amount"));
            }
          }
          return new UserBalance(userId, currency, cash, allocations);
        });
  }

  /**
   * The capital allocated to each of a person's trading accounts: allocations minus deallocations,
   * without what the account's trading (fills) moved. Accounts with none answer zero.
   */
  public Future<Map<UUID, BigDecimal>> allocatedCapital(UUID tenantId, UUID userId, List<UUID> accountIds, String currency) {
    List<String> names = accountIds.stream().map(a -> LedgerAccounts.allocation(userId, a)).toList();
    return db.inTenant(tenantId, c -> c.preparedQuery(LedgerSql.ALLOCATED_CAPITAL)
        .execute(Tuple.of(tenantId, names.toArray(String[]::new), currency))).map(rows -> {
          Map<UUID, BigDecimal> out = new LinkedHashMap<>();
          accountIds.forEach(a -> out.put(a, BigDecimal.ZERO));
          String prefix = LedgerAccounts.allocationPrefix(userId);
          for (Row r : rows) {
            out.put(UUID.fromString(r.getString("account").substring(prefix.length())), r.getBigDecimal("amount"));
          }
          return out;
        });
  }
}
