package io.keyway.gateway.ws;

import io.keyway.engine.EngineAddresses;
import io.keyway.engine.StreamAddresses;
import io.keyway.engine.StreamEvents;
import io.keyway.gateway.identity.IdentityAddresses;
import io.keyway.gateway.identity.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The live sockets of one HTTP verticle instance and their tenants' streams: one event-bus consumer
 * per tenant that has a subscribed socket here, registered with the first subscription and removed
 * with the last. A consumer only files an event in the {@link Intake} (cheap, conflating balances
 * per account); one drain per event-loop turn then encodes each kept event once and hands it to the
 * sockets its {@link TenantFanout} allows. When the hub falls behind, the event-bus backlog thus turns
 * into skipped intermediate balances, not into latency. It also hears identity and account changes
 * and makes the sockets concerned re-check themselves. Everything runs on the instance's event loop,
 * like its sockets, so nothing here is locked.
 */
final class TenantHub {
  /** A second look after this, in case another node's cache heard of a change after we did. */
  private static final long RECHECK_AGAIN_MS = 250;
  /** Events heard before one drain beyond which the hub is behind and conflates balances per account. */
  static final int BEHIND_AFTER = 8192;

  private static final class Tenant {
    final UUID key;
    final TenantFanout<LiveSocket> fanout = new TenantFanout<>();
    MessageConsumer<JsonObject> consumer;

    Tenant(UUID key) {
      this.key = key;
    }
  }

  private final Vertx vertx;
  private final Intake<Tenant> intake = new Intake<>(BEHIND_AFTER);
  private final EventFrames frames = new EventFrames();
  /** The event being fanned out and its frame, read by {@link #pushSending} (made once, not per event). */
  private Intake.Entry sending;
  private String sendingFrame;
  private final java.util.function.Consumer<LiveSocket> pushSending =
      s -> s.push(sending.stream(), sending.accountId(), sending.seq(), sendingFrame);
  private boolean drainScheduled;
  private final Map<UUID, Tenant> tenants = new HashMap<>();
  private final Set<LiveSocket> sockets = new LinkedHashSet<>();
  private final Heartbeat heartbeat;
  private final WsMetrics metrics;

  TenantHub(Vertx vertx, WsSettings settings, WsMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.heartbeat = new Heartbeat(settings.heartbeat(), settings.idleTimeout());
  }

  /** The heartbeat of this hub's sockets: when each is pinged, when a silent one closes. */
  Heartbeat heartbeat() {
    return heartbeat;
  }

  /** Subscribes to identity and account changes and starts the heartbeat clock. */
  Future<Void> start() {
    StreamEvents.register(vertx); // to read stream events published on another node
    var bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = List.of(
        bus.<String>consumer(IdentityAddresses.USER_CHANGED, m -> identityChanged(p -> p.userId().toString()
            .equals(m.body()))),
        bus.<String>consumer(IdentityAddresses.SESSION_REVOKED, m -> identityChanged(p ->
            p.kind() == Principal.Kind.ACCESS_TOKEN && p.credentialId().toString().equals(m.body()))),
        // the body is the token's hash, which the sockets it authenticated keep: they close, no lookup
        bus.<String>consumer(IdentityAddresses.API_TOKEN_REVOKED, m -> apiTokenRevoked(m.body())),
        bus.<JsonObject>consumer(EngineAddresses.ACCOUNT_CHANGED, this::accountChanged));
    // often, but each look pings only the sockets whose phase came (see Heartbeat)
    vertx.setPeriodic(heartbeat.lookEveryMillis(), t -> {
      long now = System.nanoTime();
      new ArrayList<>(sockets).forEach(s -> s.tick(now));
      metrics.publishSent();
    });
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  void add(LiveSocket socket) {
    sockets.add(socket);
  }

  void remove(LiveSocket socket) {
    sockets.remove(socket);
  }

  void subscribe(LiveSocket socket, Stream stream, UUID accountId) {
    UUID tenantId = socket.principal().tenantId();
    Tenant t = tenants.computeIfAbsent(tenantId, Tenant::new);
    t.fanout.add(socket, stream, accountId);
    if (t.consumer == null) {
      t.consumer = vertx.eventBus().consumer(StreamAddresses.tenant(tenantId), m -> onEvent(t, m));
    }
  }

  void unsubscribe(LiveSocket socket, Stream stream, UUID accountId) {
    UUID tenantId = socket.principal().tenantId();
    Tenant t = tenants.get(tenantId);
    if (t == null) {
      return;
    }
    t.fanout.remove(socket, stream, accountId);
    if (t.fanout.isEmpty()) {
      tenants.remove(tenantId);
      t.consumer.unregister();
    }
  }
  /** Files the event if a socket here may get it; the drain at the end of this turn sends it. */
  private void onEvent(Tenant t, Message<JsonObject> m) {
    JsonObject event = m.body();
    Stream stream = Stream.carrying(event.getString("type"));
    UUID accountId = stream == null ? null : accountId(event);
    if (accountId == null || !t.fanout.hasRecipients(stream, accountId)) {
      return;
    }
    long seq = event.getValue("seq") instanceof Number n ? n.longValue() : 0L;
    intake.offer(t, stream, accountId, seq, event);
    if (!drainScheduled) {
      drainScheduled = true;
      // queued behind the event-bus deliveries already waiting on this loop, so a backlog drains in one go
      vertx.getOrCreateContext().runOnContext(v -> drain());
    }
  }

  /** Sends what the intake kept, each event encoded once for all its recipients here. */
  private void drain() {
    drainScheduled = false;
    intake.drain((t, e) -> {
      if (tenants.get(t.key) != t) {
        return; // its last socket left meanwhile
      }
      sending = e;
      sendingFrame = frames.encode(e.event());
      t.fanout.deliver(e.stream(), e.accountId(), pushSending);
    });
    sending = null;
    sendingFrame = null;
    long conflated = intake.takeConflated();
    if (conflated > 0) {
      metrics.conflated.increment(conflated);
    }
    metrics.publishSent();
  }

  private void identityChanged(Predicate<Principal> concerned) {
    List<LiveSocket> affected = sockets.stream().filter(s -> s.ready() && concerned.test(s.principal())).toList();
    if (affected.isEmpty()) {
      return;
    }
    affected.forEach(LiveSocket::recheckIdentity);
    vertx.setTimer(RECHECK_AGAIN_MS, x -> affected.forEach(LiveSocket::recheckIdentity));
  }

  private void apiTokenRevoked(String tokenHashHex) {
    sockets.stream().filter(s -> s.holdsApiToken(tokenHashHex)).toList().forEach(LiveSocket::apiTokenRevoked);
  }

  private void accountChanged(Message<JsonObject> m) {
    UUID accountId = accountId(m.body());
    String tenant = m.body().getString("tenantId");
    Tenant t = tenant == null ? null : tenants.get(UUID.fromString(tenant));
    if (t != null && accountId != null) {
      t.fanout.subscribersOf(accountId).forEach(s -> s.recheckAccount(accountId));
    }
  }

  private static UUID accountId(JsonObject event) {
    try {
      return UUID.fromString(event.getString("accountId"));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
