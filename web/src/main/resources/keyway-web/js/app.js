import * as api from './api.js';
import { h, field, select, table, notice, confirmDialog } from './dom.js';
import { LiveStream } from './live.js';
import { adminViews } from './admin.js';
import { applyColors } from './theme.js';

const main = document.getElementById('main');
const state = { me: null, accounts: [], accountId: null, balances: new Map(), chart: null };

const live = new LiveStream({
  onBalance: b => { state.balances.set(b.accountId, b); if (b.accountId === state.accountId) showBalance(b); },
  onOrder: o => { if (o.accountId === state.accountId && location.hash.startsWith('#/overview')) refreshAccount().catch(fail); },
  onState: s => { const el = document.getElementById('live-state'); if (el) el.textContent = s; },
  onResync: () => { if (state.accountId) loadBalance(state.accountId); },
});

api.onSignedOut(() => {
  live.stop();
  state.me = null;
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  setBanner(null);
  location.hash = '#/login';
  route();
});

function fail(e) { notice(e.message || String(e)); }

function view(title, ...children) {
  main.replaceChildren(h('h1', { text: title }), ...children);
  main.focus({ preventScroll: true });
  notice('');
}

// ---- sign-in and the forced password change ----
function renderLogin() {
  const [emailF, email] = field('Email', { type: 'email', autocomplete: 'username', required: true });
  const [passF, pass] = field('Password', { type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card narrow', id: 'login-form' }, emailF, passF,
    h('button', { type: 'submit', class: 'primary', text: 'Sign in' }));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      const pair = await api.login(email.value.trim(), pass.value);
      pass.value = '';
      if (pair.mustResetPassword) { location.hash = '#/password'; route(); } else await afterSignIn();
    } catch (e) { fail(e.status === 401 ? new Error('Wrong email or password') : e); }
  });
  view('Sign in', form);
}

function renderPassword() {
  const [curF, cur] = field('Current password', { type: 'password', autocomplete: 'current-password', required: true });
  const [nextF, next] = field('New password', { type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
  const form = h('form', { class: 'card narrow', id: 'password-form' },
    h('p', { text: 'You must choose a new password before you continue.' }), curF, nextF,
    h('button', { type: 'submit', class: 'primary', text: 'Change password' }));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      await api.post('/api/auth/password', { currentPassword: cur.value, newPassword: next.value });
      cur.value = '';
      next.value = '';
      // This session survives the change; a fresh access token no longer carries the reset flag.
      await api.resume();
      await afterSignIn();
    } catch (e) { fail(e); }
  });
  view('Change your password', form);
}

async function afterSignIn() {
  state.me = await api.get('/api/account/me');
  document.getElementById('who').textContent = state.me.displayName + ' (' + state.me.role + ')';
  document.getElementById('logout').hidden = false;
  await applyTheme();
  state.accounts = await api.get('/api/accounts');
  if (!state.accountId && state.accounts.length) state.accountId = state.accounts[0].id;
  buildNav();
  live.start();
  const target = views[location.hash] ? location.hash : '#/overview';
  if (location.hash !== target) location.hash = target; // the hashchange renders it
  else route();
}

async function applyTheme() {
  const t = await api.get('/api/account/tenant').catch(() => null);
  if (!t) return;
  document.getElementById('tenant-name').textContent = t.displayName || t.name;
  const logo = document.getElementById('logo');
  if (t.logoUrl) { logo.src = t.logoUrl; logo.alt = (t.displayName || t.name) + ' logo'; logo.hidden = false; } else logo.hidden = true;
  applyColors(t.colors);
  const link = document.getElementById('tenant-css');
  link.href = '/theme/' + state.me.tenant.id + '.css?v=' + Date.now();
  link.disabled = false;
}

function buildNav() {
  const role = state.me.role;
  const items = [['#/overview', 'Overview'], ['#/keys', 'Keys']];
  if (role === 'operator' || role === 'admin') items.push(['#/approvals', 'Approvals']);
  if (role === 'admin') items.push(['#/users', 'Users'], ['#/accounts', 'Accounts'], ['#/flows', 'Capital flows'],
    ['#/ledger', 'Ledger'], ['#/theme', 'Theme']);
  const nav = document.getElementById('nav');
  nav.replaceChildren(h('ul', {}, items.map(([href, text]) => h('li', {}, h('a', { href, text })))));
  nav.hidden = false;
}

