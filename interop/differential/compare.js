// Comparator of the differential run: reads the recordings of one test file against Gantry and
// against the reference, normalises them (normalize.js) and lists where they differ in shape.
//
// Unit of comparison: one test (node:test full name). Within a test:
//   * outcome: passed or failed, and the failure message;
//   * REST: the test's fetches in order (method, path and query, body), aligned by method and path,
//     then status, response headers and body compared field by field;
//   * sockets: the test's sockets in the order they appeared; per socket the URL, whether it
//     opened, the close code and reason, the sent frames in order (they differ only when the test
//     took another path), the replies (paired by cid, whatever their type), the events in order
//     (aligned by message type), and which events came between a request and its reply. Frames on
//     different sockets may interleave differently and are never compared across sockets.
//     Heartbeat traffic (ping / pong) is left out (a ping that got no pong is reported), and so is
//     what arrives after the client closed the socket itself.
// Kinds of difference: outcome, status, code, message, field (present on one side only), value,
// count, order, interleave, reply, extra (a step or frame only one side has), shape (another
// type), header, header-value.

import { Normalizer } from './normalize.js';

const SET_LIKE = new Set(['presences', 'joins', 'leaves', 'users', 'user_ids', 'usernames']);
const IGNORED_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const MAX_EXTRA_LISTED = 6;

/** Builds the per-test views of one recording: {views: Map(test name -> view), meta}. */
export function buildView(recording) {
  const events = [...recording.events].sort((a, b) => a.seq - b.seq);
  const socketOwner = new Map();
  for (const e of events) if (e.kind === 'ws-new') socketOwner.set(e.socket, e.owner ?? null);
  const scopeOf = (e) => (e.kind.startsWith('ws-') ? socketOwner.get(e.socket) : e.test) ?? '(file: before/after hooks)';

  const views = new Map();
  const view = (scope) => {
    if (!views.has(scope)) {
      views.set(scope, { name: scope, normalizer: new Normalizer(), rest: [], sockets: [], socketsById: new Map(),
        outcome: null });
    }
    return views.get(scope);
  };
  for (const t of recording.tests) view(t.name).outcome = t;

  // Placeholders are numbered by first appearance in a canonical order that does not depend on
  // how sockets interleave: the test's REST calls in order, then each socket (in the order they
  // appeared) with its own frames in order.
  const socketRank = new Map();
  const perScope = new Map();
  for (const e of events) {
    if (!e.kind.startsWith('ws-') || socketRank.has(e.socket)) continue;
    const scope = scopeOf(e);
    perScope.set(scope, (perScope.get(scope) || 0) + 1);
    socketRank.set(e.socket, perScope.get(scope));
  }
  const rank = (e) => (e.kind.startsWith('ws-') ? socketRank.get(e.socket) : 0);
  events.sort((a, b) => rank(a) - rank(b) || a.seq - b.seq);

  for (const e of events) {
    if (e.kind === 'test-start' || e.kind === 'test-end') continue;
    const v = view(scopeOf(e));
    const n = v.normalizer;
    if (e.kind === 'http') {
      v.rest.push({
        seq: e.seq,
        method: e.method,
        url: n.url(e.url),
        auth: e.auth.startsWith('bearer ') ? `bearer ${describe(n.string(e.auth.slice(7)))}` : e.auth,
        requestBody: e.requestBody == null ? null : n.string(e.requestBody, 'body'),
        status: e.status ?? `transport error: ${e.error}`,
        headers: e.responseHeaders ? n.headers(e.responseHeaders) : {},
        body: e.json !== undefined ? n.value(e.json) : e.responseBody ? n.text(e.responseBody) : e.responseBody,
      });
      continue;
    }
    if (e.kind === 'recorder-error') { v.recorderErrors = [...(v.recorderErrors || []), e.message]; continue; }
    let s = v.socketsById.get(e.socket);
    if (!s) {
      s = { index: v.sockets.length, id: e.socket, url: null, format: null, opened: null, out: [], in: [], closes: [],
        errors: [], afterClose: [], cids: new Map(), pings: new Set(), pongs: new Set() };
      v.socketsById.set(e.socket, s);
      v.sockets.push(s);
    }
    switch (e.kind) {
      case 'ws-new':
        s.url = n.url(e.url);
        s.format = /format=protobuf/.test(e.url) ? 'protobuf' : 'json';
        s.raw = !/[?&]lang=/.test(e.url) ? 'raw ws' : 'nakama-js';
        break;
      case 'ws-open': s.opened = 'open'; break;
      case 'ws-refused': s.opened = `refused: HTTP ${e.status}`; break;
      case 'ws-error': s.errors.push(n.text(e.message || '')); break;
      case 'ws-close': s.closes.push({ code: e.code, reason: n.text(e.reason || '') }); break;
      case 'ws-client-close': if (s.clientClosedAt === undefined) s.clientClosedAt = e.seq; break;
      case 'ws-out':
      case 'ws-in': {
        const frame = frameOf(e, s, n);
        if (frame.heartbeat) break;
        // After the client itself closed the socket, what still arrives depends on timing.
        if (s.clientClosedAt !== undefined) { s.afterClose.push(frame); break; }
        (e.kind === 'ws-out' ? s.out : s.in).push(frame);
        break;
      }
      default: break;
    }
  }
  return { views, meta: { exitCode: recording.exitCode, durationMs: recording.durationMs, file: recording.file } };
}

