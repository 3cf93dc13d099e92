// The /ws stream (API.md "WebSocket"): auth as the first frame, subscriptions replayed after
// every reconnect (exponential backoff with jitter), and a REST resync after slow_consumer.
import { token } from './api.js';

export class LiveStream {
  constructor({ onBalance, onOrder, onState, onResync }) {
    this.handlers = { onBalance, onOrder, onState, onResync };
    this.subs = new Map(); // "stream:accountId" -> {stream, accountId}
    this.attempt = 0;
    this.closed = false;
    this.ws = null;
    this.timer = null;
  }

  start() {
    this.closed = false;
    this.connect();
  }

  stop() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.state('offline');
  }

  subscribe(stream, accountId) {
    this.subs.set(stream + ':' + accountId, { stream, accountId });
    this.sendIfReady({ op: 'subscribe', stream, accountId });
  }

  unsubscribeAll() {
    for (const s of this.subs.values()) this.sendIfReady({ op: 'unsubscribe', stream: s.stream, accountId: s.accountId });
    this.subs.clear();
  }

  state(s) {
    this.current = s;
    if (this.handlers.onState) this.handlers.onState(s);
  }

  sendIfReady(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.ready) this.ws.send(JSON.stringify(frame));
  }

  connect() {
    if (this.closed || !token()) return;
    this.ready = false;
    this.state('connecting');
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ op: 'auth', token: token() }));
    ws.onmessage = ev => this.frame(JSON.parse(ev.data));
    ws.onclose = ev => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      if (this.closed) return;
      this.state('reconnecting');
      if (ev.code === 1013 && this.handlers.onResync) this.handlers.onResync();
      const delay = Math.min(30000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
      this.attempt++;
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  frame(f) {
    switch (f.type) {
      case 'ready':
        this.ready = true;
        this.attempt = 0;
        this.state('live');
        for (const s of this.subs.values()) this.ws.send(JSON.stringify({ op: 'subscribe', ...s }));
        break;
      case 'subscribed':
        if (f.stream === 'balance' && f.snapshot && this.handlers.onBalance) {
          this.handlers.onBalance({ accountId: f.accountId, seq: f.seq, ...f.snapshot });
        }
        break;
      case 'balance':
        if (this.handlers.onBalance) this.handlers.onBalance(f);
        break;
      case 'order':
        if (this.handlers.onOrder) this.handlers.onOrder(f);
        break;
      case 'error':
        if (f.code === 'slow_consumer' && this.handlers.onResync) this.handlers.onResync();
        break;
      default:
        break;
    }
  }
}
