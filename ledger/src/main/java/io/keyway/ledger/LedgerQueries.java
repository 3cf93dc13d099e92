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
  /**
   * Blocks newest first (the primary key read backwards), each cut into its entries, which are
   * filtered one by one; a person's blocks are found through the GIN index on their ids. Only the
   * filters given are in the statement, so every plan is made for the one that runs.
   */
  private static final String ENTRIES_FROM =
      "SELECT b.first_seq + x.o - 1 AS seq, x.canonical, "
          + "CASE WHEN x.o = 1 THEN b.prev_hash ELSE substr(b.hashes, (x.o::int - 2) * 32 + 1, 32) END AS prev_hash, "
          + "substr(b.hashes, (x.o::int - 1) * 32 + 1, 32) AS hash FROM ledger.blocks b "
          + "CROSS JOIN LATERAL unnest(b.canonicals, b.created_ats, b.kinds, b.user_ids, b.account_ids) "
          + "WITH ORDINALITY AS x(canonical, created_at, kind, user_id, account_id, o) WHERE b.tenant_id = $1";

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
    List<Object> params = new ArrayList<>();
    params.add(tenantId);
    StringBuilder sql = new StringBuilder(ENTRIES_FROM);
    if (exactKind != null) {
      sql.append(" AND x.kind = $").append(bind(params, exactKind));
    }
    if (kindFamily != null) {
      sql.append(" AND x.kind LIKE $").append(bind(params, kindFamily));
    }
    if (f.userId() != null) {
      int i = bind(params, f.userId());
      sql.append(" AND b.user_ids @> ARRAY[$").append(i).append("::uuid] AND x.user_id = $").append(i);
    }
    if (f.accountId() != null) {
      int i = bind(params, f.accountId());
      sql.append(" AND b.account_ids @> ARRAY[$").append(i).append("::uuid] AND x.account_id = $").append(i);
    }
    if (f.from() != null) {
      sql.append(" AND x.created_at >= $").append(bind(params, f.from().atOffset(ZoneOffset.UTC)));
    }
    if (f.to() != null) {
      sql.append(" AND x.created_at < $").append(bind(params, f.to().atOffset(ZoneOffset.UTC)));
    }
    if (f.beforeSeq() != null) {
      int i = bind(params, f.beforeSeq());
      sql.append(" AND b.first_seq < $").append(i).append(" AND b.first_seq + x.o - 1 < $").append(i);
    }
    sql.append(" ORDER BY b.first_seq DESC, x.o DESC LIMIT $").append(bind(params, f.limit() + 1));
    String statement = sql.toString();
    Tuple tuple = Tuple.from(params);
    return db.inTenant(tenantId, c -> c.preparedQuery(statement).execute(tuple)).map(rows -> {
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

  private static int bind(List<Object> params, Object value) {
    params.add(value);
    return params.size();
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
        .execute(Tuple.of(tenantId, names.toArray(String[]::new), currency, userId))).map(rows -> {
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
