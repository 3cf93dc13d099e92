// Admin pages: users, trading accounts (owner, strategy, risk, public, kill switch), capital
// flows, ledger verification, tenant theme with a live preview.
import * as api from './api.js';
import { h, field, select, table, notice, confirmDialog } from './dom.js';
import { applyColors } from './theme.js';

export function adminViews({ view, state, fail, reloadAccounts }) {
  async function users() {
    const list = await api.get('/api/users');
    const [emailF, email] = field('Email', { type: 'email', required: true });
    const [nameF, name] = field('Display name', { required: true });
    const [roleF, role] = select('Role', 'role', ['viewer', 'operator', 'admin'], 'viewer');
    const [passF, pass] = field('Initial password', { type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
    const form = h('form', { class: 'card', id: 'user-form' }, h('h2', { text: 'Add a user' }),
      h('div', { class: 'row' }, emailF, nameF, roleF, passF),
      h('p', { class: 'hint', text: 'They must change this password at first sign-in.' }),
      h('button', { type: 'submit', class: 'primary', text: 'Add user' }));
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      try {
        await api.post('/api/users', { email: email.value, displayName: name.value, role: role.value, password: pass.value, mustResetPassword: true });
        await users();
      } catch (e) { fail(e); }
    });
    view('Users', table('Users of this tenant', [['Email', u => u.email], ['Name', u => u.displayName], ['Role', u => u.role],
      ['Status', u => u.disabled ? 'disabled' : 'active'],
      ['Actions', u => h('button', { type: 'button', text: u.disabled ? 'Enable' : 'Disable', onclick: async () => {
        try { await api.patch('/api/users/' + u.id, { disabled: !u.disabled }); await users(); } catch (e) { fail(e); }
      } })]], list), form);
  }

  async function accounts() {
    await reloadAccounts();
    const people = await api.get('/api/users');
    const owner = id => (people.find(u => u.id === id) || { email: '—' }).email;
    const [nameF, name] = field('Name', { required: true });
    const [venueF, venue] = select('Venue', 'venue', ['sim', 'alpaca'], 'sim');
    const [kindF, kind] = select('Kind', 'kind', ['paper', 'live'], 'paper');
    const [ownerF, ownerSel] = select('Owner', 'owner', [['', 'none'], ...people.map(u => [u.id, u.email])], '');
    const [labelF, label] = field('Credential label', { pattern: '[a-z0-9_\\-]{1,64}' });
    const [stratF, strat] = field('Strategy (JSON)', { rows: 3 }, 'textarea');
    strat.value = JSON.stringify({ type: 'dca', params: { symbol: 'AAPL', notional: '50', everySeconds: 86400 } });
    const [maxF, maxOrder] = field('Max order USD', { value: '500', inputmode: 'decimal' });
    const [capF, cap] = field('Daily cap USD', { value: '2000', inputmode: 'decimal' });
    const [apprF, appr] = field('Approval over USD', { value: '0', inputmode: 'decimal' });
    const [liveF, allowLive] = field('Allow live', { type: 'checkbox' });
    const [pubF, isPublic] = field('Public', { type: 'checkbox' });
    const form = h('form', { class: 'card', id: 'account-form' }, h('h2', { text: 'Create a trading account' }),
      h('div', { class: 'row' }, nameF, venueF, kindF, ownerF, labelF), stratF,
      h('div', { class: 'row' }, maxF, capF, apprF, liveF, pubF), h('button', { type: 'submit', class: 'primary', text: 'Create account' }));
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      try {
        const body = { name: name.value, venue: venue.value, kind: kind.value, strategy: JSON.parse(strat.value),
          risk: { maxOrderUsd: maxOrder.value, dailyCapUsd: cap.value, allowLive: allowLive.checked, approvalOverUsd: appr.value },
          isPublic: isPublic.checked };
        if (ownerSel.value) body.ownerUserId = ownerSel.value;
        if (label.value) body.credentialLabel = label.value;
        await api.post('/api/accounts', body);
        await accounts();
      } catch (e) { fail(e instanceof SyntaxError ? new Error('Strategy is not valid JSON') : e); }
    });
    view('Accounts', table('Trading accounts', [['Name', a => a.name], ['Kind', a => h('span', { class: 'tag ' + a.kind, text: a.kind })],
      ['Venue', a => a.venue], ['Owner', a => owner(a.ownerUserId)], ['Status', a => a.status], ['Public', a => a.isPublic ? 'yes' : 'no'],
      ['Actions', a => h('span', { class: 'row' },
        h('button', { type: 'button', text: a.isPublic ? 'Make private' : 'Make public', onclick: async () => {
          try { await api.patch('/api/accounts/' + a.id, { isPublic: !a.isPublic }); await accounts(); } catch (e) { fail(e); }
        } }),
        a.status === 'halted'
          ? h('button', { type: 'button', text: 'Resume', onclick: async () => {
            try { await api.post('/api/accounts/' + a.id + '/mode', { status: 'active' }); await accounts(); } catch (e) { fail(e); }
          } })
          : h('button', { type: 'button', class: 'danger', text: 'Kill', onclick: () => kill(a) }))]], state.accounts), form);
  }

  async function kill(a) {
    if (!await confirmDialog('Kill switch', 'Halt "' + a.name + '" and cancel all its open orders?', 'Kill ' + a.name)) return;
    try { await api.post('/api/accounts/' + a.id + '/kill', { reason: 'kill switch from the dashboard' }); await accounts(); } catch (e) { fail(e); }
  }

  async function flows() {
    await reloadAccounts();
    const people = await api.get('/api/users');
    const [typeF, type] = select('Type', 'type', ['deposit', 'withdrawal', 'allocate', 'deallocate'], 'deposit');
    const [userF, user] = select('User', 'userId', people.map(u => [u.id, u.email]), people[0] && people[0].id);
    const [acctF, acct] = select('Account', 'accountId', [['', '—'], ...state.accounts.map(a => [a.id, a.name])], '');
    const [amtF, amount] = field('Amount', { required: true, inputmode: 'decimal', pattern: '[0-9]+(\\.[0-9]{1,8})?' });
    const [curF, currency] = field('Currency', { value: 'USD', required: true });
    const [noteF, note] = field('Note', {});
    const result = h('output', { id: 'flow-result', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'primary', text: 'Submit' });
    const form = h('form', { class: 'card', id: 'flow-form' }, h('div', { class: 'row' }, typeF, userF, acctF, amtF, curF, noteF), submit, result);
    // One key per submission: resubmitting the same form (double click, retry) credits once.
    let key = api.idempotencyKey();
    form.addEventListener('input', () => { key = api.idempotencyKey(); });
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      const body = { type: type.value, userId: user.value, amount: amount.value.trim(), currency: currency.value.trim() };
      if (acct.value) body.accountId = acct.value;
      if (note.value) body.note = note.value;
      submit.disabled = true;
      try {
        const r = await api.post('/api/capital-flows', body, { 'Idempotency-Key': key });
        result.textContent = 'Recorded entry ' + r.entryId;
      } catch (e) { fail(e); } finally { submit.disabled = false; }
    });
    view('Capital flows', form);
  }

  async function ledger() {
    const out = h('div', { id: 'verify-result', 'aria-live': 'polite' });
    const btn = h('button', { type: 'button', class: 'primary', id: 'verify', text: 'Verify the ledger' });
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const r = await api.get('/api/ledger/verify');
        out.replaceChildren(h('p', { class: r.ok ? 'ok' : 'error',
          text: r.ok ? 'Chain intact: ' + r.entries + ' entries, head #' + r.headSeq + ' (' + r.elapsedMs + ' ms)'
            : 'BROKEN at entry #' + r.firstBadSeq }), h('code', { text: 'head hash ' + (r.headHash || '—') }));
      } catch (e) { fail(e); } finally { btn.disabled = false; }
    });
    view('Ledger', h('section', { class: 'card' }, btn, out));
  }

  async function theme() {
    const t = await api.get('/api/account/tenant');
    const [dnF, dn] = field('Display name', { value: t.displayName || '' });
    const [logoF, logo] = field('Logo URL (https:// or /path)', { value: t.logoUrl || '' });
    const colorFields = ['primary', 'accent', 'bg', 'panel'].map(k => {
      const [f, input] = field('Colour: ' + k, { type: 'color', value: t.colors[k] });
      return [k, f, input];
    });
    const [cssF, css] = field('Custom CSS', { rows: 10, spellcheck: 'false' }, 'textarea');
    css.value = t.customCss || '';
    const preview = document.getElementById('tenant-preview') || document.head.appendChild(h('link', { rel: 'stylesheet', id: 'tenant-preview' }));
    let blobUrl = null;
    const showPreview = () => {
      // The draft is applied as a blob: stylesheet made here; CSP allows blob: for styles only.
      if (blobUrl) URL.revokeObjectURL(blobUrl);
      blobUrl = URL.createObjectURL(new Blob([css.value], { type: 'text/css' }));
      preview.href = blobUrl;
      applyColors(Object.fromEntries(colorFields.map(([k, , input]) => [k, input.value])));
    };
    const form = h('form', { class: 'card', id: 'theme-form' }, h('div', { class: 'row' }, dnF, logoF),
      h('div', { class: 'row' }, colorFields.map(c => c[1])), cssF,
      h('p', { class: 'hint', text: 'Changes preview live on this page; Save makes them the tenant\'s theme.' }),
      h('button', { type: 'submit', class: 'primary', text: 'Save theme' }));
    form.addEventListener('input', showPreview);
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      try {
        const colors = Object.fromEntries(colorFields.map(([k, , i]) => [k, i.value]));
        await api.post('/api/account/tenant', { displayName: dn.value, logoUrl: logo.value || null, colors, customCss: css.value });
        preview.removeAttribute('href');
        const link = document.getElementById('tenant-css');
        link.href = '/theme/' + state.me.tenant.id + '.css?v=' + Date.now();
        document.getElementById('tenant-name').textContent = dn.value || t.name;
        notice('Theme saved', 'ok');
      } catch (e) { fail(e); }
    });
    view('Theme', form);
  }

  return { '#/users': users, '#/accounts': accounts, '#/flows': flows, '#/ledger': ledger, '#/theme': theme };
}
