package io.keyway.engine;

import io.keyway.engine.account.Account;
import io.keyway.engine.order.Order;
import io.keyway.engine.strategy.MarketSnapshot;
import io.keyway.engine.strategy.OrderIntent;
import io.keyway.engine.strategy.Portfolio;
import io.keyway.engine.strategy.Strategies;
import io.keyway.engine.strategy.Strategy;
import io.keyway.engine.venue.RateBudget;
import io.keyway.engine.venue.SimVenue;
import io.keyway.engine.venue.Venue;
import io.keyway.engine.venue.VenueCredential;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.keyway.ledger.Money;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one trading account. It ticks on an interval: reload the account, resolve its
 * owner's credential from the node-local vault (never cached; no owner or no credential means no
 * trading, a warning and the status {@code degraded}), bring open orders up to date, let the
 * strategy decide, publish a balance. Commands (place, approve, reject, mode, kill) and ticks run
 * through one {@link SerialQueue}, so two orders of one account never race.
 */
public final class AccountEngine extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AccountEngine.class);

  /** What a tick or a command may use: the venue and the credential for it (null for sim). */
  private record Access(Venue venue, VenueCredential credential) implements AutoCloseable {
    @Override
    public void close() {
      if (credential != null) {
        credential.close();
      }
    }
  }

  private final EngineContext ctx;
  private final UUID tenantId;
  private final UUID accountId;
  private final SerialQueue queue = new SerialQueue();
  private final Map<String, Venue> venues = new HashMap<>();
  private RateBudget budget;
  private OrderPipeline pipeline;
  private Strategy strategy;
  private String strategyKey;
  private long seq;
  private BigDecimal lastEquity;
  private BigDecimal lastCash;
  private long timer = -1;
  private boolean ticking;
  private String lastUsedCredential;
  private java.time.Instant lastUseRecorded;
  private MessageConsumer<JsonObject> commands;

  public AccountEngine(EngineContext ctx, UUID tenantId, UUID accountId) {
    this.ctx = ctx;
    this.tenantId = tenantId;
    this.accountId = accountId;
  }

  @Override
  public Future<?> start() {
    budget = new RateBudget(ctx.clock(), ctx.venueRequestsPerMinute());
    pipeline = new OrderPipeline(ctx, budget, this::publishOrder);
    commands = vertx.eventBus().consumer(EngineAddresses.command(accountId), this::command);
    timer = vertx.setPeriodic(ctx.tick().toMillis(), id -> {
      if (ticking) {
        return; // a slow tick is not queued up behind: the next one starts when it is done
      }
      ticking = true;
      queue.submit(this::tick)
          .onFailure(e -> LOG.warn("Tick of account {} failed: {}", accountId, e.getMessage()))
          .onComplete(x -> ticking = false);
    });
    return commands.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return commands.unregister();
  }

  private Future<Void> tick() {
    return ctx.accounts().get(tenantId, accountId, Optional.empty()).compose(a -> {
      if ("halted".equals(a.status())) {
        return Future.succeededFuture();
      }
      return access(a).compose(access -> {
        if (access.isEmpty()) {
          return "degraded".equals(a.status()) ? Future.succeededFuture()
              : ctx.accounts().setStatus(tenantId, accountId, "degraded", null).mapEmpty();
        }
        Future<Account> current = "degraded".equals(a.status())
            ? ctx.accounts().setStatus(tenantId, accountId, "active", null) : Future.succeededFuture(a);
        return current.compose(acc -> trade(acc, access.get()))
            .andThen(x -> access.get().close());
      });
    });
  }

  private Future<Void> trade(Account a, Access access) {
    if (access.venue() instanceof SimVenue sim) {
      sim.step();
    }
    Strategy s = strategy(a);
    return pipeline.expire(a)
        .compose(x -> ctx.orders().open(tenantId, accountId))
        .compose(open -> sequentially(open, o -> "awaiting_approval".equals(o.status()) ? Future.succeededFuture(o)
            : pipeline.sync(a, o, access.credential(), access.venue())))
        .compose(x -> portfolio(a, access))
        .compose(view -> {
          List<OrderIntent> intents = s.decide(view.market(), view.portfolio());
          return sequentially(intents, intent -> pipeline.place(a, new OrderPipeline.Placement(intent, clientOrderId(),
                  null, true, "strategy", "strategy"), view.market().price(intent.symbol()).orElse(BigDecimal.ZERO),
                  view.portfolio().cash(), access.credential(), access.venue())
              .recover(e -> {
                LOG.info("Strategy order of account {} not placed: {}", accountId, e.getMessage());
                return Future.succeededFuture();
              }))
              .compose(x -> portfolio(a, access))
              .compose(after -> publishBalance(after));
        });
  }

  private record View(MarketSnapshot market, Portfolio portfolio) {}

  private Future<View> portfolio(Account a, Access access) {
    return ctx.orders().positions(tenantId, accountId).compose(positions -> {
      List<String> symbols = new ArrayList<>(strategySymbols(a));
      positions.forEach(p -> {
        if (!symbols.contains(p.symbol())) {
          symbols.add(p.symbol());
        }
      });
      Map<String, BigDecimal> held = new HashMap<>();
      positions.forEach(p -> held.put(p.symbol(), p.qty()));
      return access.venue().prices(access.credential(), symbols).compose(prices -> cash(a).map(cash ->
          new View(new MarketSnapshot(ctx.clock().instant(), prices), new Portfolio(cash, held))));
    });
  }

  private Future<BigDecimal> cash(Account a) {
    if (a.ownerUserId() == null) {
      return Future.succeededFuture(BigDecimal.ZERO);
    }
    return ctx.balances().userBalance(tenantId, a.ownerUserId(), EngineLedger.CURRENCY)
        .map(b -> b.allocations().getOrDefault(accountId, BigDecimal.ZERO));
  }

  /**
   * The owner's credential for (venue, label), resolved now and never kept: no owner, or no such
   * credential, means nothing trades, with the same warning every tick. The sim venue needs no
   * credential, but still an owner.
   */
  private Future<Optional<Access>> access(Account a) {
    if (a.ownerUserId() == null) {
      LOG.warn("WARNING no credentials for account {}", accountId);
      return Future.succeededFuture(Optional.empty());
    }
    Venue venue = venues.computeIfAbsent(a.venue() + ":" + a.kind(), k -> ctx.venues().apply(a));
    if ("sim".equals(a.venue())) {
      return Future.succeededFuture(Optional.of(new Access(venue, null)));
    }
    String label = a.credentialLabel() == null ? "default" : a.credentialLabel();
    return ctx.vault().resolve(tenantId, a.ownerUserId(), a.venue(), label)
        .map(c -> Optional.of(c))
        .recover(e -> {
          LOG.warn("WARNING no credentials for account {}", accountId);
          return Future.succeededFuture(Optional.<io.keyway.vault.ResolvedCredential>empty());
        })
        .compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.<Access>empty())
            : recordUse(a, found.get(), label)
                .recover(e -> {
                  LOG.warn("The use of a credential by account {} could not be recorded: {}", accountId, e.getMessage());
                  return Future.succeededFuture();
                })
                .map(x -> Optional.of(new Access(venue, new VenueCredential(found.get().keyId(), found.get().secret())))));
  }

  /**
   * Puts "this engine used this credential" on the ledger: on first use, on a change of credential
   * (a rotation shows here), and then hourly, rather than every tick.
   */
  private Future<Void> recordUse(Account a, io.keyway.vault.ResolvedCredential c, String label) {
    java.time.Instant now = ctx.clock().instant();
    // a rotation keeps the credential's id, so the key itself is compared, by a digest kept in memory only
    String fingerprint = c.credentialId() + ":" + c.keyId().use(b -> {
      try {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    });
    if (fingerprint.equals(lastUsedCredential) && lastUseRecorded != null
        && now.isBefore(lastUseRecorded.plus(java.time.Duration.ofHours(1)))) {
      return Future.succeededFuture();
    }
    return ctx.ledger().event(a, "credential.used", "engine", new JsonObject()
            .put("credentialId", c.credentialId().toString()).put("provider", a.venue()).put("label", label)
            .put("purpose", "trading"))
        .onSuccess(x -> {
          lastUsedCredential = fingerprint;
          lastUseRecorded = now;
        });
  }

  private Strategy strategy(Account a) {
    String key = a.strategyType() + a.strategyParams().encode();
    if (!key.equals(strategyKey)) {
      strategy = Strategies.create(a.strategyType(), a.strategyParams());
      strategyKey = key;
    }
    return strategy;
  }

  private static List<String> strategySymbols(Account a) {
    JsonObject p = a.strategyParams();
    if (p.getValue("symbol") instanceof String s) {
      return List.of(s);
    }
    if (p.getValue("weights") instanceof JsonObject w) {
      return new ArrayList<>(w.fieldNames());
    }
    return List.of();
  }

  private void command(Message<JsonObject> m) {
    queue.submit(() -> handle(m.body()))
        .onSuccess(m::reply)
        .onFailure(e -> {
          if (e instanceof KeywayException k) {
            m.fail(k.code().replyCode(), k.getMessage());
          } else {
            LOG.error("Command to account {} failed", accountId, e);
            m.fail(ErrorCode.UNAVAILABLE.replyCode(), "the engine could not complete this; check the order list");
          }
        });
  }

  private Future<JsonObject> handle(JsonObject cmd) {
    String by = cmd.getString("by", "unknown");
    return ctx.accounts().get(tenantId, accountId, Optional.empty()).compose(a -> switch (cmd.getString("op", "")) {
      case "place" -> place(a, cmd, by);
      case "approve" -> withAccess(a, access -> pipeline.decide(a, UUID.fromString(cmd.getString("approvalId")), true, by,
          cmd.getString("reason"), access.credential(), access.venue())).map(Order::toJson);
      case "reject" -> pipeline.decide(a, UUID.fromString(cmd.getString("approvalId")), false, by, cmd.getString("reason"),
          null, null).map(Order::toJson);
      case "mode" -> mode(a, cmd.getString("status"), by, cmd.getString("reason"));
      case "snapshot" -> withAccessOrNone(a, access -> snapshot(a, access));
      case "kill" -> ctx.accounts().setStatus(tenantId, accountId, "halted", cmd.getString("reason"))
          .compose(halted -> withAccessOrNone(halted, access -> pipeline.cancelOpen(halted, by,
              access == null ? null : access.credential(), access == null ? null : access.venue()))
              .compose(x -> ctx.ledger().event(halted, "mode.killed", by, new JsonObject().put("reason", cmd.getString("reason"))))
              .map(x -> halted.toJson()));
      default -> Future.failedFuture(KeywayException.of(ErrorCode.BAD_REQUEST, "unknown engine command"));
    });
  }

  private Future<JsonObject> place(Account a, JsonObject cmd, String by) {
    String key = cmd.getString("idempotencyKey");
    Future<Optional<Order>> existing = key == null ? Future.succeededFuture(Optional.empty())
        : ctx.orders().byIdempotencyKey(tenantId, accountId, key);
    return existing.compose(found -> {
      OrderIntent intent = OrderCommands.intent(cmd);
      if (found.isPresent()) {
        return OrderCommands.sameOrder(found.get().intent(), intent) ? Future.succeededFuture(found.get().toJson())
            : Future.failedFuture(KeywayException.of(ErrorCode.IDEMPOTENCY_CONFLICT,
                "this Idempotency-Key was already used for a different order"));
      }
      return withAccess(a, access -> access.venue().prices(access.credential(), List.of(intent.symbol()))
          .compose(prices -> {
            BigDecimal price = intent.limitPrice() != null ? intent.limitPrice() : prices.get(intent.symbol());
            if (price == null) {
              return Future.failedFuture(KeywayException.of(ErrorCode.UNPROCESSABLE, "no price for " + intent.symbol()
                  + " at this venue"));
            }
            return cash(a).compose(cash -> pipeline.place(a, new OrderPipeline.Placement(intent,
                Optional.ofNullable(cmd.getString("clientOrderId")).orElseGet(AccountEngine::clientOrderId), key, cmd.getBoolean("confirmLive", false),
                cmd.getString("source", "api"), by), price, cash, access.credential(), access.venue()));
          })).map(Order::toJson);
    });
  }

  /** Balance and positions at the venue's current prices (at entry prices when the venue cannot be asked). */
  private Future<JsonObject> snapshot(Account a, Access access) {
    return ctx.orders().positions(tenantId, accountId).compose(positions -> {
      Future<Map<String, BigDecimal>> prices = access == null ? Future.succeededFuture(Map.of())
          : access.venue().prices(access.credential(), positions.stream().map(p -> p.symbol()).toList());
      return prices.compose(px -> cash(a).map(cash -> {
        io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
        BigDecimal value = BigDecimal.ZERO;
        for (var p : positions) {
          BigDecimal mv = p.qty().multiply(px.getOrDefault(p.symbol(), p.avgPrice()));
          value = value.add(mv);
          list.add(new JsonObject().put("symbol", p.symbol()).put("qty", p.qty().stripTrailingZeros().toPlainString())
              .put("avgPrice", Money.format(p.avgPrice())).put("marketValue", Money.format(mv)));
        }
        return new JsonObject().put("accountId", accountId.toString()).put("currency", EngineLedger.CURRENCY)
            .put("cash", Money.format(cash)).put("positionsValue", Money.format(value))
            .put("equity", Money.format(cash.add(value))).put("allocated", Money.format(cash))
            .put("seq", seq).put("asOf", ctx.clock().instant().toString()).put("positions", list);
      }));
    });
  }

  private Future<JsonObject> mode(Account a, String status, String by, String reason) {
    if (!"active".equals(status) && !"halted".equals(status)) {
      return Future.failedFuture(KeywayException.badField("status", "must be active or halted"));
    }
    return ctx.accounts().setStatus(tenantId, accountId, status, "halted".equals(status) ? a.killReason() : null)
        .compose(changed -> ctx.ledger().event(changed, "mode." + status, by, new JsonObject().put("reason", reason)
            .put("from", a.status())).map(changed.toJson()));
  }

  private <T> Future<T> withAccess(Account a, java.util.function.Function<Access, Future<T>> work) {
    return access(a).compose(access -> access.isEmpty()
        ? Future.failedFuture(KeywayException.of(ErrorCode.UNPROCESSABLE,
            "no credentials for this account (it needs an owner with a key for its venue and label); nothing was placed"))
        : work.apply(access.get()).andThen(x -> access.get().close()));
  }

  private <T> Future<T> withAccessOrNone(Account a, java.util.function.Function<Access, Future<T>> work) {
    return access(a).compose(access -> work.apply(access.orElse(null)).andThen(x -> access.ifPresent(Access::close)));
  }

  private static String clientOrderId() {
    return "kw-" + UUID.randomUUID();
  }

  private static <T> Future<Void> sequentially(List<T> items, java.util.function.Function<T, Future<?>> f) {
    Future<?> all = Future.succeededFuture();
    for (T item : items) {
      all = all.compose(x -> f.apply(item));
    }
    return all.mapEmpty();
  }

  private long nextSeq() {
    seq = Math.max(seq + 1, ctx.clock().millis() * 1000);
    return seq;
  }

  private void publishOrder(Order o) {
    vertx.eventBus().publish(StreamAddresses.tenant(tenantId), new JsonObject().put("type", "order")
        .put("accountId", accountId.toString()).put("seq", nextSeq()).put("order", o.toJson()));
  }

  private Future<Void> publishBalance(View view) {
    BigDecimal equity = view.portfolio().equity(view.market());
    BigDecimal cash = view.portfolio().cash();
    if (equity.compareTo(lastEquity == null ? BigDecimal.valueOf(-1) : lastEquity) == 0
        && cash.compareTo(lastCash) == 0) {
      return Future.succeededFuture();
    }
    lastEquity = equity;
    lastCash = cash;
    vertx.eventBus().publish(StreamAddresses.tenant(tenantId), new JsonObject().put("type", "balance")
        .put("accountId", accountId.toString()).put("seq", nextSeq()).put("cash", Money.format(cash))
        .put("equity", Money.format(equity)).put("asOf", view.market().at().toString()));
    return ctx.orders().recordEquity(tenantId, accountId, view.market().at(), equity);
  }

}
