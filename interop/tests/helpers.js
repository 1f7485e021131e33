// Shared helpers for the Gantry interop suite: the official @heroiclabs/nakama-js 2.8.0
// client (plus @heroiclabs/nakama-js-protobuf) run under Node 20 against a live server.
//
// How nakama-js 2.8.0 behaves under Node 20 (read from node_modules/@heroiclabs/nakama-js/dist,
// which bundles its dependencies: whatwg-fetch, js-base64, base64-arraybuffer):
//
// * WebSocket: both adapters call `new WebSocket(url)` and test `readyState == WebSocket.OPEN`
//   against the *global* WebSocket. Node 20 has none, so we install the `ws` class as
//   globalThis.WebSocket (it supports onopen/onmessage/onerror/onclose and
//   binaryType = "arraybuffer", which the protobuf adapter sets).
// * fetch: the bundled whatwg-fetch polyfill installs itself only `if (!global.fetch)`, so under
//   Node 20 the native fetch (undici) is used. Every REST call is
//   `Promise.race([fetch(...), setTimeout(reject, timeoutMs, "Request timed out.")])`: a non-2xx
//   answer rejects with the fetch *Response* itself (so `err.status` is the HTTP status and
//   `await err.json()` the error body), 204 resolves with the Response, other 2xx with the JSON.
//   The race timer is never cleared, so it keeps the process alive for `timeoutMs`; we pass
//   a short client timeout. URLs are built as `path?k=v&` (always a trailing `?` or `&`, and
//   null/undefined params are dropped: `create`/`username` only when given).
// * Server key: `Authorization: Basic ` + js-base64 `encode(serverkey + ":")` (UTF-8, standard
//   alphabet) on authenticate*/sessionRefresh; other calls send `Bearer <token>`.
// * JWT decoding (Session.update): `JSON.parse(atob(tidy(part[1])))` where js-base64's `atob`
//   is the native atob applied after `tidy = s.replace(/[^A-Za-z0-9+/]/g, "")`. Consequences:
//   - base64url characters `-` and `_` (and `=`) are silently DROPPED, so a payload that
//     needs them decodes to garbage or throws: the server must use the standard alphabet
//     (`+` `/`); padding is optional.
//   - atob returns a Latin-1 "binary string", not UTF-8: raw UTF-8 bytes in the payload come
//     out as mojibake. The payload JSON must be ASCII-only (non-ASCII as \uXXXX escapes).
//   Claims read: exp -> expires_at, usn -> username, uid -> user_id, vrs -> vars; the refresh
//   token's exp -> refresh_expires_at. Throws "jwt is not valid." unless there are 3 parts.
// * Auto refresh: Client(serverkey, host, port, useSSL, timeout = 7000,
//   autoRefreshSession = true). Before most session calls, if autoRefreshSession and
//   session.isexpired((Date.now() + client.expiredTimespanMs) / 1000), it first calls
//   sessionRefresh(session), which mutates the Session in place. expiredTimespanMs defaults to
//   5 minutes, so with a 60 s token EVERY call refreshes first. Tests therefore use
//   autoRefreshSession = false unless they test refreshing. sessionRefresh console.warns when
//   the token lifetime is < 70 s or refresh lifetime < 3700 s (harmless).
// * Socket: client.createSocket(useSSL = false, verbose = false,
//   adapter = new WebSocketAdapterText(), sendTimeoutMs) -> DefaultSocket.
//   socket.connect(session, createStatus = false, connectTimeoutMs = 30000) opens
//     text adapter: ws://host:port/ws?lang=en&status=<true|false>&token=<urlencoded jwt>
//                   (NO `format` parameter: the server must default to JSON)
//     protobuf:     the same + `&format=protobuf`, binaryType = "arraybuffer"; it sends binary
//                   frames (rtapi Envelope) and decodes every incoming frame as a binary
//                   Envelope: a text frame decodes to an empty envelope and is ignored, so the
//                   server must answer protobuf sockets with binary frames only.
//   The connect promise resolves on open and rejects with the ws ErrorEvent on error (ws puts
//   "Unexpected server response: 401" in evt.message when the upgrade is refused); its
//   timeout timer is never cleared.
// * Ping: DefaultSocket has NO public ping() in 2.8.0. On open it starts a private heartbeat
//   `pingPong()`: send({ping: {}}) with a cid, wait up to heartbeatTimeoutMs (default 10 s,
//   setHeartbeatTimeoutMs()) for ANY non-error reply carrying the same cid (the server sends
//   {cid, pong: {}}), then schedule the next ping after the same interval. On a missed reply it
//   calls onheartbeattimeout() and closes the socket. Tests ping with the public
//   socket.send({ping: {}}), which resolves with the whole reply envelope.
// * socket.send(msg, sendTimeout = 10000): adds cid = "1", "2", ... and resolves/rejects
//   (reply.error) on the reply with that cid; match_data_send / party_data_send get no cid.
// * `window`: the socket's logging uses the bare identifier `window` when verbose is true and
//   in the heartbeat-failure path; in Node that throws ReferenceError (an unhandled
//   rejection that kills the test process), so we alias globalThis.window = globalThis as a
//   browser would have it.

