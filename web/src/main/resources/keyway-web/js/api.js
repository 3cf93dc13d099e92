// The public REST contract. The access token lives in this module's memory only; the refresh
// token never reaches script at all: /api/auth/session keeps it in an HttpOnly, SameSite=Strict
// cookie scoped to that path (docs/decisions/0014-dashboard.md).
const SESSION = '/api/auth/session';
let access = null;
let refreshing = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || ('HTTP ' + status));
    this.status = status;
    this.code = code;
  }
}

export function onSignedOut(fn) { listeners.add(fn); }
export function token() { return access; }
export function signedIn() { return access !== null; }

function forget() {
  const was = access !== null;
  access = null;
  if (was) listeners.forEach(fn => fn());
}

function send(method, path, body, headers = {}) {
  const h = { 'Accept': 'application/json', ...headers };
  if (access) h['Authorization'] = 'Bearer ' + access;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  return fetch(path, {
    method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin', cache: 'no-store',
  });
}

async function read(r) {
  if (r.status === 204) return null;
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) {
    const e = json && json.error ? json.error : {};
    throw new ApiError(r.status, e.code, e.message);
  }
  return json;
}

// Trades the cookie for a fresh access token; concurrent callers share one refresh, since the
// cookie's refresh token is single-use.
export function resume() {
  if (!refreshing) {
    refreshing = fetch(SESSION + '/refresh', { method: 'POST', headers: { 'X-Keyway-Session': '1' }, credentials: 'same-origin' })
      .then(read)
      .then(pair => { access = pair.accessToken; return pair; })
      .catch(() => null)
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

export async function call(method, path, body, headers) {
  let r = await send(method, path, body, headers);
  if (r.status === 401 && access && await resume()) {
    r = await send(method, path, body, headers);
  }
  if (r.status === 401) forget();
  return read(r);
}

export const get = path => call('GET', path);
export const post = (path, body, headers) => call('POST', path, body ?? {}, headers);
export const patch = (path, body) => call('PATCH', path, body);
export const del = path => call('DELETE', path);

export async function login(email, password) {
  const pair = await read(await send('POST', SESSION, { email, password }));
  access = pair.accessToken;
  return pair;
}

export async function logout() {
  // through call(): an expired access token is refreshed first, so the session really ends
  try { if (access) await call('DELETE', SESSION); } catch (e) { /* signed out below either way */ }
  forget();
}

// One idempotency key per submitted form: a double click resends the same key.
export function idempotencyKey() {
  return crypto.randomUUID();
}