function describe(n) {
  if (n && n.$jwt) return `<jwt ${n.$jwt.header.alg || '?'} ${Object.keys(n.$jwt.claims).join(',')}>`;
  return typeof n === 'string' ? n : JSON.stringify(n);
}

/** One frame, normalised, with its message type and a normalised cid. */
function frameOf(e, s, n) {
  const frame = { seq: e.seq, binary: e.binary };
  if (e.json === undefined || e.json === null || typeof e.json !== 'object') {
    frame.type = e.decodeError ? '<undecodable protobuf>' : '<not JSON>';
    frame.body = e.text !== undefined ? n.text(e.text) : e.base64;
    return frame;
  }
  const env = { ...e.json };
  const rawCid = env.cid;
  delete env.cid;
  const keys = Object.keys(env);
  frame.type = keys.length === 1 ? keys[0] : keys.length === 0 ? '<empty envelope>' : keys.sort().join('+');
  const outgoing = e.kind === 'ws-out';
  if (frame.type === 'ping' && outgoing) {
    if (rawCid) { s.pings.add(rawCid); s.cids.set(rawCid, '<ping>'); }
    frame.heartbeat = true;
    return frame;
  }
  if (frame.type === 'pong' && !outgoing) {
    if (rawCid) s.pongs.add(rawCid);
    frame.heartbeat = true;
    return frame;
  }
  if (rawCid !== undefined && rawCid !== '') {
    if (!s.cids.has(rawCid)) {
      s.cids.set(rawCid, outgoing ? `<cid#${[...s.cids.values()].filter((c) => c.startsWith('<cid#')).length + 1}>`
        : `<unknown cid ${rawCid}>`);
    }
    frame.cid = s.cids.get(rawCid);
  } else {
    frame.cid = rawCid === '' ? '' : undefined; // protobuf always decodes a cid ("" when absent)
  }
  frame.body = n.value(env);
  frame.frameFormat = e.binary ? 'binary' : 'text';
  return frame;
}

// ---------------------------------------------------------------------------------------------
// Diffing