import { before } from 'node:test';
import { Client, Session } from '@heroiclabs/nakama-js';
import { WebSocketAdapterPb } from '@heroiclabs/nakama-js-protobuf';
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';

globalThis.WebSocket = WebSocket;
if (typeof globalThis.window === 'undefined') {
  globalThis.window = globalThis;
}

export { Client, Session, WebSocketAdapterPb, WebSocket };

export const HOST = process.env.GANTRY_HOST || '127.0.0.1';
export const PORT = process.env.GANTRY_PORT || '7350';
export const SERVER_KEY = process.env.GANTRY_SERVER_KEY || 'defaultkey';
export const BASE_URL = `http://${HOST}:${PORT}`;
/** The runtime HTTP key: server-to-server RPC calls (`?http_key=`) authenticate with it. */
export const HTTP_KEY = process.env.GANTRY_HTTP_KEY || 'defaulthttpkey';

/** Upper bound for any single await in the suite. */
export const STEP_TIMEOUT_MS = 10_000;
/** REST timeout handed to the client (its timer is never cleared, keep it short). */
export const REST_TIMEOUT_MS = 8_000;
/** Per-test timeout for node:test. */
export const TEST_TIMEOUT_MS = 30_000;
/** Per-describe (suite) timeout for node:test. */
export const SUITE_TIMEOUT_MS = 150_000;
/** Hard limit for a whole test file (each file runs in its own process under node --test). */
export const FILE_TIMEOUT_MS = Number(process.env.GANTRY_INTEROP_FILE_TIMEOUT_MS || 300_000);

// Global watchdog: a test file can never hang the run. unref() so it does not itself keep
// the process alive once everything else is done.
setTimeout(() => {
  console.error(`interop: test file exceeded ${FILE_TIMEOUT_MS} ms, aborting`);
  process.exit(124);
}, FILE_TIMEOUT_MS).unref();

/**
 * A client for the server under test. autoRefreshSession defaults to false here (see the notes
 * above): pass {autoRefresh: true} to get the client's real default behaviour.
 */
export function newClient({ serverKey = SERVER_KEY, autoRefresh = false, timeoutMs = REST_TIMEOUT_MS } = {}) {
  return new Client(serverKey, HOST, PORT, false, timeoutMs, autoRefresh);
}

/**
 * Probes GET /healthcheck once per process (memoized). Test files call it from a top-level
 * before() so that an absent or unresponsive server fails the file within seconds instead of
 * letting every test run into its own timeouts.
 */
