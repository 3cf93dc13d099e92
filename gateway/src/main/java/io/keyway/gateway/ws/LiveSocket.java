package io.keyway.gateway.ws;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.keyway.gateway.identity.Authenticator;
import io.keyway.gateway.identity.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One client connection of {@code /ws}: authenticates it, answers its frames in arrival order, and
 * writes what the {@link TenantHub} hands it through its own {@link Outbox}, so a slow reader only
 * ever delays itself. A subscription holds its pushes while its visibility is being (re)checked, so
 * nothing about an account reaches a socket before the check has passed. Runs on the event loop of
 * the HTTP verticle that accepted it.
 */
final class LiveSocket {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveSocket.class);
  private enum State { AWAITING_AUTH, READY, CLOSED }

  private record Key(Stream stream, UUID accountId) {}

  private record Held(Stream stream, UUID accountId, long seq, String frame) {}

  /** One subscription: held while checked, else live; remembers the last seq it passed on. */
  private static final class Sub {
    boolean holding = true;
    final List<Held> held = new ArrayList<>();
    long lastSeq = -1;
  }

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final TenantHub hub;
  private final Authenticator authenticator;
  private final Snapshots snapshots;
  private final WsSettings settings;
  private final WsMetrics metrics;
  private final Outbox outbox;
  private final MalformedFrames malformed;
  private final Map<Key, Sub> subs = new HashMap<>();
  private State state = State.AWAITING_AUTH;
  private Principal principal;
  /** An API token's hash, to re-check and to match its revocation by; the token itself is not kept. */
  private String apiTokenHash;
  /** An access token as presented, to re-check (it expires within minutes); null for an API token. */
  private String accessToken;
  /** Frames a socket may have waiting for an answer; one more closes it 1008. */
  static final int MAX_PENDING_FRAMES = 64;
  private Future<Void> inbound = Future.succeededFuture();
  /** Frames read but not yet answered (each waits its turn behind the one before). */
  private int pendingFrames;
  private long authTimer;
  private long lastInboundNanos = System.nanoTime();
  private long lastPingNanos;

  LiveSocket(Vertx vertx, ServerWebSocket ws, TenantHub hub, Authenticator authenticator, Snapshots snapshots,
      WsSettings settings, WsMetrics metrics) {
    this.vertx = vertx;
    this.ws = ws;
    this.hub = hub;
    this.authenticator = authenticator;
    this.snapshots = snapshots;
    this.settings = settings;
    this.metrics = metrics;
    this.outbox = new Outbox(settings.outboxCapacity());
    this.malformed = new MalformedFrames(settings.malformedPerMinute(), java.time.Duration.ofMinutes(1));
    this.lastPingNanos = hub.heartbeat().lastPingOfNew(lastInboundNanos);
  }

  void start() {
    metrics.opened.increment();
    ws.setWriteQueueMaxSize(settings.writeQueueBytes());
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> {
      if (b.length() > settings.maxFrameBytes()) {
        onText(b.toString()); // refused as oversize, like text
      } else {
        onMalformed();
      }
    });
    ws.pongHandler(b -> lastInboundNanos = System.nanoTime());
    ws.drainHandler(v -> flush());
    ws.exceptionHandler(e -> { }); // a broken transport ends in the close handler
    ws.closeHandler(v -> closed());
    authTimer = vertx.setTimer(settings.authTimeout().toMillis(), t -> {
      if (state == State.AWAITING_AUTH) {
        close(ServerFrames.CLOSE_UNAUTHORIZED, "authenticate within " + settings.authTimeout().toSeconds() + " s");
      }
    });
    hub.add(this);
  }

  Principal principal() {
    return principal;
  }

  boolean ready() {
    return state == State.READY;
  }

  // ---- inbound

  private void onText(String text) {
    lastInboundNanos = System.nanoTime();
    if (state == State.CLOSED) {
      return;
    }
    if (text.length() > settings.maxFrameBytes()) {
      ws.writeTextMessage(ServerFrames.TOO_LARGE);
      close(ServerFrames.CLOSE_TOO_BIG, "frames are limited to " + settings.maxFrameBytes() + " bytes");
      return;
    }
    var parsed = ClientFrame.parse(text);
    if (parsed.isEmpty()) {
      onMalformed();
      return;
    }
    ClientFrame frame = parsed.get();
    if (state == State.AWAITING_AUTH && !(frame instanceof ClientFrame.Auth)) {
      unauthorized();
      return;
    }
    // one at a time, in arrival order: an answer never overtakes the one to an earlier frame; a client
    // that sends faster than its frames can be answered is closed, not queued for without bound
    if (pendingFrames >= MAX_PENDING_FRAMES) {
      close(ServerFrames.CLOSE_POLICY, "more than " + MAX_PENDING_FRAMES + " frames awaiting an answer");
      return;
    }
    pendingFrames++;
    inbound = inbound.compose(x -> handle(frame)).recover(e -> Future.succeededFuture())
        .andThen(x -> pendingFrames--);
  }

  private void onMalformed() {
    metrics.malformed.increment();
    if (malformed.recordAndExceeded(System.nanoTime())) {
      close(ServerFrames.CLOSE_POLICY, "too many malformed frames");
    } else {
      send(ServerFrames.BAD_REQUEST);
    }
  }

  private Future<Void> handle(ClientFrame frame) {
    if (state == State.CLOSED) {
      return Future.succeededFuture();
    }
    if (frame instanceof ClientFrame.Auth a) {
      return authenticate(a.token());
    }
    if (frame instanceof ClientFrame.Subscribe s) {
      return subscribe(new Key(s.stream(), s.accountId()));
    }
    if (frame instanceof ClientFrame.Unsubscribe u) {
      drop(new Key(u.stream(), u.accountId()));
      send(ServerFrames.unsubscribed(u.stream(), u.accountId()));
    } else {
      send(ServerFrames.PONG);
    }
    return Future.succeededFuture();
  }

  private Future<Void> authenticate(String presented) {
    if (state == State.READY) {
      send(ServerFrames.BAD_REQUEST); // already authenticated; a socket never changes user
      return Future.succeededFuture();
    }
    return authenticator.authenticate("Bearer " + presented).<Void>map(p -> {
      if (state != State.AWAITING_AUTH) {
        return null;
      }
      if (p.mustResetPassword()) {
        ws.writeTextMessage(ServerFrames.error(ErrorCode.PASSWORD_RESET_REQUIRED.code()));
        close(ServerFrames.CLOSE_UNAUTHORIZED, "password reset required");
        return null;
      }
      vertx.cancelTimer(authTimer);
      principal = p;
      if (p.kind() == Principal.Kind.API_TOKEN) {
        apiTokenHash = Authenticator.apiTokenHash(presented).orElseThrow();
      } else {
        accessToken = presented;
      }
      state = State.READY;
      send(ServerFrames.ready(p.userId()));
      return null;
    }).recover(e -> {
      unauthorized();
      return Future.succeededFuture();
    });
  }

  private Future<Void> subscribe(Key key) {
    Sub sub = new Sub();
    Sub before = subs.put(key, sub);
    if (before == null) {
      hub.subscribe(this, key.stream(), key.accountId());
    }
    return snapshots.of(principal, key.stream(), key.accountId()).<Void>map(snap -> {
      if (subs.get(key) == sub && state == State.READY) {
        send(ServerFrames.subscribed(key.stream(), key.accountId(), snap.state(), snap.seq()));
        release(sub, snap.seq());
      }
      return null;
    }).recover(e -> {
      if (subs.get(key) == sub) {
        drop(key);
        send(refusal(e, key));
      }
      return Future.succeededFuture();
    });
  }

  private static String refusal(Throwable e, Key key) {
    ErrorCode code = e instanceof KeywayException k ? k.code() : ErrorCode.UNAVAILABLE;
    if (code == ErrorCode.INTERNAL || code.status() >= 500) {
      LOG.warn("A {} subscription could not start: {}", key.stream().wire(), e.toString());
      code = ErrorCode.UNAVAILABLE;
    }
    return key.accountId() == null ? ServerFrames.error(code.code(), key.stream())
        : ServerFrames.error(code.code(), key.accountId());
  }

  private void drop(Key key) {
    if (subs.remove(key) != null) {
      hub.unsubscribe(this, key.stream(), key.accountId());
    }
  }

  // ---- pushes

  /** An event this socket's subscriptions let through (the hub's fan-out decided who). */
  void push(Stream stream, UUID accountId, long seq, String frame) {
    if (state != State.READY) {
      return;
    }
    Sub sub = principal.isAdmin() ? subs.get(new Key(Stream.TENANT, null)) : null; // only admins see the tenant
    if (sub == null) {
      sub = subs.get(new Key(stream, accountId));
    }
    if (sub == null) {
      return;
    }
    if (sub.holding) {
      if (sub.held.size() >= settings.outboxCapacity()) {
        slowConsumer();
      } else {
        sub.held.add(new Held(stream, accountId, seq, frame));
      }
      return;
    }
    sub.lastSeq = Math.max(sub.lastSeq, seq);
    deliver(stream, accountId, frame);
  }

  private void release(Sub sub, long afterSeq) {
    sub.holding = false;
    sub.lastSeq = Math.max(sub.lastSeq, afterSeq);
    List<Held> held = new ArrayList<>(sub.held);
    sub.held.clear();
    for (Held h : held) {
      if (h.seq() > afterSeq && state == State.READY) {
        sub.lastSeq = Math.max(sub.lastSeq, h.seq());
        deliver(h.stream(), h.accountId(), h.frame());
      }
    }
  }

  private void deliver(Stream stream, UUID accountId, String frame) {
    if (outbox.isEmpty() && !ws.writeQueueFull()) {
      write(frame);
      return;
    }
    Outbox.Offer offer = stream == Stream.BALANCE
        ? outbox.offerLatest(accountId.toString(), frame)
        : outbox.offerInOrder(frame);
    switch (offer) {
      case CONFLATED -> metrics.conflated.increment();
      case OVERFLOW -> slowConsumer();
      case QUEUED -> { }
    }
  }

  /** An answer to the client: in order with the pushes, never skipped. */
  private void send(String frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (outbox.isEmpty() && !ws.writeQueueFull()) {
      write(frame);
    } else if (outbox.offerInOrder(frame) == Outbox.Offer.OVERFLOW) {
      slowConsumer();
    }
  }

  private void flush() {
    while (!outbox.isEmpty() && !ws.writeQueueFull() && state != State.CLOSED) {
      write(outbox.poll());
    }
  }

  private void write(String frame) {
    ws.writeTextMessage(frame);
    metrics.sentOne();
  }

  private void slowConsumer() {
    if (state == State.CLOSED) {
      return;
    }
    metrics.slowConsumers.increment();
    metrics.dropped.increment(outbox.clear());
    ws.writeTextMessage(ServerFrames.SLOW_CONSUMER);
    close(ServerFrames.CLOSE_TRY_LATER, "too slow for order events; resync over REST");
  }

  // ---- re-checks on identity and account changes

  /** Whether this socket authenticated with the API token of this hash. */
  boolean holdsApiToken(String tokenHashHex) {
    return apiTokenHash != null && apiTokenHash.equals(tokenHashHex);
  }

  /** Its API token was revoked: nothing to look up, it closes. */
  void apiTokenRevoked() {
    if (state == State.READY) {
      unauthorized();
    }
  }

  /** The user, session or token behind this socket changed: authenticate again, re-filter or close. */
  void recheckIdentity() {
    if (state != State.READY) {
      return;
    }
    metrics.identityRechecks.increment();
    Future<Principal> again = apiTokenHash != null
        ? authenticator.authenticateApiToken(principal.tenantId(), apiTokenHash)
        : authenticator.authenticate("Bearer " + accessToken);
    again.onComplete(ar -> {
      if (state != State.READY) {
        return;
      }
      if (ar.failed() || ar.result().mustResetPassword()) {
        unauthorized();
        return;
      }
      boolean wasAdmin = principal.isAdmin();
      principal = ar.result();
      if (wasAdmin && !principal.isAdmin()) {
        if (subs.containsKey(new Key(Stream.TENANT, null))) {
          drop(new Key(Stream.TENANT, null));
          send(ServerFrames.error(ErrorCode.FORBIDDEN.code(), Stream.TENANT));
        }
        subs.keySet().stream().map(Key::accountId).distinct().toList().forEach(this::recheckAccount);
      }
    });
  }

  /** The account changed (its owner, maybe): hold its pushes until the caller is known to still see it. */
  void recheckAccount(UUID accountId) {
    if (state != State.READY || principal.isAdmin()) {
      return;
    }
    List<Key> keys = subs.keySet().stream().filter(k -> accountId.equals(k.accountId())).toList();
    if (keys.isEmpty()) {
      return;
    }
    keys.forEach(k -> subs.get(k).holding = true);
    snapshots.stillVisible(principal, accountId).onComplete(ar -> {
      for (Key k : keys) {
        Sub sub = subs.get(k);
        if (sub == null || state != State.READY) {
          continue;
        }
        if (ar.succeeded() && ar.result()) {
          release(sub, sub.lastSeq);
        } else {
          drop(k);
          send(ar.succeeded() ? ServerFrames.error(ErrorCode.NOT_FOUND.code(), accountId)
              : ServerFrames.error(ErrorCode.UNAVAILABLE.code(), accountId));
        }
      }
    });
  }

  // ---- heartbeat, closing

  /** Called by the hub's clock: pings, and closes a socket silent for too long. */
  void tick(long nowNanos) {
    if (state == State.CLOSED) {
      return;
    }
    if (hub.heartbeat().silent(lastInboundNanos, nowNanos)) {
      close(ServerFrames.CLOSE_GOING_AWAY, "idle");
    } else if (hub.heartbeat().pingDue(lastPingNanos, nowNanos)) {
      lastPingNanos = nowNanos;
      ws.writePing(Buffer.buffer("hb"));
    }
  }

  private void unauthorized() {
    if (state != State.CLOSED) {
      ws.writeTextMessage(ServerFrames.UNAUTHORIZED); // ahead of anything still waiting: the socket ends here
    }
    close(ServerFrames.CLOSE_UNAUTHORIZED, "unauthorized");
  }

  void close(short code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    closed();
    ws.close(code, reason);
  }

  private void closed() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    vertx.cancelTimer(authTimer);
    metrics.closed.increment();
    metrics.dropped.increment(outbox.clear());
    new ArrayList<>(subs.keySet()).forEach(this::drop);
    hub.remove(this);
  }
}