/** Field-by-field differences of two normalised values. Returns [{kind, path, gantry, reference}]. */
export function deepDiff(a, b, path = '', key = '') {
  const out = [];
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta === 'absent' || tb === 'absent') {
    if (ta !== tb) out.push({ kind: 'field', path, gantry: a, reference: b });
    return out;
  }
  if (ta !== tb) {
    out.push({ kind: 'shape', path, gantry: a, reference: b });
    return out;
  }
  if (ta === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) out.push(...deepDiff(a[k], b[k], path ? `${path}.${k}` : k, k));
    return out;
  }
  if (ta === 'array') {
    if (SET_LIKE.has(key)) {
      const sa = [...a].sort(byCanonical);
      const sb = [...b].sort(byCanonical);
      if (a.length !== b.length) {
        out.push({ kind: 'count', path, gantry: a, reference: b, note: `${a.length} vs ${b.length} entries` });
        return out;
      }
      const inner = [];
      sa.forEach((x, i) => inner.push(...deepDiff(x, sb[i], `${path}[*]`, key)));
      if (inner.length) return inner;
      if (canonical(a) !== canonical(b)) out.push({ kind: 'order', path, gantry: a, reference: b });
      return out;
    }
    if (a.length !== b.length) {
      out.push({ kind: 'count', path, gantry: a, reference: b, note: `${a.length} vs ${b.length} entries` });
      return out;
    }
    a.forEach((x, i) => out.push(...deepDiff(x, b[i], `${path}[${i}]`, key)));
    return out;
  }
  if (a !== b) {
    const kind = key === 'code' ? 'code' : key === 'message' || key === 'error' ? 'message' : 'value';
    out.push({ kind, path, gantry: a, reference: b });
  }
  return out;
}

function typeOf(v) {
  if (v === undefined) return 'absent';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function canonical(v) { return JSON.stringify(v); }
function byCanonical(x, y) { const a = canonical(x); const b = canonical(y); return a < b ? -1 : a > b ? 1 : 0; }

/** Longest common subsequence alignment by signature: [[i|null, j|null], ...]. */
function align(as, bs, sig) {
  const n = as.length;
  const m = bs.length;
  const dp = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = sig(as[i]) === sig(bs[j]) ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const pairs = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (sig(as[i]) === sig(bs[j])) { pairs.push([i++, j++]); } else if (dp[i + 1][j] >= dp[i][j + 1]) {
      pairs.push([i++, null]);
    } else { pairs.push([null, j++]); }
  }
  while (i < n) pairs.push([i++, null]);
  while (j < m) pairs.push([null, j++]);
  return pairs;
}

const restSig = (r) => `${r.method} ${r.url.split('?')[0]}`;
const frameSig = (f) => `${f.type}${f.cid ? ` ${f.cid}` : ''}`;