let readiness;
export function serverReady(timeoutMs = 5_000) {
  readiness ??= (async () => {
    let res;
    try {
      res = await fetch(`${BASE_URL}/healthcheck`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const why = err.cause ? `${err.message} (${err.cause.code || err.cause.message || err.cause})` : err.message;
      throw new Error(`Gantry not reachable at ${BASE_URL}: ${why}`);
    }
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${BASE_URL}/healthcheck answered ${res.status}`);
  })();
  return readiness;
}

/** A unique id: prefix + 16 hex chars (so device ids are >= 10 characters). */
export function uniqueId(prefix = 'id') {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

/** Rejects with an Error naming `label` if `promise` does not settle within `ms`. */
export function withTimeout(promise, ms = STEP_TIMEOUT_MS, label = 'operation') {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Awaits `promise`, which must reject with a fetch Response (how nakama-js reports non-2xx
 * answers) of HTTP status `status`. If `grpcCode` is given, the JSON body's `code` must equal
 * it. Returns the parsed error body (or null if it was not JSON).
 */
export async function expectHttpError(promise, status, grpcCode, label = 'request') {
  let result;
  try {
    result = await withTimeout(promise, STEP_TIMEOUT_MS, label);
  } catch (err) {
    if (err instanceof Error && !(typeof err.status === 'number')) {
      // A transport failure, a timeout or a client-side exception: not the expected answer.
      throw new Error(`${label}: expected HTTP ${status}, got error: ${err.message}`, { cause: err });
    }
    if (typeof err !== 'object' || err === null || typeof err.status !== 'number') {
      throw new Error(`${label}: expected HTTP ${status}, got rejection ${describeValue(err)}`);
    }
    if (err.status !== status) {
      let body = '';
      try { body = await err.text(); } catch { /* ignore */ }
      throw new Error(`${label}: expected HTTP ${status}, got ${err.status} ${body}`);
    }
    let body = null;
    try { body = await err.json(); } catch { /* not JSON */ }
    if (grpcCode !== undefined) {
      if (!body || body.code !== grpcCode) {
        throw new Error(`${label}: expected error body code ${grpcCode}, got ${JSON.stringify(body)}`);
      }
    }
    return body;
  }
  throw new Error(`${label}: expected HTTP ${status}, but it succeeded: ${describeValue(result)}`);
}

export function describeValue(value) {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value && typeof value === 'object' && 'type' in value && 'message' in value) {
    return `${value.type} event: ${value.message}`; // ws ErrorEvent
  }
  try { return JSON.stringify(value); } catch { return String(value); }
}

/** Decodes a JWT payload the strict way (base64url or base64, UTF-8) for cross-checking. */
export function decodeJwtPayload(token) {
  const part = token.split('.')[1];
  return JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
}

const openSockets = new Set();

/**
 * Creates a socket with the official client and connects it. Resolves with the connected
 * DefaultSocket (after at most STEP_TIMEOUT_MS). format: 'json' (text adapter) or 'protobuf'
 * (WebSocketAdapterPb); appearOnline is nakama-js's createStatus (URL `status=`).
 * heartbeatMs, if given, is applied before connecting (the first ping is sent on open).
 */
export async function connect(client, session, { format = 'json', appearOnline = false, heartbeatMs } = {}) {
  const adapter = format === 'protobuf' ? new WebSocketAdapterPb() : undefined;
  if (format !== 'json' && format !== 'protobuf') throw new Error(`unknown format ${format}`);
  const socket = client.createSocket(false, false, adapter);
  if (heartbeatMs) socket.setHeartbeatTimeoutMs(heartbeatMs);
  socket.heartbeatTimeouts = 0;
  socket.onheartbeattimeout = () => { socket.heartbeatTimeouts++; };
  socket.disconnects = 0;
  socket.ondisconnect = () => { socket.disconnects++; };
  try {
    await withTimeout(socket.connect(session, appearOnline, STEP_TIMEOUT_MS - 1_000), STEP_TIMEOUT_MS, `socket connect (${format})`);
  } catch (err) {
    try { socket.disconnect(false); } catch { /* ignore */ }
    throw err instanceof Error ? err : new Error(`socket connect (${format}) failed: ${describeValue(err)}`);
  }
  openSockets.add(socket);
  return socket;
}

/** True if the socket's adapter reports an open connection. */
export function isOpen(socket) {
  return socket.adapter.isOpen();
}

/** Disconnects every socket opened through connect(); use in after()/afterEach(). */
export function closeAllSockets() {
  for (const socket of openSockets) {
    try { socket.disconnect(false); } catch { /* ignore */ }
  }
  openSockets.clear();
}

/**
 * Sends a request envelope through socket.send and awaits its reply (bounded).
 * Example: await request(socket, {ping: {}}) -> {cid: "2", pong: {}}
 */
export function request(socket, message, label = Object.keys(message)[0]) {
  return withTimeout(socket.send(message, STEP_TIMEOUT_MS - 1_000), STEP_TIMEOUT_MS, `socket ${label}`);
}

/**
 * Wraps one of the socket's event callbacks (e.g. 'onchannelmessage', 'onmatchdata',
 * 'onnotification') into a queue. next() resolves with the next event (or rejects after
 * timeoutMs); expectNone() asserts nothing arrives within a quiet period.
 */
export function eventQueue(socket, handlerName) {
  const items = [];
  const waiters = [];
  socket[handlerName] = (event) => {
    const waiter = waiters.shift();
    if (waiter) waiter(event);
    else items.push(event);
  };
  return {
    items,
    next(timeoutMs = STEP_TIMEOUT_MS, label = handlerName) {
      if (items.length) return Promise.resolve(items.shift());
      let resolveFn;
      const p = new Promise((resolve) => { resolveFn = resolve; waiters.push(resolve); });
      return withTimeout(p, timeoutMs, `waiting for ${label}`).catch((err) => {
        const i = waiters.indexOf(resolveFn);
        if (i >= 0) waiters.splice(i, 1);
        throw err;
      });
    },
    /** Next event satisfying predicate; events that do not match are discarded. */
    async nextMatching(predicate, timeoutMs = STEP_TIMEOUT_MS, label = handlerName) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`waiting for matching ${label} timed out after ${timeoutMs} ms`);
        const event = await this.next(left, label);
        if (predicate(event)) return event;
      }
    },
    async expectNone(quietMs = 500, label = handlerName) {
      await sleep(quietMs);
      if (items.length) {
        throw new Error(`unexpected ${label}: ${describeValue(items[0])}`);
      }
    },
  };
}

/**
 * A raw `ws` connection to /ws (for frame-level checks the official client hides).
 * Resolves with {ws, next(timeoutMs) -> {data, isBinary}} or rejects with the upgrade error.
 */
export function rawSocket(query) {
  const url = `ws://${HOST}:${PORT}/ws?${new URLSearchParams(query)}`;
  const ws = new WebSocket(url);
  const frames = [];
  const waiters = [];
  ws.on('message', (data, isBinary) => {
    const frame = { data, isBinary };
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const opened = new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`upgrade refused with HTTP ${res.statusCode}`), { statusCode: res.statusCode }));
      ws.terminate();
    });
    ws.on('error', reject); // 'on': ws may emit a second error while aborting
  });
  return withTimeout(opened, STEP_TIMEOUT_MS, 'raw socket open').then(() => ({
    ws,
    next(timeoutMs = STEP_TIMEOUT_MS) {
      if (frames.length) return Promise.resolve(frames.shift());
      return withTimeout(new Promise((resolve) => waiters.push(resolve)), timeoutMs, 'raw socket frame');
    },
    close() { ws.terminate(); },
  }), (err) => { ws.terminate(); throw err; });
}