// ---- the paper/live banner ----
function setBanner(account) {
  const b = document.getElementById('mode-banner');
  if (!account) { b.hidden = true; document.body.classList.remove('live'); return; }
  const isLive = account.kind === 'live';
  b.hidden = false;
  b.className = isLive ? 'banner live' : 'banner paper';
  b.textContent = isLive ? 'LIVE TRADING — real money: ' + account.name : 'Paper trading — simulated: ' + account.name;
  document.body.classList.toggle('live', isLive);
}

function currentAccount() { return state.accounts.find(a => a.id === state.accountId) || null; }

// ---- overview: selector, balance, equity chart, positions, orders, ticket ----
async function renderOverview() {
  if (!state.accounts.length) { setBanner(null); view('Overview', h('p', { text: 'No trading account is visible to you yet.' })); return; }
  const [selF, sel] = select('Account', 'account', state.accounts.map(a => [a.id, a.name + ' (' + a.kind + ')']), state.accountId);
  sel.id = 'account-select';
  sel.addEventListener('change', () => { state.accountId = sel.value; renderOverview(); });
  const balance = h('section', { class: 'card', 'aria-labelledby': 'bal-h' },
    h('h2', { id: 'bal-h', text: 'Balance' }),
    h('dl', { class: 'figures' },
      h('div', {}, h('dt', { text: 'Equity' }), h('dd', { id: 'balance-equity', text: '…' })),
      h('div', {}, h('dt', { text: 'Cash' }), h('dd', { id: 'balance-cash', text: '…' })),
      h('div', {}, h('dt', { text: 'Stream' }), h('dd', { id: 'live-state', text: live.current || 'offline' }))),
    h('div', { class: 'chart' }, h('canvas', { id: 'equity-chart', role: 'img', 'aria-label': 'Equity over time' })));
  if (state.chart) { state.chart.destroy(); state.chart = null; }
  const positions = h('section', { class: 'card', id: 'positions' });
  const orders = h('section', { class: 'card', id: 'orders' });
  view('Overview', selF, balance, orderTicket(), positions, orders);
  const account = currentAccount();
  setBanner(account);
  live.unsubscribeAll();
  live.subscribe('balance', account.id);
  live.subscribe('orders', account.id);
  await Promise.all([loadBalance(account.id), loadChart(account.id), loadPositions(account.id), refreshOrders()]).catch(fail);
}

// After an order (ours or a pushed one): its history, the positions it changed, the cash it used.
function refreshAccount() {
  const id = state.accountId;
  return Promise.all([refreshOrders(), loadPositions(id), loadBalance(id)]);
}

async function loadBalance(id) {
  const b = await api.get('/api/accounts/' + id + '/balance');
  const known = state.balances.get(id);
  if (!known || !(known.seq > b.seq)) { state.balances.set(id, b); showBalance(b); }
}

function showBalance(b) {
  const eq = document.getElementById('balance-equity');
  if (!eq) return;
  eq.textContent = b.equity;
  document.getElementById('balance-cash').textContent = b.cash;
  if (state.chart && b.asOf) {
    state.chart.data.labels.push(new Date(b.asOf).toLocaleTimeString());
    state.chart.data.datasets[0].data.push(Number(b.equity));
    state.chart.update('none');
  }
}

