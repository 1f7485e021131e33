// Normalisation of recorded values for the differential comparison (see differential/README.md).
//
// Values that legitimately differ between two servers are replaced by placeholders that keep
// their shape and their equalities, never dropped:
//   * uuids -> <kind#n>, numbered per kind by first appearance within one test (the kind is the
//     key where the id first appeared: user_id -> user, session_id -> session, group_id and a
//     group object's id -> group, the segment after /group/ or /user/ in a URL path ...), so equal ids
//     stay equal and a reply naming the wrong user shows; "<uuid>.<node>" keeps a ".<node>" tail,
//     "<uuid>." keeps its dot;
//   * JWTs -> {"$jwt": {header, claims}} with the claims normalised (times -> <time>);
//   * RFC 3339 timestamps and epoch seconds in time fields -> <time> (also leaderboard and tournament
//     times: expiry_time, start_time, end_time, start_active, end_active, next_reset, prev_reset, and
//     such a field as a string of 10 digits, as in the query's start_time=, end_time=, expiry=);
//     owner_id / owner_ids and the id after /owner/ in a path are users;
//   * cursors -> <cursor#n>; the 16-hex-digit (and 8-digit tail) random parts of the tests'
//     unique names -> <hex#n>; server-generated usernames -> <genname#n [shape]> (the shape is
//     kept: which characters and how many);
//   * strings holding a JSON object or array (message content, RPC payloads, labels) are parsed
//     and normalised as {"$json": ...}, and a JSON string holding one (an RPC request body, the payload
//     stringified twice) as {"$jsonString": {"$json": ...}}; base64 match/party data that is UTF-8 text likewise as
//     {"$base64": ...};
//   * object keys are sorted (JSON key order is not significant; it still matters for the
//     traversal order that numbers placeholders);
//   * storage objects: a `value` is JSON held in a string and compares parsed ({"$json": ...}) like
//     the rest, so the reference's jsonb rendering ({"a": 2, "b": 1}) equals the text as written
//     ({"b":1,"a":2}); a `version` (md5 hex of the value as the client wrote it, on both servers)
//     is kept as it is when it is the md5 of a `value` this test sent or received before, and
//     becomes <version#n> otherwise (equal versions keep equal placeholders), so a server hashing
//     other bytes shows as a value difference; storage cursors are <cursor#n> like every cursor;
//     write acks carry times with a fraction (<time.fraction>), reads and listings whole seconds
//     (<time>), so a precision difference shows.

import { createHash } from 'node:crypto';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const UUID_NODE_RE = new RegExp(`(${UUID})(?:\\.(?![0-9a-fA-F]{8}-)([A-Za-z][A-Za-z0-9_-]*))?`, 'g');
const DM_RE = new RegExp(`4\\.(${UUID})\\.(${UUID})\\.`, 'g');
const JWT_RE = /eyJ[A-Za-z0-9_\-+/=]+\.eyJ[A-Za-z0-9_\-+/=]+\.[A-Za-z0-9_\-+/=]*/g;
const WHOLE_JWT_RE = /^eyJ[A-Za-z0-9_\-+/=]+\.eyJ[A-Za-z0-9_\-+/=]+\.[A-Za-z0-9_\-+/=]*$/;
const TIME_RE = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const HEX_RE = /(?<![0-9a-f])(?=[0-9a-f]*[a-f])[0-9a-f]{16}(?![0-9a-f])|(?<=-)[0-9a-f]{16}(?![0-9a-f])|(?<=-)[0-9a-f]{8}(?![0-9a-zA-Z])/g;
const HTTP_DATE_RE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

const MD5_RE = /^[0-9a-f]{32}$/;
const CURSOR_KEYS = new Set(['cursor', 'next_cursor', 'prev_cursor', 'cacheable_cursor']);
const TIME_KEYS = new Set(['exp', 'iat', 'expires_at', 'refresh_expires_at', 'create_time', 'update_time',
  'receive_time_ms', 'edit_time', 'nbf',
  // leaderboards and tournaments: epoch seconds in records (the runtime's), tournaments and queries
  'expiry_time', 'start_time', 'end_time', 'start_active', 'end_active', 'next_reset', 'prev_reset', 'expiry']);