/**
 * A raw REST call for what the client cannot send. `body`, when given, is sent as it is if it is a
 * string and JSON-encoded otherwise; `token` adds `Authorization: Bearer`. Resolves with
 * {status, body}: the body parsed as JSON when it is JSON, its text otherwise.
 */
export async function rest(method, path, { token, body } = {}) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const init = { method, headers, signal: AbortSignal.timeout(STEP_TIMEOUT_MS) };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${BASE_URL}${path}`, init);
  const text = await res.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

/**
 * A server-to-server RPC: POST /v2/rpc/{id}?http_key=HTTP_KEY with the payload JSON stringified
 * twice (the body is a JSON string, as every client sends it). Resolves with the function's
 * answer parsed from JSON; rejects with an Error carrying {status, body} when it is refused.
 * (nakama-js's rpcHttpKey sends GET with ?payload=, which the reference Nakama 3.18.0 ignores:
 * the function receives an empty payload. So the tests POST.)
 */
export async function serverRpc(id, payload) {
  const res = await rest('POST', `/v2/rpc/${encodeURIComponent(id)}?http_key=${encodeURIComponent(HTTP_KEY)}`,
    { body: JSON.stringify(JSON.stringify(payload)) });
  if (res.status !== 200) {
    throw Object.assign(new Error(`rpc ${id}: HTTP ${res.status} ${JSON.stringify(res.body)}`), res);
  }
  return res.body.payload ? JSON.parse(res.body.payload) : undefined;
}

/** A fresh device user, signed in: {client, session, id, username, token}. */
export async function devicePlayer(prefix = 'device') {
  const client = newClient();
  const session = await withTimeout(client.authenticateDevice(uniqueId(prefix), true), STEP_TIMEOUT_MS, 'authenticateDevice');
  return { client, session, id: session.user_id, username: session.username, token: session.token };
}

/**
 * Users made once before a file's tests (register it at the file's top level: it adds a `before`
 * hook) and sorted by user id, the last tie-breaker of every leaderboard order. The answered
 * players(n) signs the first n in again, in that order, so a test's first use of each follows the id
 * order and the differential normalizer numbers them alike on both servers (users made inside a
 * test are numbered in creation order, which their random ids do not follow).
 */
export function sortedPlayerPool(size, prefix = 'device') {
  const pool = [];
  before(async () => {
    await serverReady();
    const made = [];
    for (let i = 0; i < size; i++) {
      const deviceId = uniqueId(prefix);
      const session = await withTimeout(newClient().authenticateDevice(deviceId, true), STEP_TIMEOUT_MS, 'authenticateDevice (pool)');
      made.push({ deviceId, id: session.user_id });
    }
    pool.push(...made.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  });
  return async function players(n) {
    if (n > pool.length) throw new Error(`the pool has ${pool.length} users`);
    const out = [];
    for (const { deviceId } of pool.slice(0, n)) {
      const client = newClient();
      const session = await withTimeout(client.authenticateDevice(deviceId, false), STEP_TIMEOUT_MS, 'authenticateDevice (pool user)');
      out.push({ client, session, id: session.user_id, username: session.username, token: session.token });
    }
    return out;
  };
}
