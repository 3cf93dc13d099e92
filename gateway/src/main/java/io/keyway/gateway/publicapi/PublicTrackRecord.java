package io.keyway.gateway.publicapi;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.publicapi.PublicRecords.PublicAccount;
import io.keyway.ledger.Money;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The public track record of the strategies marked public, across tenants, served from a
 * 30-second in-process cache shared by every HTTP verticle of the node: however many people ask
 * at once, each answer is computed at most once per 30 seconds. An id that is not public is
 * answered from the cached list, so unknown ids cost no query and take no cache room.
 */
public final class PublicTrackRecord {
  /** How long an answer is served before it is computed again; also its {@code Cache-Control: max-age}. */
  public static final Duration TTL = Duration.ofSeconds(30);
  private static final String LIST = "list";
  private final PublicRecords records;
  private final TtlCache<String> cache;

  public PublicTrackRecord(TenantScope db, Clock clock, MeterRegistry registry) {
    this.records = new PublicRecords(db);
    this.cache = new TtlCache<>(clock, TTL);
    registry.more().counter("keyway_public_computations", List.of(), cache, TtlCache::computations);
  }

  /** {@code [{id, name, equity, drawdown}]} of every public account. */
  public Future<JsonArray> strategies(Context caller) {
    return listed(caller).map(list -> new JsonArray(list.stream().map(TrackRecord::toSummaryJson).toList()));
  }

  /**
   * One public strategy in full; 404 for anything else. Its equity curve is the one the list was
   * computed from (read once for both), so the detail and its list entry agree.
   */
  public Future<JsonObject> strategy(UUID id, Context caller) {
    return listed(caller).compose(list -> {
      TrackRecord listed = list.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
      if (listed == null) {
        return Future.failedFuture(KeywayException.notFound("strategy"));
      }
      return cache.get("strategy:" + id, () -> complete(listed).map(TrackRecord::toJson), caller);
    });
  }

  /** {@code {totalAum}}: the summed equity of the public accounts only. */
  public Future<JsonObject> summary(Context caller) {
    return strategies(caller).map(list -> new JsonObject().put("totalAum", Money.format(list.stream()
        .map(o -> new BigDecimal(((JsonObject) o).getString("equity"))).reduce(BigDecimal.ZERO, BigDecimal::add))));
  }

  /** Every public account with its equity curve, nothing else yet. */
  private Future<List<TrackRecord>> listed(Context caller) {
    return cache.get(LIST, () -> records.accounts()
        .compose(accounts -> Future.all(accounts.stream().map(this::withCurve).toList()))
        .map(all -> all.<TrackRecord>list()), caller);
  }

  private Future<TrackRecord> withCurve(PublicAccount a) {
    return records.equity(a.id(), TrackRecord.CURVE_POINTS)
        .map(curve -> new TrackRecord(a.id(), a.name(), curve, List.of(), List.of()));
  }

  /** Adds holdings and trades to a listed record. */
  private Future<TrackRecord> complete(TrackRecord listed) {
    var holdings = records.holdings(listed.id());
    var trades = records.trades(listed.id(), TrackRecord.TRADES);
    return Future.all(holdings, trades).map(x -> new TrackRecord(listed.id(), listed.name(), listed.curve(),
        holdings.result(), trades.result()));
  }
}
