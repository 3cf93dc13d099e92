package io.keyway.engine;

import io.keyway.engine.account.Account;
import io.keyway.engine.order.Order;
import io.keyway.engine.strategy.MarketSnapshot;
import io.keyway.engine.strategy.OrderIntent;
import io.keyway.engine.strategy.Portfolio;
import io.keyway.engine.strategy.Strategies;
import io.keyway.engine.strategy.Strategy;
import io.keyway.engine.placement.Fence;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one trading account. It ticks on an interval: resolve its owner's credential from
 * the node-local vault (never cached; no owner or no credential means no trading, a warning and the
 * status {@code degraded}), bring open orders up to date, let the strategy decide, publish a
 * balance. Commands (place, approve, reject, mode, kill) and ticks run through one
 * {@link SerialQueue}, so two orders of one account never race.
 *
 * <p>What the engine itself owns is kept in memory between ticks: the account (reloaded when it is
 * announced changed, and at every command), its open orders (every change of an order passes
 * through {@link #orderChanged}), its positions (read again after a fill) and its cash (read again
 * when the tenant's ledger head moved). A tick in which nothing happened touches no database.
 * Approvals expire on their own timer, ticks or not.
 */
public final class AccountEngine extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AccountEngine.class);

  /** What every engine of a node shares besides the {@link EngineContext}. */
  public record Shared(LedgerHeads heads, EquityRecorder equity) {}

  private final Fence fence;

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
  private final Shared shared;
  private final UUID tenantId;
  private final UUID accountId;
  private final SerialQueue queue = new SerialQueue();
  private final Map<String, Venue> venues = new HashMap<>();
  private final Map<UUID, Order> open = new LinkedHashMap<>();
  private RateBudget budget;
  private OrderPipeline pipeline;
  private Strategy strategy;
  private String strategyKey;
  private Account account;
  private Map<String, BigDecimal> positions;
  private BigDecimal cash;
  private long cashAtHead = -1;
  private long seq;
  private long ticks;
  private BigDecimal lastEquity;
  private BigDecimal lastCash;
  private Instant lastEquityPoint;
  private long timer = -1;
  private long approvalTimer = -1;
  private Instant approvalDue;
  private boolean ticking;
  private boolean loaded;
  private String lastUsedCredential;
  private Instant lastUseRecorded;
  private MessageConsumer<JsonObject> commands;

  public AccountEngine(EngineContext ctx, Shared shared, UUID tenantId, UUID accountId, Fence fence) {
    this.ctx = ctx;
    this.fence = fence;
    this.shared = shared;
    this.tenantId = tenantId;
    this.accountId = accountId;
  }

  @Override
  public Future<?> start() {
    budget = new RateBudget(ctx.clock(), ctx.venueRequestsPerMinute());
    pipeline = new OrderPipeline(ctx, budget, this::orderChanged, fence);
    StreamEvents.register(vertx);
    commands = vertx.eventBus().consumer(EngineAddresses.command(accountId), this::command);
    long period = ctx.tick().toMillis();
    // engines started together (a node starting, a hand-over) would otherwise tick together, every period, as one
    // burst on the event loops; each account's first tick comes at its own phase within the second period
    // instead (never sooner than one period after the start, as before)
    long phase = period + Math.floorMod(accountId.hashCode(), period);
    timer = vertx.setPeriodic(phase, period, id -> {
      if (ticking) {
        return; // a slow tick is not queued up behind: the next one starts when it is done
      }
      ticking = true;
      Instant due = ctx.clock().instant(); // the tick's start, waiting behind a command included
      queue.submit(() -> tick(due))
          .onFailure(e -> LOG.warn("Tick of account {} failed: {}", accountId, e.getMessage()))
          .onComplete(x -> {
            ticks++;
            ticking = false;
          });
    });
    // the first load is not a condition of starting: when it fails, the next tick loads again
    queue.submit(this::load).onFailure(e -> LOG.warn("Account {} not loaded yet: {}", accountId, e.getMessage()));
    return commands.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(approvalTimer);
    return commands.unregister();
  }

  /** Reads the account and its open orders, and expires what is due (which sets the approval timer). */
  private Future<Void> load() {
    return ctx.accounts().get(tenantId, accountId, Optional.empty()).map(this::remember)
        .compose(a -> ctx.orders().open(tenantId, accountId))
        .compose(orders -> {
          open.clear();
          orders.forEach(o -> open.put(o.id(), o));
          positions = null;
          return expireDue();
        })
        .onSuccess(x -> loaded = true);
  }

  /** Keeps the account as last read; a new owner means another allocation, so cash is read again. */
  private Account remember(Account a) {
    if (account == null || !java.util.Objects.equals(account.ownerUserId(), a.ownerUserId())) {
      cash = null;
    }
    account = a;
    return a;
  }

  /** One tick, begun at {@code at}: the instant its balance will say it is {@code asOf}. */
  private Future<Void> tick(Instant at) {
    Future<Account> known = loaded ? Future.succeededFuture(account) : load().map(x -> account);
    return known.compose(a -> {
      if ("halted".equals(a.status())) {
        return Future.succeededFuture();
      }
      return access(a).compose(access -> {
        if (access.isEmpty()) {
          return "degraded".equals(a.status()) ? Future.succeededFuture()
              : ctx.accounts().setStatus(tenantId, accountId, "degraded", null).map(this::remember).mapEmpty();
        }
        Future<Account> current = "degraded".equals(a.status())
            ? ctx.accounts().setStatus(tenantId, accountId, "active", null).map(this::remember) : Future.succeededFuture(a);
        return current.compose(acc -> trade(acc, access.get(), at))
            .andThen(x -> access.get().close());
      });
    });
  }

  private Future<Void> trade(Account a, Access access, Instant at) {
    if (access.venue() instanceof SimVenue sim) {
      sim.step();
    }
    Strategy s = strategy(a);
    List<Order> toSync = open.values().stream().filter(o -> !"awaiting_approval".equals(o.status())).toList();
    return sequentially(toSync, o -> pipeline.sync(a, o, access.credential(), access.venue()))
        .compose(x -> view(a, access, at))
        .compose(view -> {
          List<OrderIntent> intents = s.decide(view.market(), view.portfolio());
          if (intents.isEmpty()) {
            return publishBalance(view);
          }
          return sequentially(intents, intent -> pipeline.place(a, new OrderPipeline.Placement(intent, clientOrderId(),
                  null, true, "strategy", "strategy"), view.market().price(intent.symbol()).orElse(BigDecimal.ZERO),
                  view.portfolio().cash(), access.credential(), access.venue())
              .recover(e -> {
                LOG.info("Strategy order of account {} not placed: {}", accountId, e.getMessage());
                return Future.succeededFuture();
              }))
              .compose(x -> view(a, access, at))
              .compose(this::publishBalance);
        });
  }

  private record View(MarketSnapshot market, Portfolio portfolio) {}

  /** Cash, positions and their prices as of {@code at}, from memory unless something changed. */
  private Future<View> view(Account a, Access access, Instant at) {
    return positions().compose(held -> cash(a, false).compose(c -> {
      List<String> symbols = new ArrayList<>(strategySymbols(a));
      held.keySet().forEach(symbol -> {
        if (!symbols.contains(symbol)) {
          symbols.add(symbol);
        }
      });
      return access.venue().prices(access.credential(), symbols)
          .map(prices -> new View(new MarketSnapshot(at, prices), new Portfolio(c, held)));
    }));
  }

  private Future<Map<String, BigDecimal>> positions() {
    if (positions != null) {
      return Future.succeededFuture(positions);
    }
    return ctx.orders().positions(tenantId, accountId).map(list -> {
      Map<String, BigDecimal> held = new LinkedHashMap<>();
      list.forEach(p -> held.put(p.symbol(), p.qty()));
      positions = java.util.Collections.unmodifiableMap(held);
      return positions;
    });
  }

  /**
   * The account's cash: its allocation's balance on the ledger. A tick reads it again only when the
   * tenant's ledger moved; a command ({@code fresh}) always reads it, so a capital flow answered a
   * moment ago is seen even if the news of the ledger's head has not reached this node's listener yet.
   */
  private Future<BigDecimal> cash(Account a, boolean fresh) {
    if (a.ownerUserId() == null) {
      return Future.succeededFuture(BigDecimal.ZERO);
    }
    long head = shared.heads().head(tenantId);
    if (!fresh && cash != null && head == cashAtHead) {
      return Future.succeededFuture(cash);
    }
    return ctx.balances().userBalance(tenantId, a.ownerUserId(), EngineLedger.CURRENCY).map(b -> {
      cash = b.allocations().getOrDefault(accountId, BigDecimal.ZERO);
      cashAtHead = head;
      return cash;
    });
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
    Instant now = ctx.clock().instant();
    // a rotation keeps the credential's id, so the key itself is compared, by a digest kept in memory only
    String fingerprint = c.credentialId() + ":" + c.keyId().use(b -> {
      try {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    });
    if (fingerprint.equals(lastUsedCredential) && lastUseRecorded != null
        && now.isBefore(lastUseRecorded.plus(Duration.ofHours(1)))) {
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
    if ("status".equals(m.body().getString("op"))) {
      // read-only and immediate: how many ticks this engine has completed, for tests and operators
      m.reply(new JsonObject().put("accountId", accountId.toString()).put("ticks", ticks)
          .put("status", account == null ? null : account.status()).put("openOrders", open.size()));
      return;
    }
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
    return ctx.accounts().get(tenantId, accountId, Optional.empty()).map(this::remember)
        .compose(a -> switch (cmd.getString("op", "")) {
      case "place" -> place(a, cmd, by);
      case "approve" -> withAccess(a, access -> pipeline.decide(a, UUID.fromString(cmd.getString("approvalId")), true, by,
          cmd.getString("reason"), access.credential(), access.venue())).map(Order::toJson);
      case "reject" -> pipeline.decide(a, UUID.fromString(cmd.getString("approvalId")), false, by, cmd.getString("reason"),
          null, null).map(Order::toJson);
      case "mode" -> mode(a, cmd.getString("status"), by, cmd.getString("reason"));
      case "snapshot" -> withAccessOrNone(a, access -> snapshot(a, access));
      case "reload" -> Future.succeededFuture(a.toJson());
      case "kill" -> ctx.accounts().setStatus(tenantId, accountId, "halted", cmd.getString("reason")).map(this::remember)
          .compose(halted -> withAccessOrNone(halted, access -> pipeline.cancelOpen(halted, by,
              access == null ? null : access.credential(), access == null ? null : access.venue()))
              .compose(x -> ctx.ledger().event(halted, "mode.killed", by, new JsonObject().put("reason", cmd.getString("reason"))))
              .map(x -> halted.toJson()));
      default -> Future.failedFuture(KeywayException.of(ErrorCode.BAD_REQUEST, "unknown engine command"));
    });
  }

  /**
   * A manual order. A market order given by {@code notional} is sized here, from the venue's latest
   * price at execution time (rounded down to a millionth of a unit).
   */
  private Future<JsonObject> place(Account a, JsonObject cmd, String by) {
    String key = cmd.getString("idempotencyKey");
    Future<Optional<Order>> existing = key == null ? Future.succeededFuture(Optional.empty())
        : ctx.orders().byIdempotencyKey(tenantId, accountId, key);
    String symbol = OrderCommands.request(cmd).symbol();
    return existing.compose(found -> {
      if (found.isPresent()) {
        return OrderCommands.sameOrder(found.get(), cmd) ? Future.succeededFuture(found.get().toJson())
            : Future.failedFuture(KeywayException.of(ErrorCode.IDEMPOTENCY_CONFLICT,
                "this Idempotency-Key was already used for a different order"));
      }
      return withAccess(a, access -> access.venue().prices(access.credential(), List.of(symbol))
          .compose(prices -> {
            OrderIntent intent = OrderCommands.intent(cmd, prices.get(symbol));
            BigDecimal price = intent.limitPrice() != null ? intent.limitPrice() : prices.get(symbol);
            return cash(a, true).compose(c -> pipeline.place(a, new OrderPipeline.Placement(intent,
                Optional.ofNullable(cmd.getString("clientOrderId")).orElseGet(AccountEngine::clientOrderId), key,
                cmd.getBoolean("confirmLive", false), cmd.getString("source", "api"), by), price, c, access.credential(),
                access.venue()));
          })).map(Order::toJson);
    });
  }

  /**
   * Balance and positions at the venue's current prices (at entry prices when the venue cannot be
   * asked); {@code allocated} is the capital allocated to the account on the ledger, net of
   * deallocations and untouched by trading.
   */
  private Future<JsonObject> snapshot(Account a, Access access) {
    Future<BigDecimal> allocated = a.ownerUserId() == null ? Future.succeededFuture(BigDecimal.ZERO)
        : ctx.balances().allocatedCapital(tenantId, a.ownerUserId(), List.of(accountId), EngineLedger.CURRENCY)
            .map(m -> m.get(accountId));
    return ctx.orders().positions(tenantId, accountId).compose(held -> {
      Future<Map<String, BigDecimal>> prices = access == null ? Future.succeededFuture(Map.of())
          : access.venue().prices(access.credential(), held.stream().map(p -> p.symbol()).toList());
      return prices.compose(px -> cash(a, true).compose(c -> allocated.map(alloc -> {
        io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
        BigDecimal value = BigDecimal.ZERO;
        for (var p : held) {
          BigDecimal mv = p.qty().multiply(px.getOrDefault(p.symbol(), p.avgPrice()));
          value = value.add(mv);
          list.add(new JsonObject().put("symbol", p.symbol()).put("qty", p.qty().stripTrailingZeros().toPlainString())
              .put("avgPrice", Money.format(p.avgPrice())).put("marketValue", Money.format(mv)));
        }
        return new JsonObject().put("accountId", accountId.toString()).put("currency", EngineLedger.CURRENCY)
            .put("cash", Money.format(c)).put("positionsValue", Money.format(value))
            .put("equity", Money.format(c.add(value))).put("allocated", Money.format(alloc))
            .put("seq", seq).put("asOf", ctx.clock().instant().toString()).put("positions", list);
      })));
    });
  }

  private Future<JsonObject> mode(Account a, String status, String by, String reason) {
    if (!"active".equals(status) && !"halted".equals(status)) {
      return Future.failedFuture(KeywayException.badField("status", "must be active or halted"));
    }
    return ctx.accounts().setStatus(tenantId, accountId, status, "halted".equals(status) ? a.killReason() : null)
        .map(this::remember).compose(changed -> ctx.ledger().event(changed, "mode." + status, by, new JsonObject().put("reason", reason)
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

  /**
   * Every change of an order passes here (the pipeline reports each): the open book is kept up to
   * date, a fill makes positions and cash be read again, a new approval sets the expiry timer, and
   * the order is published.
   */
  private void orderChanged(Order o) {
    Order before = open.get(o.id());
    if (o.filledQty().signum() > 0 && (before == null || before.filledQty().compareTo(o.filledQty()) != 0)) {
      positions = null;
      cash = null;
    }
    if (o.done()) {
      open.remove(o.id());
    } else {
      open.put(o.id(), o);
    }
    if ("awaiting_approval".equals(o.status()) && before == null) {
      expireAt(ctx.clock().instant().plus(ctx.approvalTtl()));
    }
    StreamEvents.publish(vertx, StreamAddresses.tenant(tenantId), new JsonObject().put("type", "order")
        .put("accountId", accountId.toString()).put("seq", nextSeq()).put("order", o.toJson()));
  }

  /** Sets the approval timer to {@code due} unless it is set earlier already. */
  private void expireAt(Instant due) {
    if (approvalTimer >= 0 && approvalDue != null && !due.isBefore(approvalDue)) {
      return;
    }
    if (approvalTimer >= 0) {
      vertx.cancelTimer(approvalTimer);
    }
    approvalDue = due;
    long delay = Math.max(0, Duration.between(ctx.clock().instant(), due).toMillis()) + 50;
    approvalTimer = vertx.setTimer(delay, id -> {
      approvalTimer = -1;
      approvalDue = null;
      queue.submit(this::expireDue)
          .onFailure(e -> LOG.warn("Approvals of account {} could not be expired: {}", accountId, e.getMessage()));
    });
  }

  /** Expires the approvals past their time, halted account or not, and sets the timer for the next one. */
  private Future<Void> expireDue() {
    return pipeline.expire(account)
        .compose(x -> ctx.approvals().nextExpiry(tenantId, accountId))
        .map(next -> {
          next.ifPresent(this::expireAt);
          return null;
        });
  }

  /** Publishes the balance when it changed; an equity point at most once per {@link EquityRecorder#EVERY}. */
  private Future<Void> publishBalance(View view) {
    BigDecimal equity = view.portfolio().equity(view.market());
    BigDecimal c = view.portfolio().cash();
    if (lastEquity != null && equity.compareTo(lastEquity) == 0 && c.compareTo(lastCash) == 0) {
      return Future.succeededFuture();
    }
    lastEquity = equity;
    lastCash = c;
    Instant at = view.market().at();
    StreamEvents.publish(vertx, StreamAddresses.tenant(tenantId), new JsonObject().put("type", "balance")
        .put("accountId", accountId.toString()).put("seq", nextSeq()).put("cash", Money.format(c))
        .put("equity", Money.format(equity)).put("asOf", at.toString()));
    if (lastEquityPoint == null || !at.isBefore(lastEquityPoint.plus(EquityRecorder.EVERY))) {
      shared.equity().add(tenantId, accountId, at, equity);
      lastEquityPoint = at;
    }
    return Future.succeededFuture();
  }
}
