// Transport-level recorder for the differential run (see differential/README.md).
//
// Loaded before a test file with `node --import ./differential/recorder.js tests/X.test.js`; it does
// nothing unless GANTRY_RECORD names the JSON file to write. The normal suite (`npm test`) never
// loads it. It records, in one chronological list per test file:
//   * every fetch: method, URL, how it authenticated, request body, HTTP status, response headers
//     and body (globalThis.fetch is wrapped; nakama-js and the tests both call it);
//   * every WebSocket of the `ws` package, whoever created it (nakama-js through the global class
//     helpers.js installs, or rawSocket() with the class itself), in the order they were first seen
//     (open or refused upgrade): the URL, each outgoing and incoming frame (text as parsed JSON,
//     binary decoded as an rtapi Envelope with the generated code of @heroiclabs/nakama-js-protobuf),
//     the close code and reason, errors and refused upgrades;
//   * which test was running (node:test's root beforeEach/afterEach give its full name), and each
//     test's outcome and failure message.
// A socket belongs to the test during which it opened, so frames that arrive after that test ended
// (the close at the end of the file, a late event) stay with it.

import { beforeEach, afterEach } from 'node:test';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import WebSocket from 'ws';

const OUT = process.env.GANTRY_RECORD;

if (OUT) {
  const started = Date.now();
  const events = [];
  const tests = [];
  let current = null; // full name of the running test
  let seq = 0;
  const now = () => Date.now() - started;
  const push = (event) => { events.push({ seq: seq++, t: now(), test: current, ...event }); };

  // --- protobuf: the Envelope codec bundled in nakama-js-protobuf (not exported: re-export it) ---
  const require = createRequire(import.meta.url);
  const pbPath = require.resolve('@heroiclabs/nakama-js-protobuf/package.json').replace(/package\.json$/,
    'dist/nakama-js-protobuf.esm.mjs');
  let source = readFileSync(pbPath, 'utf8');
  const exportRe = /export\s*\{\s*WebSocketAdapterPb\s*\};?\s*$/;
  if (!exportRe.test(source)) throw new Error(`recorder: unexpected end of ${pbPath}`);
  source = source.replace(exportRe, 'export { WebSocketAdapterPb, Envelope };\n');
  const { Envelope } = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);

  function decodeFrame(data, isBinary) {
    let bytes;
    if (typeof data === 'string') return { text: data, ...parseJson(data) };
    if (Array.isArray(data)) bytes = Buffer.concat(data);
    else if (data instanceof ArrayBuffer) bytes = Buffer.from(data);
    else if (ArrayBuffer.isView(data)) bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    else return { text: String(data) };
    if (!isBinary) return { text: bytes.toString('utf8'), ...parseJson(bytes.toString('utf8')) };
    try {
      return { bytes: bytes.length, json: Envelope.toJSON(Envelope.decode(new Uint8Array(bytes))) };
    } catch (err) {
      return { bytes: bytes.length, base64: bytes.toString('base64'), decodeError: err.message };
    }
  }

  function parseJson(text) {
    try { return { json: JSON.parse(text) }; } catch (err) { return { jsonError: err.message }; }
  }

  // --- test boundaries ---
  beforeEach((t) => {
    current = t.fullName ?? t.name;
    push({ kind: 'test-start' });
  });
  afterEach((t) => {
    const error = t.error ? (t.error.cause ?? t.error) : null;
    const message = error ? (error.message ?? String(error)) : null;
    tests.push({ name: current, passed: !error, error: message });
    push({ kind: 'test-end', passed: !error, error: message });
    current = null;
  });

  // --- REST ---
  const realFetch = globalThis.fetch;
  globalThis.fetch = async function recordedFetch(input, init = {}) {
    const url = typeof input === 'string' ? input : input.url;
    const method = (init.method || (typeof input === 'object' && input.method) || 'GET').toUpperCase();
    const headers = new Headers(init.headers || {});
    const authHeader = headers.get('authorization') || '';
    const auth = authHeader.startsWith('Basic ')
      ? `basic ${Buffer.from(authHeader.slice(6), 'base64').toString('utf8')}`
      : authHeader.startsWith('Bearer ') ? `bearer ${authHeader.slice(7)}` : authHeader ? 'other' : 'none';
    const requestHeaders = {};
    for (const [k, v] of headers) if (k !== 'authorization') requestHeaders[k] = v;
    const body = typeof init.body === 'string' ? init.body : init.body == null ? null : '<binary>';
    const test = current;
    const t0 = now();
    let response;
    try {
      response = await realFetch(input, init);
    } catch (err) {
      events.push({ seq: seq++, t: t0, test, kind: 'http', method, url, auth, requestHeaders, requestBody: body,
        error: err.cause ? `${err.message} (${err.cause.code || err.cause.message})` : err.message });
      throw err;
    }
    let text = null;
    try { text = await response.clone().text(); } catch (err) { text = `<unreadable: ${err.message}>`; }
    const responseHeaders = {};
    for (const [k, v] of response.headers) responseHeaders[k] = v;
    events.push({ seq: seq++, t: t0, test, kind: 'http', method, url, auth, requestHeaders, requestBody: body,
      status: response.status, responseHeaders, responseBody: text, ...(text ? parseJson(text) : {}) });
    return response;
  };

  // --- WebSocket (the ws class, patched on its prototype so every instance is seen) ---
  const ids = new WeakMap();
  let nextSocket = 0;
  const socketId = (ws) => {
    let id = ids.get(ws);
    if (id === undefined) {
      id = nextSocket++;
      ids.set(ws, id);
      push({ kind: 'ws-new', socket: id, url: ws.url, owner: current });
    }
    return id;
  };
  const realEmit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function recordedEmit(name, ...args) {
    try {
      switch (name) {
        case 'open': push({ kind: 'ws-open', socket: socketId(this) }); break;
        case 'message': {
          const [data, isBinary] = args;
          push({ kind: 'ws-in', socket: socketId(this), binary: !!isBinary, ...decodeFrame(data, isBinary) });
          break;
        }
        case 'close': {
          const [code, reason] = args;
          push({ kind: 'ws-close', socket: socketId(this), code, reason: reason ? reason.toString() : '' });
          break;
        }
        case 'error': push({ kind: 'ws-error', socket: socketId(this), message: args[0] && args[0].message }); break;
        case 'unexpected-response': {
          const res = args[1];
          push({ kind: 'ws-refused', socket: socketId(this), status: res && res.statusCode });
          break;
        }
        default: break;
      }
    } catch (err) {
      push({ kind: 'recorder-error', message: err.message });
    }
    return realEmit.call(this, name, ...args);
  };
  const realSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function recordedSend(data, ...rest) {
    try {
      const binary = typeof data !== 'string';
      push({ kind: 'ws-out', socket: socketId(this), binary, ...decodeFrame(data, binary) });
    } catch (err) {
      push({ kind: 'recorder-error', message: err.message });
    }
    return realSend.call(this, data, ...rest);
  };

  // The client closing a socket: what arrives after this depends on timing, the comparator sets it apart.
  for (const method of ['close', 'terminate']) {
    const real = WebSocket.prototype[method];
    WebSocket.prototype[method] = function recordedClose(...args) {
      try {
        // ws itself calls close() to answer the server's close frame: that is not the client closing
        if (ids.has(this) && !this._closeFrameReceived) {
          push({ kind: 'ws-client-close', socket: socketId(this), method, code: args[0] });
        }
      } catch (err) {
        push({ kind: 'recorder-error', message: err.message });
      }
      return real.apply(this, args);
    };
  }

  process.on('exit', (code) => {
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify({
      file: process.argv[1],
      port: process.env.GANTRY_PORT,
      exitCode: code,
      durationMs: now(),
      tests,
      events,
    }, null, 1));
  });
}