/** Compares one test's views; returns a list of differences with their location and topic. */
export function compareTest(g, r, { fileScope = false } = {}) {
  const diffs = [];
  const add = (where, topic, d) => diffs.push({ where, topic, ...d });

  // outcome
  const go = g?.outcome;
  const ro = r?.outcome;
  if (!fileScope) {
    if (!go || !ro) {
      add('test', 'test', { kind: 'extra', path: 'ran', gantry: go ? outcomeText(go) : '<not run>',
        reference: ro ? outcomeText(ro) : '<not run>' });
    } else if (go.passed !== ro.passed) {
      add('test', 'test', { kind: 'outcome', path: 'outcome', gantry: outcomeText(go), reference: outcomeText(ro) });
    } else if (!go.passed && go.error !== ro.error) {
      add('test', 'test', { kind: 'outcome', path: 'failure message', gantry: outcomeText(go), reference: outcomeText(ro) });
    }
  }
  if (!g || !r) return diffs;

  // REST
  const restTopic = (x) => `REST ${x.method} ${x.url.split('?')[0].replace(/<[a-z]+#\d+>/g, '…').replace(/-<hex#\d+>/g, '-…')}`;
  compareSequences(g.rest, r.rest, restSig, restTopic, add, (ga, ra, loc) => {
    const where = loc(`REST ${ga.method} ${ga.url}`);
    const topic = restTopic(ga);
    for (const d of deepDiff(ga.url, ra.url, 'url')) add(where, topic, d);
    for (const d of deepDiff(ga.requestBody, ra.requestBody, 'request body')) add(where, topic, d);
    if (ga.status !== ra.status) add(where, topic, { kind: 'status', path: 'HTTP status', gantry: ga.status, reference: ra.status });
    for (const d of deepDiff(ga.body, ra.body, 'body')) add(where, topic, d);
    const gh = filterHeaders(ga.headers);
    const rh = filterHeaders(ra.headers);
    for (const d of deepDiff(gh, rh, 'header')) {
      add(where, 'HTTP response headers (any endpoint)', { ...d, kind: d.kind === 'field' ? 'header' : 'header-value' });
    }
  }, 'REST');

  // sockets
  const count = Math.max(g.sockets.length, r.sockets.length);
  for (let k = 0; k < count; k++) {
    const gs = g.sockets[k];
    const rs = r.sockets[k];
    const kindOf = `${(gs || rs).raw}, ${(gs || rs).format}`;
    const label = `socket ${k + 1} (${kindOf})`;
    const socketTopic = `socket [${kindOf}]`;
    if (!gs || !rs) {
      add(label, socketTopic, { kind: 'extra', path: 'socket', gantry: gs ? gs.url : '<no such socket>',
        reference: rs ? rs.url : '<no such socket>' });
      continue;
    }
    for (const d of deepDiff(gs.url, rs.url, 'url')) add(label, socketTopic, d);
    if (gs.opened !== rs.opened) add(label, socketTopic, { kind: 'status', path: 'upgrade', gantry: gs.opened, reference: rs.opened });
    const gClose = gs.closes[0] ?? '<no close>';
    const rClose = rs.closes[0] ?? '<no close>';
    for (const d of deepDiff(gClose, rClose, 'close')) add(label, socketTopic, d);
    const unanswered = (s) => [...s.pings].filter((c) => !s.pongs.has(c)).length;
    if (unanswered(gs) !== unanswered(rs)) {
      add(label, socketTopic, { kind: 'count', path: 'pings without pong', gantry: unanswered(gs), reference: unanswered(rs) });
    }
    // Sent frames; received replies (with a cid) and received events (without), each in order;
    // then how replies and events interleave.
    const isReply = (f) => !!f.cid;
    const streams = [
      ['sent', gs.out, rs.out],
      ['received', gs.in.filter(isReply), rs.in.filter(isReply)],
      ['received', gs.in.filter((f) => !isReply(f)), rs.in.filter((f) => !isReply(f))],
    ];
    const alignedReplies = [];
    for (const [name, gList, rList] of streams) {
      const frameTopic = (f) => `${name} ${f.type}${name === 'received' ? (f.cid ? ' (reply)' : ' (event)') : ''} [${kindOf}]`;
      // replies are paired by cid whatever their type: an error on one side and a result on the other is one difference
      const sig = name === 'received' && gList.concat(rList).some(isReply) ? (f) => f.cid : frameSig;
      compareSequences(gList, rList, sig, frameTopic, add, (gf, rf, loc) => {
        const where = loc(`${label} ${name} ${gf.type}${gf.cid ? ` ${gf.cid}` : ''}`);
        const topic = frameTopic(gf);
        if (name === 'received' && isReply(gf)) alignedReplies.push([gf, rf]);
        if (gf.type !== rf.type) {
          add(where, topic, { kind: 'reply', path: `reply to ${gf.cid}`, gantry: summary(gf), reference: summary(rf) });
          return;
        }
        for (const d of deepDiff(gf.body, rf.body, gf.type === '<not JSON>' ? 'frame' : '')) add(where, topic, d);
        if (gf.frameFormat !== rf.frameFormat) {
          add(where, topic, { kind: 'value', path: 'frame type', gantry: gf.frameFormat, reference: rf.frameFormat });
        }
      }, `${label} ${name}`);
    }
    // interleaving: which events (by type) arrived between a request and its reply
    const eventsBefore = (s, reply) => s.in.filter((f) => !isReply(f) && f.seq < reply.seq && f.seq > requestSeq(s, reply))
      .map((f) => f.type);
    for (const [gf, rf] of alignedReplies) {
      const ge = eventsBefore(gs, gf);
      const re = eventsBefore(rs, rf);
      if (ge.join() !== re.join()) {
        add(`${label} received ${gf.type} ${gf.cid}`, `received ${gf.type} (reply) [${kindOf}]`, {
          kind: 'interleave', path: `events between the request and its reply`,
          gantry: ge.length ? ge.join(', ') : 'none', reference: re.length ? re.join(', ') : 'none' });
      }
    }
  }
  return diffs;
}