async function loadChart(id) {
  const points = await api.get('/api/accounts/' + id + '/equity?points=365');
  if (state.chart) state.chart.destroy();
  state.chart = null;
  const canvas = document.getElementById('equity-chart');
  if (!canvas || !window.Chart) return;
  const primary = getComputedStyle(document.documentElement).getPropertyValue('--primary').trim() || '#1f5fbf';
  state.chart = new window.Chart(canvas, {
    type: 'line',
    data: { labels: points.map(p => new Date(p.t).toLocaleString()),
      datasets: [{ label: 'Equity', data: points.map(p => Number(p.equity)), borderColor: primary, pointRadius: 0, tension: 0.2 }] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
}

async function loadPositions(id) {
  const rows = await api.get('/api/accounts/' + id + '/positions');
  document.getElementById('positions').replaceChildren(h('h2', { text: 'Positions' }),
    table('Open positions', [['Symbol', r => r.symbol], ['Quantity', r => r.qty], ['Average price', r => r.avgPrice],
      ['Market value', r => r.marketValue]], rows));
}

const orderFilter = { status: '', from: '', to: '' };

async function refreshOrders() {
  const box = document.getElementById('orders');
  if (!box || !state.accountId) return;
  const q = new URLSearchParams({ limit: '50' });
  if (orderFilter.status) q.set('status', orderFilter.status);
  if (orderFilter.from) q.set('from', new Date(orderFilter.from).toISOString());
  if (orderFilter.to) q.set('to', new Date(orderFilter.to).toISOString());
  const page = await api.get('/api/accounts/' + state.accountId + '/orders?' + q);
  const [stF, st] = select('Status', 'status', [['', 'any'], 'awaiting_approval', 'pending', 'accepted', 'partially_filled',
    'filled', 'canceled', 'rejected', 'expired'], orderFilter.status);
  const [fromF, from] = field('From', { type: 'datetime-local', value: orderFilter.from });
  const [toF, to] = field('To', { type: 'datetime-local', value: orderFilter.to });
  const filters = h('form', { class: 'row filters', id: 'order-filter', 'aria-label': 'Filter orders' }, stF, fromF, toF, h('button', { type: 'submit', text: 'Filter' }));
  filters.addEventListener('submit', ev => {
    ev.preventDefault();
    Object.assign(orderFilter, { status: st.value, from: from.value, to: to.value });
    refreshOrders().catch(fail);
  });
  box.replaceChildren(h('h2', { text: 'Orders' }), filters,
    table('Order history', [['Created', r => new Date(r.createdAt).toLocaleString()], ['Symbol', r => r.symbol],
      ['Side', r => r.side], ['Qty', r => r.qty], ['Type', r => r.type], ['Status', r => r.status],
      ['Filled', r => r.filledQty], ['Avg fill', r => r.avgFillPrice]], page.items));
}

function orderTicket() {
  const [symF, sym] = field('Symbol', { required: true, pattern: '[A-Za-z0-9./-]{1,16}', autocomplete: 'off' });
  const [sideF, side] = select('Side', 'side', ['buy', 'sell'], 'buy');
  const [qtyF, qty] = field('Quantity', { inputmode: 'decimal', required: true });
  const [typeF, type] = select('Type', 'type', ['market', 'limit'], 'market');
  const [limF, lim] = field('Limit price', { inputmode: 'decimal' });
  const form = h('form', { class: 'card', id: 'order-ticket', 'aria-labelledby': 'ticket-h' },
    h('h2', { id: 'ticket-h', text: 'Order ticket' }), h('div', { class: 'row' }, symF, sideF, qtyF, typeF, limF),
    h('button', { type: 'submit', class: 'primary', text: 'Place order' }));
  let key = api.idempotencyKey();
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const account = currentAccount();
    const body = { symbol: sym.value.trim().toUpperCase(), side: side.value, qty: qty.value.trim(), type: type.value };
    if (type.value === 'limit') body.limitPrice = lim.value.trim();
    if (account.kind === 'live') {
      const ok = await confirmDialog('Place a LIVE order?', 'This order uses real money on the live account "'
        + account.name + '": ' + body.side + ' ' + body.qty + ' ' + body.symbol + '.', 'Place live order on ' + account.name);
      if (!ok) return;
      body.confirmLive = true;
    }
    try {
      const o = await api.post('/api/accounts/' + account.id + '/orders', body, { 'Idempotency-Key': key });
      key = api.idempotencyKey();
      notice('Order ' + o.status + ': ' + o.side + ' ' + o.qty + ' ' + o.symbol, 'ok');
      refreshAccount().catch(fail);
    } catch (e) { fail(e); }
  });
  return form;
}

// ---- keys ----
async function renderKeys() {
  const keys = await api.get('/api/account/keys');
  const rows = table('Linked keys', [['Provider', k => k.provider], ['Label', k => k.label],
    ['Key', k => h('code', { class: 'masked', text: k.masked })], ['Status', k => k.status],
    ['Linked', k => new Date(k.linkedAt).toLocaleString()],
    ['Actions', k => h('span', { class: 'row' },
      h('button', { type: 'button', text: 'Test', onclick: () => testKey(k) }),
      h('button', { type: 'button', text: 'Rotate', onclick: () => { prov.value = k.provider; label.value = k.label; keyId.focus(); } }),
      h('button', { type: 'button', class: 'danger', text: 'Unlink', onclick: () => unlinkKey(k) }))]], keys);
  const [provF, prov] = select('Provider', 'provider', ['alpaca', 'binance', 'coinbase', 'kraken', 'okx'], 'alpaca');
  const [labelF, label] = field('Label', { required: true, pattern: '[a-z0-9_\\-]{1,64}', autocomplete: 'off' });
  const [idF, keyId] = field('Key id', { required: true, autocomplete: 'off' });
  const [secF, secret] = field('Secret (write-only)', { type: 'password', required: true, autocomplete: 'new-password' });
  const form = h('form', { class: 'card', id: 'key-form' }, h('h2', { text: 'Add or rotate a key' }),
    h('p', { class: 'hint', text: 'Same provider and label replaces the old key. The secret is never shown again.' }),
    h('div', { class: 'row' }, provF, labelF, idF, secF), h('button', { type: 'submit', class: 'primary', text: 'Save key' }));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      await api.post('/api/account/keys', { provider: prov.value, label: label.value, keyId: keyId.value, secret: secret.value });
      secret.value = '';
      keyId.value = '';
      await renderKeys();
      notice('Key saved', 'ok');
    } catch (e) { secret.value = ''; fail(e); }
  });
  view('Keys', rows, form);
}