// Epoch seconds written as a string of digits (query parameters: start_time=, end_time=, expiry=).
const EPOCH_STRING_RE = /^\d{10}$/;
const USERNAME_KEYS = new Set(['username', 'usn', 'usernames']);
const KIND_OF_KEY = {
  user_id: 'user', sender_id: 'user', uid: 'user', user_id_one: 'user', user_id_two: 'user', user_ids: 'user',
  session_id: 'session', sid: 'session', message_id: 'message', match_id: 'match', mid: 'match',
  party_id: 'party', ticket: 'ticket', tid: 'token', rid: 'token', channel_id: 'uuid', id: 'id', ids: 'id',
  group_id: 'group', creator_id: 'user', owner_id: 'user', owner_ids: 'user',
};
// The kind of an id that is a path segment, by the segment before it (/v2/group/<id>/join, /v2/user/<id>/group).
const KIND_OF_PATH = { group: 'group', user: 'user', friend: 'user', owner: 'user' };
// An object with these keys is a group (create, list): its `id` is a group id.
const GROUP_KEYS = ['creator_id', 'max_count'];

export class Normalizer {
  constructor() {
    this.map = new Map(); // raw -> placeholder
    this.counters = new Map(); // kind -> n
    this.literals = []; // [raw, placeholder] substituted inside free text (generated usernames)
    this.valueDigests = new Set(); // md5 hex of every storage `value` string seen in this test
  }

  placeholder(raw, kind) {
    let p = this.map.get(raw);
    if (!p) {
      const n = (this.counters.get(kind) || 0) + 1;
      this.counters.set(kind, n);
      p = `<${kind}#${n}>`;
      this.map.set(raw, p);
    }
    return p;
  }

  /** Normalises any JSON-like value; `key` is the object key it was found under. */
  value(v, key = '') {
    if (v === null || v === undefined) return v;
    if (typeof v === 'string') return this.string(v, key);
    if (typeof v === 'number') {
      if (TIME_KEYS.has(key) && v > 1_000_000_000) return '<time>';
      return v;
    }
    if (typeof v === 'boolean') return v;
    if (Array.isArray(v)) return v.map((x) => this.value(x, key));
    if (typeof v === 'object') {
      const out = {};
      const one = v.user_id_one;
      const two = v.user_id_two;
      const dm = typeof one === 'string' && typeof two === 'string' && new RegExp(`^${UUID}$`).test(one)
        && new RegExp(`^${UUID}$`).test(two);
      const keyRe = new RegExp(UUID);
      for (const k of Object.keys(v).sort()) {
        if (keyRe.test(k)) { // an id used as a key (e.g. {"<user id>": "X"} in match state)
          out[this.text(k, 'user')] = this.value(v[k], '');
          continue;
        }
        if (dm && k === 'user_id_one') {
          const [x, y, note] = this.pair(one, two);
          out.user_id_one = `${x}${note}`;
          out.user_id_two = `${y}${note}`;
        } else if (!(dm && k === 'user_id_two')) {
          const asKey = k === 'id' && GROUP_KEYS.every((g) => g in v) ? 'group_id' : k;
          out[k] = this.value(v[k], asKey);
        }
      }
      return out;
    }
    return String(v);
  }