/** seq of the request a reply answers (same cid), or -1. */
function requestSeq(s, reply) {
  const req = s.out.find((f) => f.cid === reply.cid);
  return req ? req.seq : -1;
}

function filterHeaders(h) {
  const out = {};
  for (const [k, v] of Object.entries(h)) if (!IGNORED_HEADERS.has(k)) out[k] = v;
  return out;
}

function outcomeText(o) { return o.passed ? 'passed' : `failed: ${o.error}`; }

/**
 * Aligns two sequences; reports what only one side has (as "extra", or "order" when the same
 * item is on both sides at different places) and compares aligned pairs with `pair`.
 */
function compareSequences(gs, rs, sig, topicOf, add, pair, label) {
  const pairs = align(gs, rs, sig);
  const onlyG = [];
  const onlyR = [];
  let pos = 0;
  for (const [i, j] of pairs) {
    pos++;
    const loc = (where) => `${where} (step ${pos})`;
    if (i !== null && j !== null) pair(gs[i], rs[j], loc);
    else if (i !== null) onlyG.push({ item: gs[i], pos });
    else onlyR.push({ item: rs[j], pos });
  }
  // the same item at another place: an order difference, not a missing one
  for (const og of [...onlyG]) {
    const k = onlyR.findIndex((or) => sig(or.item) === sig(og.item) && canonical(strip(or.item)) === canonical(strip(og.item)));
    if (k >= 0) {
      const or = onlyR.splice(k, 1)[0];
      onlyG.splice(onlyG.indexOf(og), 1);
      add(label, topicOf(og.item), { kind: 'order', path: sig(og.item), gantry: `at step ${og.pos}`, reference: `at step ${or.pos}` });
    }
  }
  const list = (items, side) => {
    items.slice(0, MAX_EXTRA_LISTED).forEach(({ item, pos }) => {
      add(`${label} (step ${pos})`, topicOf(item), { kind: 'extra', path: sig(item),
        gantry: side === 'g' ? summary(item) : undefined, reference: side === 'r' ? summary(item) : undefined });
    });
    if (items.length > MAX_EXTRA_LISTED) {
      const rest = items.slice(MAX_EXTRA_LISTED).map((x) => sig(x.item)).join(', ');
      add(label, topicOf(items[MAX_EXTRA_LISTED].item), { kind: 'extra', path: `${items.length - MAX_EXTRA_LISTED} more`,
        gantry: side === 'g' ? rest : undefined, reference: side === 'r' ? rest : undefined });
    }
  };
  list(onlyG, 'g');
  list(onlyR, 'r');
}

function strip(item) {
  if (item.body !== undefined && item.type !== undefined) return { type: item.type, cid: item.cid, body: item.body };
  const { seq, ...rest } = item;
  return rest;
}

function summary(item) {
  if (item.type !== undefined) return { [item.type]: item.body?.[item.type] ?? item.body, ...(item.cid ? { cid: item.cid } : {}) };
  return { request: `${item.method} ${item.url}`, status: item.status, body: item.body };
}

/** Compares the two recordings of one test file. */
export function compareFile(gRec, rRec) {
  const g = buildView(gRec);
  const r = buildView(rRec);
  const names = [...new Set([...g.views.keys(), ...r.views.keys()])];
  // tests in the order they ran (Gantry's, then any only the reference ran)
  const tests = [];
  for (const name of names) {
    const diffs = compareTest(g.views.get(name), r.views.get(name), { fileScope: name.startsWith('(file') });
    tests.push({
      name,
      gantry: g.views.get(name)?.outcome ?? null,
      reference: r.views.get(name)?.outcome ?? null,
      diffs,
    });
  }
  return { tests, meta: { gantry: g.meta, reference: r.meta } };
}
