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
    return cache.get(LIST, () -> records.accounts()
        .compose(accounts -> Future.all(accounts.stream().map(this::summary).toList()))
        .map(all -> new JsonArray(all.<JsonObject>list())), caller);
  }

  /** One public strategy in full; 404 for anything else. */
  public Future<JsonObject> strategy(UUID id, Context caller) {
    return strategies(caller).compose(list -> {
      JsonObject listed = list.stream().map(o -> (JsonObject) o).filter(o -> o.getString("id").equals(id.toString()))
          .findFirst().orElse(null);
      if (listed == null) {
        return Future.failedFuture(KeywayException.notFound("strategy"));
      }
      cache.evictExpired();
      return cache.get("strategy:" + id, () -> load(new PublicAccount(id, listed.getString("name")))
          .map(TrackRecord::toJson), caller);
    });
  }

  /** {@code {totalAum}}: the summed equity of the public accounts only. */
  public Future<JsonObject> summary(Context caller) {
    return strategies(caller).map(list -> new JsonObject().put("totalAum", Money.format(list.stream()
        .map(o -> new BigDecimal(((JsonObject) o).getString("equity"))).reduce(BigDecimal.ZERO, BigDecimal::add))));
  }

  private Future<JsonObject> summary(PublicAccount a) {
    return records.equity(a.id(), TrackRecord.CURVE_POINTS)
        .map(curve -> new TrackRecord(a.id(), a.name(), curve, List.of(), List.of()).toSummaryJson());
  }

  private Future<TrackRecord> load(PublicAccount a) {
    var curve = records.equity(a.id(), TrackRecord.CURVE_POINTS);
    var holdings = records.holdings(a.id());
    var trades = records.trades(a.id(), TrackRecord.TRADES);
    return Future.all(curve, holdings, trades)
        .map(x -> new TrackRecord(a.id(), a.name(), curve.result(), holdings.result(), trades.result()));
  }
}