  string(s, key = '') {
    if (CURSOR_KEYS.has(key) && s !== '') return this.placeholder(s, 'cursor');
    if (TIME_KEYS.has(key) && EPOCH_STRING_RE.test(s)) return '<time>';
    if (key === 'value') this.valueDigests.add(createHash('md5').update(s, 'utf8').digest('hex'));
    if (key === 'version' && MD5_RE.test(s)) {
      return this.valueDigests.has(s) ? s : this.placeholder(s, 'version');
    }
    if (WHOLE_JWT_RE.test(s)) return { $jwt: this.jwt(s) };
    if ((key === 'data') && s.length > 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0) {
      const text = Buffer.from(s, 'base64').toString('utf8');
      if (!text.includes('\uFFFD') && /^[\x20-\x7E\s]*$/.test(text) && Buffer.from(text).toString('base64') === s) {
        return { $base64: this.string(text) };
      }
    }
    const trimmed = s.trim();
    if (trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length > 2) {
      // A JSON string holding JSON (an RPC body: the payload stringified twice).
      try {
        const inner = JSON.parse(trimmed);
        const t = typeof inner === 'string' ? inner.trim() : '';
        if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
          const n = this.string(inner, key);
          if (n && typeof n === 'object') return { $jsonString: n };
        }
      } catch { /* not JSON: plain text */ }
    }
    if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
      try {
        const parsed = JSON.parse(trimmed);
        if (parsed && typeof parsed === 'object') return { $json: this.value(parsed, key) };
      } catch { /* not JSON: plain text */ }
    }
    if (USERNAME_KEYS.has(key)) return this.username(s);
    return this.text(s, KIND_OF_KEY[key] || 'uuid');
  }

  /**
   * The two user ids of a direct message (channel id 4.<lower>.<higher>., user_id_one/two): the
   * server orders them by uuid, which is random, so they are written in placeholder order, with
   * " (not in uuid order)" when the server did not put the lower one first.
   */
  pair(a, b) {
    const pa = this.placeholder(a.toLowerCase(), 'user');
    const pb = this.placeholder(b.toLowerCase(), 'user');
    const sorted = a.toLowerCase() <= b.toLowerCase();
    const [x, y] = placeholderIndex(pa) <= placeholderIndex(pb) ? [pa, pb] : [pb, pa];
    return [x, y, sorted ? '' : ' (not in uuid order)'];
  }

  /** Free text: every recognisable id, token and time inside it is replaced. */
  text(s, kind = 'uuid') {
    let out = s;
    for (const [raw, p] of this.literals) if (out.includes(raw)) out = out.split(raw).join(p);
    out = out.replace(DM_RE, (_m, a, b) => {
      const [x, y, note] = this.pair(a, b);
      return `4.${x}.${y}.${note}`;
    });
    out = out.replace(JWT_RE, (jwt) => {
      const { header, claims } = this.jwt(jwt);
      return `<jwt ${header.alg || '?'} ${Object.keys(claims).join(',')}>`;
    });
    out = out.replace(UUID_NODE_RE, (_m, uuid, node) => {
      const p = this.placeholder(uuid.toLowerCase(), kind);
      return node ? `${p}.<node>` : p;
    });
    out = out.replace(TIME_RE, (t) => (/:\d{2}\.\d+/.test(t) ? '<time.fraction>' : '<time>'));
    out = out.replace(HEX_RE, (hex) => this.placeholder(hex, 'hex'));
    return out;
  }

  username(s) {
    const text = this.text(s, 'user');
    if (text !== s || s.length === 0) return text; // built from the test's unique parts
    // Generated by the server: keep its shape.
    const classes = [];
    if (/[A-Za-z]/.test(s)) classes.push('A-Za-z'); // letters of either case (random case is random)
    if (/[0-9]/.test(s)) classes.push('0-9');
    const other = [...new Set(s.replace(/[A-Za-z0-9]/g, ''))].join('');
    const shape = `[${classes.join('')}${other}]{${s.length}}`;
    let p = this.map.get(s);
    if (!p) {
      p = this.placeholder(s, 'genname').replace('>', ` ${shape}>`);
      this.map.set(s, p);
      if (s.length >= 6) this.literals.push([s, p]);
    }
    return p;
  }

  jwt(token) {
    const [h, p] = token.split('.');
    const decode = (part) => {
      try {
        return JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
      } catch {
        return { $undecodable: true };
      }
    };
    const header = decode(h);
    const claims = decode(p);
    return { header: this.value(header), claims: this.value(claims) };
  }

  /** A URL as the client requested it: origin dropped, path segments and query values normalised. */
  url(raw) {
    let u;
    try { u = new URL(raw); } catch { return this.text(raw); }
    const segments = u.pathname.split('/');
    const path = segments.map((seg, i) => {
      const decoded = safeDecode(seg);
      const kind = KIND_OF_PATH[segments[i - 1]];
      const n = kind ? this.text(decoded, kind) : this.string(decoded, 'path');
      return typeof n === 'string' ? n : JSON.stringify(n);
    }).join('/');
    const params = [];
    for (const [k, v] of u.searchParams) {
      const n = this.string(v, k);
      params.push(`${k}=${typeof n === 'string' ? n : describeJwt(n)}`);
    }
    const trailing = raw.endsWith('&') || raw.endsWith('?') ? (params.length ? '&' : '?') : '';
    return `${path}${params.length ? `?${params.join('&')}` : ''}${trailing}`;
  }

  headers(h) {
    const out = {};
    for (const k of Object.keys(h || {}).sort()) {
      const v = h[k];
      if (k === 'date') out[k] = HTTP_DATE_RE.test(v) ? '<http-date>' : `<not an IMF-fixdate: ${v.replace(/\d/g, '9')}>`;
      else if (k === 'content-length') out[k] = '<n>';
      else out[k] = this.text(v);
    }
    return out;
  }
}

function placeholderIndex(p) {
  const m = /#(\d+)/.exec(p);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

function safeDecode(s) {
  try { return decodeURIComponent(s); } catch { return s; }
}

function describeJwt(n) {
  if (n && n.$jwt) return `<jwt ${n.$jwt.header.alg || '?'} ${Object.keys(n.$jwt.claims).join(',')}>`;
  return JSON.stringify(n);
}
