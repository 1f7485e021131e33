// Leaderboard interop tests (REST) through the official @heroiclabs/nakama-js client. The assertions are
// the reference Nakama 3.18.0's answers, recorded in interop/differential/reference-facts/leaderboards.md
// (issue 15). Boards are made by the server-to-server RPCs of
// interop/differential/reference-modules/leaderboards.lua (Gantry's Java twin does the same), each test
// its own with a unique id, so the tests are independent and can run again and again.
//
// What nakama-js 2.8.0 does here (dist/nakama-js.esm.mjs):
// * writeLeaderboardRecord(session, id, {score, subscore, metadata}) POSTs {score, subscore,
//   metadata: JSON.stringify(metadata)} and maps the answer (numbers Number()'d, metadata parsed) but
//   drops create_time, and it has no operator: the generated `client.apiClient.writeLeaderboardRecord(
//   token, id, {score, subscore, metadata, operator})` sends one and resolves with the JSON as it came
//   (int64 fields as strings, absent when 0), which most tests use.
// * listLeaderboardRecords(session, id, ownerIds, limit, cursor, expiry) and
//   listLeaderboardRecordsAroundOwner(session, id, ownerId, limit, expiry, cursor) map the records the
//   same way (create_time dropped, rank_count Number'd, 0 when absent); owner_ids go as repeated query
//   parameters. The generated `apiClient` versions resolve with the JSON as it came.
// * deleteLeaderboardRecord(session, id) resolves with the raw answer ({}).
// * Non-2xx answers reject with the fetch Response (status, and the JSON body {code, message}).

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, serverReady, devicePlayer, sortedPlayerPool, expectHttpError, rest, serverRpc,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const LONG = { timeout: 120_000 };
const S = { timeout: SUITE_TIMEOUT_MS * 2 };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;
const UNKNOWN_ID = '11111111-2222-3333-4444-555555555555';
const MAX_INT64 = '9223372036854775807';
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

const NOT_FOUND_MSG = 'Leaderboard not found.';
const BAD_ID = 'Invalid leaderboard ID.';
const BAD_LIMIT = 'Invalid limit - limit must be between 1 and 100.';
const BAD_CURSOR = 'Cursor is invalid or expired.';
const BAD_OWNERS = 'One or more owner IDs are invalid.';
const BAD_METADATA = 'Metadata value must be JSON, if provided.';
const AUTHORITATIVE_WRITE = 'Leaderboard only allows authoritative score submissions.';
const AUTHORITATIVE_DELETE = 'Leaderboard only allows authoritative score deletions.';

before(() => serverReady());

/** A fresh device user. */
const player = () => devicePlayer('lb-device');

/** Users made before the tests, sorted by id: players(n) signs the first n in again in that order. */
const players = sortedPlayerPool(7, 'lb-device');

/** A fresh leaderboard through the leaderboard_create RPC; answers its id. */
async function board({ authoritative = false, sort = 'desc', operator = 'best', reset = '', metadata = {} } = {}) {
  const id = uniqueId('lb');
  const answer = await step(serverRpc('leaderboard_create', {
    id, authoritative, sort_order: sort, operator, reset_schedule: reset, metadata,
  }), 'leaderboard_create');
  assert.deepEqual(answer, { id });
  return id;
}

/** The generated client's write: the JSON answer as it came. */
function write(p, id, record, label = `write ${JSON.stringify(record)}`) {
  return step(p.client.apiClient.writeLeaderboardRecord(p.token, id, record), label);
}

/** The generated client's list: the JSON answer as it came. */
function list(p, id, { owners, limit, cursor, expiry } = {}, label = 'listLeaderboardRecords') {
  return step(p.client.apiClient.listLeaderboardRecords(p.token, id, owners, limit, cursor, expiry), label);
}

/** The generated client's around-owner list: the JSON answer as it came. */
function around(p, id, ownerId, { limit, cursor, expiry } = {}, label = 'listLeaderboardRecordsAroundOwner') {
  return step(p.client.apiClient.listLeaderboardRecordsAroundOwner(p.token, id, ownerId, limit, expiry, cursor), label);
}

/** Refused with exactly this HTTP status, gRPC code and message. */
async function refused(promise, status, code, message, label) {
  const body = await expectHttpError(promise, status, code, label);
  assert.equal(body.message, message, `${label}: message`);
  return body;
}

/** A raw REST answer must be this status, code and message. */
function rawRefused(res, status, code, message, label) {
  assert.equal(res.status, status, `${label}: status (${JSON.stringify(res.body)})`);
  assert.equal(res.body.code, code, `${label}: code`);
  assert.equal(res.body.message, message, `${label}: message`);
}

/** [owner, score, subscore, rank] of each record: what an order assertion compares. */
const rows = (records = []) => records.map((r) => [r.owner_id, r.score ?? '0', r.subscore ?? '0', r.rank]);

/** The next instant of cron "0 0 1 1 *" (midnight UTC on the next 1 January) in epoch seconds. */
function nextNewYear(nowMs = Date.now()) {
  const year = new Date(nowMs).getUTCFullYear() + 1;
  return Date.UTC(year, 0, 1) / 1000;
}

/** The next instant of cron "0 0 * * 1" (the next Monday 00:00 UTC, strictly after now) in epoch seconds. */
function nextMonday(nowMs = Date.now()) {
  const d = new Date(nowMs);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const days = ((8 - d.getUTCDay()) % 7) || 7;
  return midnight / 1000 + days * 86400;
}

