// The baseline of the WebSocket benchmark: a minimal Node.js `ws` server speaking the same frames as
// Keyway's /ws (auth first, subscribe to an account it owns, balance pushes) with the same
// tenant-filtered fan-out (one emitter per tenant, an index of subscribers by account) and the same
// publisher pattern as the Java run. No database: tokens and owners come from a JSON file.
//
// usage: node server.js SETUP.json RATE_PER_SECOND
// SETUP.json: {"tokens": {"<token>": {"userId", "tenantId"}}, "accounts": {"<accountId>": {"tenantId", "ownerId"}}}
// prints "port <n>" once listening, publishes after a line "go" on stdin, ends when stdin closes.
'use strict';
const fs = require('fs');
const { EventEmitter } = require('events');
const { WebSocketServer } = require('ws');

const setup = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const rate = Number(process.argv[3]);
const tenants = new Map(); // tenantId -> {bus, byAccount: Map<accountId, Set<ws>>}

function tenant(id) {
  let t = tenants.get(id);
  if (!t) {
    t = { bus: new EventEmitter(), byAccount: new Map() };
    t.bus.on('event', (e) => {
      const subs = t.byAccount.get(e.accountId);
      if (!subs) return;
      const frame = JSON.stringify(e);
      for (const ws of subs) {
        if (ws.bufferedAmount < 1 << 20) ws.send(frame);
      }
    });
    tenants.set(id, t);
  }
  return t;
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024, perMessageDeflate: false });
wss.on('connection', (ws) => {
  let user = null;
  const subscribed = [];
  const timer = setTimeout(() => { if (!user) ws.close(4401); }, 5000);
  ws.on('message', (data) => {
    let f;
    try { f = JSON.parse(data); } catch (e) { ws.send('{"type":"error","code":"bad_request"}'); return; }
    if (!user) {
      const u = f.op === 'auth' && setup.tokens[f.token];
      if (!u) { ws.send('{"type":"error","code":"unauthorized"}'); ws.close(4401); return; }
      user = u;
      clearTimeout(timer);
      ws.send(JSON.stringify({ type: 'ready', userId: u.userId }));
    } else if (f.op === 'subscribe') {
      const a = setup.accounts[f.accountId];
      if (!a || a.tenantId !== user.tenantId || a.ownerId !== user.userId) {
        ws.send(JSON.stringify({ type: 'error', code: 'not_found', accountId: f.accountId }));
        return;
      }
      const t = tenant(a.tenantId);
      let set = t.byAccount.get(f.accountId);
      if (!set) t.byAccount.set(f.accountId, (set = new Set()));
      set.add(ws);
      subscribed.push(set);
      ws.send(JSON.stringify({ type: 'subscribed', stream: 'balance', accountId: f.accountId, snapshot: {}, seq: 0 }));
    } else if (f.op === 'ping') {
      ws.send('{"type":"pong"}');
    }
  });
  ws.on('close', () => { clearTimeout(timer); for (const s of subscribed) s.delete(ws); });
});

// the publisher: RATE events a second, round-robin over the accounts, each stamped with the monotonic time it was due
// (process.hrtime is CLOCK_MONOTONIC, as Java's System.nanoTime, so a client in another process compares)
const accounts = Object.entries(setup.accounts).map(([id, a]) => ({ id, tenantId: a.tenantId }));
let next = 0;
let seq = 0;
let published = 0;
const TICK_MS = Number(process.argv[4] || 10); // the publisher's tick, as WsBench's
function publish() {
  const started = process.hrtime.bigint();
  setInterval(() => {
    // catch up with the clock, so timer drift does not lower the rate, but never in a burst above 50 ms worth
    const due = Math.floor(rate * Number(process.hrtime.bigint() - started) / 1e9);
    const n = due - Math.max(published, due - Math.floor(rate / 20));
    published = due;
    for (let i = 0; i < n && accounts.length; i++) {
      const a = accounts[next];
      next = (next + 1) % accounts.length;
      // stamped with when it was due, as WsBench.dueNanos: not when it is made, which on this one thread comes
      // after the tick's earlier events were sent
      const k = BigInt(due - n + i);
      tenant(a.tenantId).bus.emit('event', { type: 'balance', accountId: a.id, seq: ++seq, cash: '1000.00',
        equity: '1000.00', asOf: new Date().toISOString(), t: (started + k * 1000000000n / BigInt(rate)).toString() });
    }
  }, TICK_MS);
}

wss.on('listening', () => console.log('port ' + wss.address().port));
// the publisher starts on a line "go" (once every client is subscribed); the server ends with stdin
process.stdin.on('data', (d) => { if (String(d).includes('go') && !publish.started) { publish.started = true; publish(); } });
process.stdin.on('end', () => process.exit(0));