async function testKey(k) {
  try {
    const r = await api.post('/api/account/keys/' + k.id + '/test', {});
    notice((r.ok ? 'Key works: ' : 'Key refused: ') + r.detail, r.ok ? 'ok' : 'error');
  } catch (e) { fail(e); }
}

async function unlinkKey(k) {
  if (!await confirmDialog('Unlink key?', 'Unlink ' + k.provider + ' key "' + k.label + '" (' + k.masked + ')? It stops working at once.', 'Unlink')) return;
  try { await api.del('/api/account/keys/' + k.id); await renderKeys(); } catch (e) { fail(e); }
}

// ---- approvals (operators) ----
async function renderApprovals() {
  const list = await api.get('/api/approvals?status=pending');
  const name = id => (state.accounts.find(a => a.id === id) || { name: id }).name;
  view('Approvals', table('Orders awaiting approval', [['Account', r => name(r.accountId)],
    ['Order', r => r.order.side + ' ' + r.order.qty + ' ' + r.order.symbol], ['Reason', r => r.reason],
    ['Expires', r => new Date(r.expiresAt).toLocaleString()],
    ['Decision', r => h('span', { class: 'row' },
      h('button', { type: 'button', class: 'primary', text: 'Approve', onclick: () => decide(r, 'approve') }),
      h('button', { type: 'button', class: 'danger', text: 'Reject', onclick: () => decide(r, 'reject') }))]], list));
}

async function decide(r, verb) {
  try {
    await api.post('/api/approvals/' + r.id + '/' + verb, verb === 'reject' ? { reason: 'rejected from the dashboard' } : {});
    await renderApprovals();
  } catch (e) { fail(e); }
}

// ---- routing ----
const views = {
  '#/overview': renderOverview, '#/keys': renderKeys, '#/approvals': renderApprovals,
  ...adminViews({ view, state, fail, reloadAccounts: async () => { state.accounts = await api.get('/api/accounts'); } }),
};

async function route() {
  const hash = location.hash || '#/overview';
  if (!api.signedIn()) { setBanner(null); return renderLogin(); }
  if (hash === '#/password') return renderPassword();
  if (hash !== '#/overview') setBanner(null);
  try {
    await (views[hash] || renderOverview)();
  } catch (e) {
    if (e.code === 'password_reset_required') { location.hash = '#/password'; return renderPassword(); }
    fail(e);
  }
  document.querySelectorAll('#nav a').forEach(a => a.toggleAttribute('aria-current', a.getAttribute('href') === hash));
}

document.getElementById('logout').addEventListener('click', () => api.logout());
window.addEventListener('hashchange', () => { if (api.signedIn() && location.hash !== '#/password') route(); });
// A reload keeps the session: the HttpOnly cookie is traded for a new access token.
api.resume().then(pair => {
  if (!pair) return route();
  if (pair.mustResetPassword) { location.hash = '#/password'; return route(); }
  return afterSignIn();
}).catch(fail);