const seconds = (rfc3339) => Date.parse(rfc3339) / 1000;

describe('leaderboards', S, () => {
  test('the RPCs answer the http key only; the boards of the module exist at load', T, async () => {
    const p = await player();
    // With a session the module refuses: error({"...", 7}) is HTTP 403, code 7, its message.
    const withSession = await rest('POST', '/v2/rpc/leaderboard_create', {
      token: p.token, body: JSON.stringify(JSON.stringify({ id: uniqueId('lb') })),
    });
    assert.equal(withSession.status, 403);
    assert.equal(withSession.body.code, PERMISSION_DENIED);
    assert.equal(withSession.body.message, 'leaderboard RPCs need the http key');
    // "global" and "weekly" exist. They are shared by every run, so the test writes the highest
    // score there is (rank 1 whatever else is on the board) and deletes its record again.
    const weekly = await write(p, 'weekly', { score: MAX_INT64 });
    assert.deepEqual([weekly.leaderboard_id, weekly.score, weekly.rank], ['weekly', MAX_INT64, '1']);
    assert.equal(seconds(weekly.expiry_time), nextMonday(), 'weekly resets at the next Monday 00:00 UTC');
    const global = await write(p, 'global', { score: MAX_INT64 });
    assert.deepEqual([global.leaderboard_id, global.score, global.rank], ['global', MAX_INT64, '1']);
    assert.equal(global.expiry_time, undefined, 'a board without reset has no expiry_time');
    assert.deepEqual(await step(p.client.apiClient.deleteLeaderboardRecord(p.token, 'weekly'), 'delete weekly'), {});
    assert.deepEqual(await step(p.client.apiClient.deleteLeaderboardRecord(p.token, 'global'), 'delete global'), {});
    assert.deepEqual(await around(p, 'global', p.id, { limit: 1 }), {}, 'the record is gone');
  });

  test('a written record: every field, and the client wrapper', T, async () => {
    const p = await player();
    const id = await board();
    const started = Math.floor(Date.now() / 1000);
    const r = await write(p, id, { score: '10', subscore: '2', metadata: '{"m":1}' });
    const ended = Math.ceil(Date.now() / 1000);
    assert.deepEqual(Object.keys(r).sort(), ['create_time', 'leaderboard_id', 'max_num_score', 'metadata', 'num_score',
      'owner_id', 'rank', 'score', 'subscore', 'update_time', 'username']);
    assert.equal(r.leaderboard_id, id);
    assert.equal(r.owner_id, p.id);
    assert.equal(r.username, p.username, 'the writer\'s username');
    assert.equal(r.score, '10', 'int64 fields are JSON strings');
    assert.equal(r.subscore, '2');
    assert.equal(r.num_score, 1, 'num_score is a number');
    assert.equal(r.max_num_score, 1000000, 'a leaderboard record\'s max_num_score is 1000000');
    // metadata: the JSON written. The reference renders it as its jsonb column does ('{"m": 1}');
    // Gantry differs from Nakama on purpose: it returns the text as written (docs/COMPATIBILITY.md,
    // "Leaderboard metadata is returned as written"), so the text is compared parsed.
    assert.deepEqual(JSON.parse(r.metadata), { m: 1 }, 'metadata: the JSON written');
    assert.equal(r.rank, '1');
    assert.match(r.create_time, WHOLE_SECONDS);
    assert.ok(seconds(r.create_time) >= started && seconds(r.create_time) <= ended, 'create_time is now');
    assert.equal(r.update_time, r.create_time);
    // The nakama-js wrapper: numbers, parsed metadata, no create_time.
    const w = await step(p.client.writeLeaderboardRecord(p.session, id, { score: '11', subscore: '0', metadata: { n: 2 } }), 'wrapper write');
    assert.equal(w.score, 11);
    assert.equal(w.subscore, 2, 'best keeps the higher subscore');
    assert.equal(w.num_score, 2);
    assert.deepEqual(w.metadata, { n: 2 });
    assert.equal(w.rank, 1);
    assert.equal(w.create_time, undefined);
    const l = await step(p.client.listLeaderboardRecords(p.session, id, undefined, 10), 'wrapper list');
    assert.equal(l.rank_count, 1);
    assert.deepEqual(l.records.map((x) => [x.owner_id, x.score, x.subscore, x.num_score, x.rank]), [[p.id, 11, 2, 2, 1]]);
    assert.deepEqual(l.owner_records, []);
    // A record with score 0 and no subscore: score and subscore are left out of the JSON.
    const q = await player();
    const zero = await write(q, id, {});
    assert.equal(zero.score, undefined);
    assert.equal(zero.subscore, undefined);
    assert.equal(zero.metadata, '{}');
    assert.equal(zero.rank, '2');
  });

  test('best: score and subscore each keep their best; num_score counts only writes that change the record', T, async () => {
    const p = await player();
    const desc = await board({ sort: 'desc', operator: 'best' });
    let r = await write(p, desc, { score: '10', subscore: '5' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['10', '5', 1]);
    r = await write(p, desc, { score: '8', subscore: '1', metadata: '{"x":1}' });
    assert.deepEqual([r.score, r.subscore, r.num_score, r.metadata], ['10', '5', 1, '{}'],
      'a worse write changes nothing: not the count, not the metadata');
    r = await write(p, desc, { score: '9', subscore: '7' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['10', '7', 2], 'a better subscore alone is kept, with the old score');
    r = await write(p, desc, { score: '12', subscore: '0' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['12', '7', 3], 'a better score keeps the better old subscore');
    assert.ok(seconds(r.update_time) >= seconds(r.create_time));

    const asc = await board({ sort: 'asc', operator: 'best' });
    r = await write(p, asc, { score: '10', subscore: '5' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['10', '5', 1]);
    r = await write(p, asc, { score: '20', subscore: '9' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['10', '5', 1], 'higher is worse on an asc board');
    r = await write(p, asc, { score: '11', subscore: '1' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['10', '1', 2]);
    r = await write(p, asc, { score: '3', subscore: '4' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['3', '1', 3]);
    r = await write(p, asc, { score: '3', subscore: '1' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['3', '1', 3], 'an equal write changes nothing');
  });

  test('set, incr and decr; decrement floors at 0; negative totals are refused; a write that changes nothing does not count', T, async () => {
    const p = await player();
    const set = await board({ operator: 'set' });
    let r = await write(p, set, { score: '10', subscore: '5' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['10', '5', 1]);
    r = await write(p, set, { score: '3', subscore: '9' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['3', '9', 2]);
    r = await write(p, set, { score: '3', subscore: '9' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['3', '9', 2], 'the same values again: not counted');
    r = await write(p, set, { score: '3', subscore: '0', metadata: '{"k":"v"}' });
    assert.deepEqual([r.score, r.subscore, r.num_score, JSON.parse(r.metadata)], ['3', undefined, 3, { k: 'v' }]);
    r = await write(p, set, { score: '4' });
    assert.deepEqual(JSON.parse(r.metadata), { k: 'v' }, 'a write without metadata keeps the stored metadata');
    // A negative score is refused by the reference's database (scores are >= 0): 500.
    await refused(p.client.apiClient.writeLeaderboardRecord(p.token, set, { score: '-1' }), 500, 13,
      'Error writing score to leaderboard.', 'set -1');
    await refused(p.client.apiClient.writeLeaderboardRecord(p.token, set, { score: '1', subscore: '-1' }), 500, 13,
      'Error writing score to leaderboard.', 'subscore -1');
    assert.deepEqual(rows((await list(p, set, { limit: 10 })).records), [[p.id, '4', '0', '1']], 'unchanged');

    const incr = await board({ operator: 'incr' });
    r = await write(p, incr, { score: '10', subscore: '1' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['10', '1', 1]);
    r = await write(p, incr, { score: '5', subscore: '2' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['15', '3', 2]);
    r = await write(p, incr, { score: '0', subscore: '0' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['15', '3', 2], 'adding 0 and 0 is not counted');
    await refused(p.client.apiClient.writeLeaderboardRecord(p.token, incr, { score: '-20' }), 500, 13,
      'Error writing score to leaderboard.', 'incr below 0');
    // Even a negative increment that would stay >= 0: the insert row itself holds the negative value.
    await refused(p.client.apiClient.writeLeaderboardRecord(p.token, incr, { score: '-5' }), 500, 13,
      'Error writing score to leaderboard.', 'incr -5 from 15');
    assert.deepEqual(rows((await list(p, incr, { limit: 10 })).records), [[p.id, '15', '3', '1']], 'unchanged');
    const q = await player();
    await refused(q.client.apiClient.writeLeaderboardRecord(q.token, incr, { score: '-7' }), 500, 13,
      'Error writing score to leaderboard.', 'a first negative write');

    const decr = await board({ operator: 'decr' });
    r = await write(p, decr, { score: '10', subscore: '4' });
    assert.deepEqual([r.score, r.subscore, r.num_score], [undefined, undefined, 1], 'a first decrement writes 0 and 0');
    r = await write(p, decr, { score: '3', subscore: '1' });
    assert.deepEqual([r.score, r.subscore, r.num_score], [undefined, undefined, 2], 'floored at 0, still counted');
    r = await write(p, decr, { score: '0', subscore: '0' });
    assert.equal(r.num_score, 2, 'subtracting 0 and 0 is not counted');
    r = await write(p, decr, { score: '10', subscore: '4', operator: 'INCREMENT' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['10', '4', 3]);
    r = await write(p, decr, { score: '3', subscore: '9' });
    assert.deepEqual([r.score, r.subscore, r.num_score], ['7', undefined, 4], 'each of score and subscore floors at 0');
    r = await write(p, decr, { score: '-5', subscore: '0' });
    assert.deepEqual([r.score, r.num_score], ['12', 5], 'decrementing by a negative adds');
    r = await write(q, decr, { score: '-7' });
    assert.deepEqual([r.score, r.num_score], [undefined, 1], 'a first negative decrement writes 0');
  });

  test('operator override per write: the client\'s operator and the server\'s', T, async () => {
    const p = await player();
    const id = await board({ operator: 'best' });
    let r = await write(p, id, { score: '10' });
    r = await write(p, id, { score: '5', operator: 'SET' });
    assert.deepEqual([r.score, r.num_score], ['5', 2], 'SET over a best board');
    r = await write(p, id, { score: '5', operator: 'INCREMENT' });
    assert.deepEqual([r.score, r.num_score], ['10', 3]);
    r = await write(p, id, { score: '4', operator: 'DECREMENT' });
    assert.deepEqual([r.score, r.num_score], ['6', 4]);
    r = await write(p, id, { score: '1', operator: 'BEST' });
    assert.deepEqual([r.score, r.num_score], ['6', 4]);
    r = await write(p, id, { score: '1', operator: 'NO_OVERRIDE' });
    assert.deepEqual([r.score, r.num_score], ['6', 4], 'NO_OVERRIDE is the board\'s best');
    r = await write(p, id, { score: '2', operator: 2 });
    assert.deepEqual([r.score, r.num_score], ['2', 5], 'the enum\'s number works too (2 = SET)');
    const bad = await rest('POST', `/v2/leaderboard/${id}`, { token: p.token, body: { score: '1', operator: 'MAX' } });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.equal(bad.body.code, INVALID_ARGUMENT);
    const badNumber = await rest('POST', `/v2/leaderboard/${id}`, { token: p.token, body: { score: '1', operator: 9 } });
    assert.equal(badNumber.status, 500, `an unknown operator number: ${JSON.stringify(badNumber.body)}`);
    assert.equal(badNumber.body.message, 'Error writing score to leaderboard.');
    // The server's write through the RPC, with its own operator names.
    const s = await step(serverRpc('leaderboard_record_write', { id, owner_id: p.id, score: 3, operator: 'incr' }), 'server incr');
    assert.equal(s.score, 5);
    assert.equal(s.num_score, 6);
    const list1 = await list(p, id, { limit: 10 });
    assert.deepEqual(rows(list1.records), [[p.id, '5', '0', '1']]);
  });

  test('usernames: the writer\'s, the server\'s, kept when a server write gives none', T, async () => {
    const p = await player();
    const id = await board();
    let s = await step(serverRpc('leaderboard_record_write', { id, owner_id: p.id, username: 'given-name', score: 1, subscore: 0, metadata: { a: 1 } }), 'server write');
    assert.deepEqual(s, {
      leaderboard_id: id, owner_id: p.id, username: 'given-name', score: 1, subscore: 0, num_score: 1,
      max_num_score: 1000000, metadata: { a: 1 }, create_time: s.create_time, update_time: s.update_time, rank: 1,
    }, 'the runtime\'s record: numbers, times in epoch seconds, no expiry_time');
    assert.equal(typeof s.create_time, 'number');
    s = await step(serverRpc('leaderboard_record_write', { id, owner_id: p.id, score: 2 }), 'server write without username');
    assert.equal(s.username, 'given-name', 'no username keeps the stored one');
    assert.deepEqual(s.metadata, { a: 1 }, 'no metadata keeps the stored one');
    const c = await write(p, id, { score: '3' });
    assert.equal(c.username, p.username, 'a client write sets the session\'s username');
    // A record whose owner is not a user, without username: no username field.
    const owner = UNKNOWN_ID.replace('1111', uniqueId('').slice(-4).replace(/[^0-9a-f]/g, 'a'));
    const g = await step(serverRpc('leaderboard_record_write', { id, owner_id: owner, score: 9 }), 'server write for a non-user');
    assert.equal(g.username, undefined);
    const l = await list(p, id, { limit: 10 });
    assert.deepEqual(l.records.map((r) => [r.owner_id, r.username]), [[owner, undefined], [p.id, p.username]]);
  });

  test('order: score, then subscore, then owner id; ranks, owner_records and rank_count', LONG, async () => {
    const [a, b, c, d, e] = await players(5); // sorted by id
    const desc = await board({ sort: 'desc' });
    await write(a, desc, { score: '10', subscore: '1' });
    await write(b, desc, { score: '10', subscore: '1' });
    await write(c, desc, { score: '10', subscore: '2' });
    await write(d, desc, { score: '20', subscore: '0' });
    await write(e, desc, { score: '10', subscore: '1' });
    const l = await list(a, desc, { limit: 100 });
    assert.deepEqual(rows(l.records), [
      [d.id, '20', '0', '1'], [c.id, '10', '2', '2'], [e.id, '10', '1', '3'], [b.id, '10', '1', '4'], [a.id, '10', '1', '5'],
    ], 'desc: higher first; equal score and subscore: owner id DEScending (the whole order is reversed)');
    assert.equal(l.rank_count, '5');
    assert.equal(l.next_cursor, undefined);
    assert.equal(l.prev_cursor, undefined);
    assert.equal(l.owner_records, undefined, 'no owner_ids: no owner_records');

    const asc = await board({ sort: 'asc' });
    await write(a, asc, { score: '10', subscore: '1' });
    await write(b, asc, { score: '10', subscore: '1' });
    await write(c, asc, { score: '10', subscore: '2' });
    await write(d, asc, { score: '5', subscore: '9' });
    await write(e, asc, { score: '10', subscore: '1' });
    const la = await list(a, asc, { limit: 100 });
    assert.deepEqual(rows(la.records), [
      [d.id, '5', '9', '1'], [a.id, '10', '1', '2'], [b.id, '10', '1', '3'], [e.id, '10', '1', '4'], [c.id, '10', '2', '5'],
    ], 'asc: lower first; ties by owner id ascending too');

    // owner_ids: owner_records with their ranks, in the order of the query, next to a page of records.
    const o = await list(a, desc, { owners: [e.id, d.id, UNKNOWN_ID], limit: 2 });
    assert.deepEqual(rows(o.records), [[d.id, '20', '0', '1'], [c.id, '10', '2', '2']]);
    assert.deepEqual(rows(o.owner_records).sort(), [[d.id, '20', '0', '1'], [e.id, '10', '1', '3']].sort(),
      'owners without a record are left out');
    assert.equal(o.rank_count, '5');
    assert.ok(o.next_cursor);
    // owner_ids without a limit: only owner_records.
    const only = await list(a, desc, { owners: [b.id] });
    assert.deepEqual(rows(only.owner_records), [[b.id, '10', '1', '4']]);
    assert.equal(only.records, undefined);
    assert.equal(only.next_cursor, undefined);
    assert.equal(only.rank_count, '5');
    // Every record's fields in a list.
    const full = l.records[1];
    assert.deepEqual(Object.keys(full).sort(), ['create_time', 'leaderboard_id', 'max_num_score', 'metadata', 'num_score',
      'owner_id', 'rank', 'score', 'subscore', 'update_time', 'username']);
    assert.equal(full.username, c.username);
    assert.equal(l.records[0].subscore, undefined, 'a subscore of 0 is left out');
  });

  test('pages: limit default 1, limits 1..100, next and prev cursors walked both ways', LONG, async () => {
    const ps = await players(7);
    const id = await board();
    for (let i = 0; i < ps.length; i++) await write(ps[i], id, { score: String(70 - 10 * i) });
    const ranked = ps.map((p, i) => [p.id, String(70 - 10 * i), '0', String(i + 1)]);
    const p = ps[0];

    const dflt = await list(p, id);
    assert.deepEqual(rows(dflt.records), [ranked[0]], 'without limit and owners: one record');
    assert.ok(dflt.next_cursor);
    assert.equal(dflt.rank_count, '7');
    // Pages of 3: forward.
    const p1 = await list(p, id, { limit: 3 });
    assert.deepEqual(rows(p1.records), ranked.slice(0, 3));
    assert.equal(p1.prev_cursor, undefined);
    const p2 = await list(p, id, { limit: 3, cursor: p1.next_cursor });
    assert.deepEqual(rows(p2.records), ranked.slice(3, 6));
    assert.ok(p2.prev_cursor);
    const p3 = await list(p, id, { limit: 3, cursor: p2.next_cursor });
    assert.deepEqual(rows(p3.records), ranked.slice(6));
    assert.equal(p3.next_cursor, undefined);
    assert.ok(p3.prev_cursor);
    // Back: the same records in the same order. Their ranks are asserted in 'previous pages carry the
    // records' true ranks' below: the reference numbers them wrongly (reversed within the page and
    // counted down from the cursor's rank: records 4,5,6 come back ranked 6,5,4; a reference bug,
    // recorded in the facts file), Gantry gives the true ranks.
    const b2 = await list(p, id, { limit: 3, cursor: p3.prev_cursor });
    assert.deepEqual(b2.records.map((r) => r.owner_id), ps.slice(3, 6).map((x) => x.id));
    assert.ok(b2.prev_cursor);
    assert.ok(b2.next_cursor);
    const b1 = await list(p, id, { limit: 3, cursor: b2.prev_cursor });
    assert.deepEqual(b1.records.map((r) => r.owner_id), ps.slice(0, 3).map((x) => x.id));
    assert.equal(b1.prev_cursor, undefined);
    assert.ok(b1.next_cursor);
    // A cursor with another limit: the cursor holds the position, the limit is the request's.
    const f = await list(p, id, { limit: 5, cursor: p1.next_cursor });
    assert.deepEqual(rows(f.records), ranked.slice(3, 7));
    // A cursor without a limit: limit 1.
    const one = await list(p, id, { cursor: p1.next_cursor });
    assert.deepEqual(rows(one.records), [ranked[3]]);
    // Limits.
    assert.equal((await list(p, id, { limit: 100 })).records.length, 7);
    assert.equal((await list(p, id, { limit: 1 })).records.length, 1);
    for (const bad of [0, 101, -1]) {
      rawRefused(await rest('GET', `/v2/leaderboard/${id}?limit=${bad}`, { token: p.token }), 400, INVALID_ARGUMENT, BAD_LIMIT, `limit ${bad}`);
    }
    const nan = await rest('GET', `/v2/leaderboard/${id}?limit=abc`, { token: p.token });
    assert.equal(nan.status, 400);
    assert.equal(nan.body.code, INVALID_ARGUMENT);
  });

  // Gantry differs from Nakama on purpose: docs/COMPATIBILITY.md, "Ranks on previous pages" (the
  // reference answers records 4,5,6 ranked 6,5,4 and records 1,2,3 ranked 5,4,3 here, and the
  // around-owner page before ranks 1,2 as 2,1).
  test('previous pages carry the records\' true ranks', T, async () => {
    const ps = await players(7);
    const id = await board({ operator: 'set' });
    for (let i = 0; i < ps.length; i++) await write(ps[i], id, { score: String(70 - 10 * i) });
    const p1 = await list(ps[0], id, { limit: 3 });
    const p2 = await list(ps[0], id, { limit: 3, cursor: p1.next_cursor });
    const p3 = await list(ps[0], id, { limit: 3, cursor: p2.next_cursor });
    const b2 = await list(ps[0], id, { limit: 3, cursor: p3.prev_cursor });
    assert.deepEqual(b2.records.map((r) => [r.owner_id, r.rank]), [[ps[3].id, '4'], [ps[4].id, '5'], [ps[5].id, '6']]);
    const b1 = await list(ps[0], id, { limit: 3, cursor: b2.prev_cursor });
    assert.deepEqual(b1.records.map((r) => [r.owner_id, r.rank]), [[ps[0].id, '1'], [ps[1].id, '2'], [ps[2].id, '3']]);
    const mid = await around(ps[0], id, ps[3].id, { limit: 3 });
    const prev = await around(ps[0], id, ps[3].id, { limit: 3, cursor: mid.prev_cursor });
    assert.deepEqual(prev.records.map((r) => [r.owner_id, r.rank]), [[ps[0].id, '1'], [ps[1].id, '2']]);
  });

  test('around owner: pages near the top, in the middle and at the bottom, for limits 1..8', LONG, async () => {
    const ps = await players(7);
    const id = await board();
    for (let i = 0; i < ps.length; i++) await write(ps[i], id, { score: String(70 - 10 * i) });
    // The reference's pages, by the owner's rank (1..7) and limit (1..8): the ranks returned, then P
    // when there is a prev_cursor and N when there is a next_cursor.
    const expected = {
      1: ['1N', '1,2N', '1,2,3N', '1,2,3,4N', '1,2,3,4,5N', '1,2,3,4,5,6', '1,2,3,4,5,6,7', '1,2,3,4,5,6,7'],
      2: ['2PN', '2,3PN', '1,2,3N', '1,2,3,4N', '1,2,3,4,5N', '1,2,3,4,5,6', '1,2,3,4,5,6,7', '1,2,3,4,5,6,7'],
      3: ['3PN', '3,4PN', '2,3,4PN', '2,3,4,5PN', '1,2,3,4,5N', '1,2,3,4,5,6', '1,2,3,4,5,6,7', '1,2,3,4,5,6,7'],
      4: ['4PN', '4,5PN', '3,4,5PN', '3,4,5,6PN', '2,3,4,5,6PN', '2,3,4,5,6,7P', '1,2,3,4,5,6,7', '1,2,3,4,5,6,7'],
      5: ['5PN', '5,6PN', '4,5,6PN', '4,5,6,7P', '3,4,5,6,7P', '2,3,4,5,6,7P', '1,2,3,4,5,6,7', '1,2,3,4,5,6,7'],
      6: ['6PN', '6,7P', '5,6,7P', '4,5,6,7P', '3,4,5,6,7P', '2,3,4,5,6,7P', '1,2,3,4,5,6,7', '1,2,3,4,5,6,7'],
      7: ['7P', '6,7P', '5,6,7P', '4,5,6,7P', '3,4,5,6,7P', '2,3,4,5,6,7P', '1,2,3,4,5,6,7', '1,2,3,4,5,6,7'],
    };
    const rankOf = new Map(ps.map((p, i) => [p.id, i + 1]));
    for (let pos = 1; pos <= 7; pos++) {
      for (let limit = 1; limit <= 8; limit++) {
        const page = await around(ps[0], id, ps[pos - 1].id, { limit });
        for (const r of page.records) assert.equal(Number(r.rank), rankOf.get(r.owner_id), 'ranks are right');
        const got = `${page.records.map((r) => rankOf.get(r.owner_id)).join(',')}${page.prev_cursor ? 'P' : ''}${page.next_cursor ? 'N' : ''}`;
        assert.equal(got, expected[pos][limit - 1], `owner at rank ${pos}, limit ${limit}`);
        assert.equal(page.rank_count, '7');
        assert.equal(page.owner_records, undefined);
      }
    }
    // Without a limit: only the owner's record.
    const dflt = await around(ps[0], id, ps[3].id);
    assert.deepEqual(dflt.records.map((r) => rankOf.get(r.owner_id)), [4]);
    // The cursors of an around-owner page are list cursors: they work in both listings. The prev
    // page's records are right (their ranks: see 'previous pages carry the records' true ranks').
    const mid = await around(ps[0], id, ps[3].id, { limit: 3 });
    const next = await around(ps[0], id, ps[3].id, { limit: 3, cursor: mid.next_cursor });
    assert.deepEqual(next.records.map((r) => [rankOf.get(r.owner_id), Number(r.rank)]), [[6, 6], [7, 7]]);
    assert.ok(next.prev_cursor);
    assert.equal(next.next_cursor, undefined);
    const nextInList = await list(ps[0], id, { limit: 3, cursor: mid.next_cursor });
    assert.deepEqual(rows(nextInList.records), rows(next.records));
    const prev = await around(ps[0], id, ps[3].id, { limit: 3, cursor: mid.prev_cursor });
    assert.deepEqual(prev.records.map((r) => rankOf.get(r.owner_id)), [1, 2]);
    assert.equal(prev.prev_cursor, undefined);
    assert.ok(prev.next_cursor);
    // An owner without a record: an empty answer ({}: no records, no rank_count).
    const nobody = await player();
    assert.deepEqual(await around(ps[0], id, nobody.id, { limit: 3 }), {});
    assert.deepEqual(await around(ps[0], id, UNKNOWN_ID, { limit: 3 }), {});
    // The nakama-js wrapper on the same page.
    const w = await step(ps[0].client.listLeaderboardRecordsAroundOwner(ps[0].session, id, ps[3].id, 3), 'wrapper around');
    assert.deepEqual(w.records.map((r) => [r.owner_id, r.rank]), [[ps[2].id, 3], [ps[3].id, 4], [ps[4].id, 5]]);
    assert.equal(w.rank_count, 7);
  });

  test('around owner on an asc board and with ties', T, async () => {
    const [a, b, c, d] = await players(4);
    const id = await board({ sort: 'asc' });
    await write(a, id, { score: '5' });
    await write(b, id, { score: '5' });
    await write(c, id, { score: '5' });
    await write(d, id, { score: '1' });
    const page = await around(a, id, b.id, { limit: 3 });
    assert.deepEqual(rows(page.records), [[a.id, '5', '0', '2'], [b.id, '5', '0', '3'], [c.id, '5', '0', '4']]);
    assert.ok(page.prev_cursor);
    assert.equal(page.next_cursor, undefined);
  });

  test('around owner refusals', T, async () => {
    const p = await player();
    const id = await board();
    await write(p, id, { score: '1' });
    const base = `/v2/leaderboard/${id}/owner`;
    rawRefused(await rest('GET', `${base}/not-a-uuid?limit=3`, { token: p.token }), 400, INVALID_ARGUMENT, 'Invalid owner ID provided.', 'bad owner id');
    for (const bad of [0, 101]) {
      rawRefused(await rest('GET', `${base}/${p.id}?limit=${bad}`, { token: p.token }), 400, INVALID_ARGUMENT, BAD_LIMIT, `limit ${bad}`);
    }
    const neg = await rest('GET', `${base}/${p.id}?limit=-1`, { token: p.token });
    assert.equal(neg.status, 400, `limit -1 (an unsigned field): ${JSON.stringify(neg.body)}`);
    assert.equal(neg.body.code, INVALID_ARGUMENT);
    // A bad cursor around an owner is an internal error on the reference (500, code 13).
    rawRefused(await rest('GET', `${base}/${p.id}?limit=3&cursor=garbage`, { token: p.token }), 500, 13,
      'Error querying records from leaderboard.', 'bad cursor');
    rawRefused(await rest('GET', `/v2/leaderboard/${uniqueId('lb')}/owner/${p.id}?limit=3`, { token: p.token }), 404, NOT_FOUND, NOT_FOUND_MSG, 'unknown board');
  });

  test('a board that resets: expiry_time is the cron\'s next time; expiry picks another period', T, async () => {
    const p = await player();
    const id = await board({ reset: '0 0 1 1 *' });
    const next = nextNewYear();
    const r = await write(p, id, { score: '7' });
    assert.equal(seconds(r.expiry_time), next, 'expiry_time is the next 1 January 00:00 UTC');
    assert.match(r.expiry_time, WHOLE_SECONDS);
    const l = await list(p, id, { limit: 10 });
    assert.deepEqual(rows(l.records), [[p.id, '7', '0', '1']]);
    assert.equal(seconds(l.records[0].expiry_time), next);
    const same = await list(p, id, { limit: 10, expiry: String(next) });
    assert.deepEqual(rows(same.records), [[p.id, '7', '0', '1']], 'expiry = the current period');
    const other = await list(p, id, { limit: 10, expiry: String(nextNewYear(next * 1000 + 1000)) });
    assert.deepEqual(other, {}, 'expiry of another period: nothing');
    const around1 = await around(p, id, p.id, { limit: 3, expiry: String(next) });
    assert.deepEqual(rows(around1.records), [[p.id, '7', '0', '1']]);
    assert.deepEqual(await around(p, id, p.id, { limit: 3, expiry: String(next + 1) }), {});
    // On a board without reset, records have expiry 0: any other expiry lists nothing.
    const plain = await board();
    await write(p, plain, { score: '1' });
    assert.deepEqual(await list(p, plain, { limit: 10, expiry: String(next) }), {});
    assert.deepEqual(rows((await list(p, plain, { limit: 10, expiry: '0' })).records), [[p.id, '1', '0', '1']]);
    const neg = await rest('GET', `/v2/leaderboard/${plain}?limit=10&expiry=-1`, { token: p.token });
    assert.deepEqual([neg.status, neg.body], [200, {}], 'a negative expiry: nothing');
    const nan = await rest('GET', `/v2/leaderboard/${plain}?limit=10&expiry=soon`, { token: p.token });
    assert.equal(nan.status, 400);
    assert.equal(nan.body.code, INVALID_ARGUMENT);
  });

  test('authoritative boards: the client may not write or delete; the server may write', T, async () => {
    const p = await player();
    const id = await board({ authoritative: true });
    await refused(p.client.apiClient.writeLeaderboardRecord(p.token, id, { score: '1' }), 403, PERMISSION_DENIED, AUTHORITATIVE_WRITE, 'client write');
    const s = await step(serverRpc('leaderboard_record_write', { id, owner_id: p.id, username: p.username, score: 4 }), 'server write');
    assert.equal(s.score, 4);
    await refused(p.client.apiClient.deleteLeaderboardRecord(p.token, id), 403, PERMISSION_DENIED, AUTHORITATIVE_DELETE, 'client delete');
    const l = await list(p, id, { limit: 10 });
    assert.deepEqual(rows(l.records), [[p.id, '4', '0', '1']], 'the record is still there');
  });

  test('delete your own record; deleting again or with no record answers 200', T, async () => {
    const [a, b] = await players(2);
    const id = await board();
    await write(a, id, { score: '1' });
    await write(b, id, { score: '2' });
    // nakama-js 2.8.0's Client has no deleteLeaderboardRecord (only the generated apiClient has).
    const answer = await step(a.client.apiClient.deleteLeaderboardRecord(a.token, id), 'delete');
    assert.deepEqual(answer, {});
    const l = await list(a, id, { limit: 10 });
    assert.deepEqual(rows(l.records), [[b.id, '2', '0', '1']]);
    assert.equal(l.rank_count, '1');
    assert.deepEqual(await step(a.client.apiClient.deleteLeaderboardRecord(a.token, id), 'delete again'), {});
    await refused(a.client.apiClient.deleteLeaderboardRecord(a.token, uniqueId('lb')), 404, NOT_FOUND, NOT_FOUND_MSG, 'delete on an unknown board');
    // Writing again after the delete starts a new record.
    const r = await write(a, id, { score: '1' });
    assert.equal(r.num_score, 1);
  });

  test('unknown boards, bad ids, bad metadata, bad owners, bad cursors', T, async () => {
    const p = await player();
    const id = await board();
    await write(p, id, { score: '1' });
    const unknown = uniqueId('lb');
    await refused(p.client.apiClient.writeLeaderboardRecord(p.token, unknown, { score: '1' }), 404, NOT_FOUND, NOT_FOUND_MSG, 'write unknown');
    await refused(p.client.apiClient.listLeaderboardRecords(p.token, unknown, undefined, 10), 404, NOT_FOUND, NOT_FOUND_MSG, 'list unknown');
    // Ids are case-sensitive.
    await refused(p.client.apiClient.listLeaderboardRecords(p.token, 'GLOBAL'), 404, NOT_FOUND, NOT_FOUND_MSG, 'list GLOBAL');
    // Empty ids: the path without an id.
    const emptyList = await rest('GET', '/v2/leaderboard/?limit=1', { token: p.token });
    rawRefused(emptyList, 400, INVALID_ARGUMENT, BAD_ID, 'list with an empty id');
    const emptyWrite = await rest('POST', '/v2/leaderboard/', { token: p.token, body: { score: '1' } });
    rawRefused(emptyWrite, 400, INVALID_ARGUMENT, BAD_ID, 'write with an empty id');
    rawRefused(await rest('DELETE', '/v2/leaderboard/', { token: p.token }), 400, INVALID_ARGUMENT, BAD_ID, 'delete with an empty id');
    rawRefused(await rest('GET', `/v2/leaderboard//owner/${p.id}`, { token: p.token }), 404, NOT_FOUND, 'Not Found', 'around with an empty id: no route');
    rawRefused(await rest('GET', `/v2/leaderboard/${id}/owner/`, { token: p.token }), 400, INVALID_ARGUMENT,
      'Owner ID must be provided for a haystack query.', 'around with an empty owner');
    // Metadata must be a JSON object (the client sends it as a string).
    for (const md of ['[1]', '"x"', '1', 'nope', '{"a":']) {
      await refused(p.client.apiClient.writeLeaderboardRecord(p.token, id, { score: '2', metadata: md }), 400, INVALID_ARGUMENT, BAD_METADATA, `metadata ${md}`);
    }
    const md = await write(p, id, { score: '2', metadata: ' {"a": [1, 2]} ' });
    assert.deepEqual(JSON.parse(md.metadata), { a: [1, 2] }, 'whitespace around the object is accepted');
    // Scores: a JSON number is accepted; a bad one is refused; none is 0.
    const num = await rest('POST', `/v2/leaderboard/${id}`, { token: p.token, body: { score: 3 } });
    assert.equal(num.status, 200);
    assert.equal(num.body.score, '3');
    const badScore = await rest('POST', `/v2/leaderboard/${id}`, { token: p.token, body: { score: 'x' } });
    assert.equal(badScore.status, 400);
    assert.equal(badScore.body.code, INVALID_ARGUMENT);
    const noBody = await rest('POST', `/v2/leaderboard/${id}`, { token: p.token, body: '' });
    assert.equal(noBody.status, 200, `an empty body is a record of score 0: ${JSON.stringify(noBody.body)}`);
    assert.equal(noBody.body.score, '3', 'best: nothing changes');
    // Owner ids.
    rawRefused(await rest('GET', `/v2/leaderboard/${id}?owner_ids=zzz`, { token: p.token }), 400, INVALID_ARGUMENT, BAD_OWNERS, 'bad owner id');
    rawRefused(await rest('GET', `/v2/leaderboard/${id}?owner_ids=${p.id}&owner_ids=`, { token: p.token }), 400, INVALID_ARGUMENT, BAD_OWNERS, 'an empty owner id');
    // Cursors.
    rawRefused(await rest('GET', `/v2/leaderboard/${id}?limit=1&cursor=garbage`, { token: p.token }), 400, INVALID_ARGUMENT, BAD_CURSOR, 'garbage cursor');
    rawRefused(await rest('GET', `/v2/leaderboard/${id}?limit=1&cursor=${encodeURIComponent(Buffer.from('nope').toString('base64url'))}`, { token: p.token }),
      400, INVALID_ARGUMENT, BAD_CURSOR, 'base64 garbage cursor');
    const other = await board();
    const [q] = await players(1);
    await write(q, other, { score: '1' });
    await write(p, other, { score: '2' });
    const cursor = (await list(p, other, { limit: 1 })).next_cursor;
    rawRefused(await rest('GET', `/v2/leaderboard/${id}?limit=1&cursor=${encodeURIComponent(cursor)}`, { token: p.token }),
      400, INVALID_ARGUMENT, BAD_CURSOR, 'a cursor of another board');
    const emptyCursor = await rest('GET', `/v2/leaderboard/${id}?limit=1&cursor=`, { token: p.token });
    assert.equal(emptyCursor.status, 200, 'cursor= is no cursor');
    // No token.
    await expectHttpError(newClient().apiClient.listLeaderboardRecords('', id), 401, UNAUTHENTICATED, 'no token');
  });
});
