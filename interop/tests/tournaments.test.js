// Tournament interop tests (REST) through the official @heroiclabs/nakama-js client. The assertions are
// the reference Nakama 3.18.0's answers, recorded in interop/differential/reference-facts/leaderboards.md
// (issue 15). Tournaments are made by the server-to-server RPCs of
// interop/differential/reference-modules/leaderboards.lua (Gantry's Java twin does the same), each test
// its own with a unique id, deleted again after the file; listings are kept to the test's own
// tournaments by a start/end time window no other test or run uses (start times far in the future,
// or far in the past for ended ones), so the tests are independent and can run again and again.
//
// What nakama-js 2.8.0 does here (dist/nakama-js.esm.mjs):
// * listTournaments(session, categoryStart, categoryEnd, startTime, endTime, limit, cursor) maps each
//   tournament (numbers Number()'d, metadata parsed) but drops prev_reset and operator; the generated
//   `client.apiClient.listTournaments(...)` resolves with the JSON as it came, which the tests use.
// * joinTournament(session, id) resolves with true.
// * writeTournamentRecord(session, id, {score, subscore, metadata}) PUTs (the generated client has a
//   POST twin, writeTournamentRecord2) and maps the answer like writeLeaderboardRecord (create_time
//   dropped); `client.apiClient.writeTournamentRecord(token, id, record)` resolves with the JSON.
// * listTournamentRecords / listTournamentRecordsAroundOwner map records like the leaderboard ones but
//   drop rank_count; the generated versions resolve with the JSON as it came.
// * deleteTournamentRecord(session, id) resolves with the raw answer.
// * Non-2xx answers reject with the fetch Response (status, and the JSON body {code, message}).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
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
const FAILED_PRECONDITION = 9;
const UNAUTHENTICATED = 16;
const UNKNOWN_ID = '11111111-2222-3333-4444-555555555555';
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const MAX_INT32 = 2147483647;

const NOT_FOUND_MSG = 'Tournament not found.';
const ENDED_WRITE = 'Tournament not found or has ended.';
const ENDED_LIST = 'Tournament has ended.';
const NOT_ACTIVE_WRITE = 'Tournament is not active and cannot accept new scores.';
const NOT_ACTIVE_JOIN = 'Tournament is not active and cannot accept new joins.';
const FULL_JOIN = 'Tournament cannot be joined as it has reached its max size.';
const FULL_WRITE = 'Tournament has reached max size.';
const MAX_ATTEMPTS = 'Reached allowed max number of score attempts.';
const JOIN_FIRST = 'Must join tournament before attempting to write value.';
const BAD_LIMIT = 'Invalid limit - limit must be between 1 and 100.';
const BAD_CURSOR = 'Cursor is invalid or expired.';

before(() => serverReady());

const created = [];
after(async () => {
  for (const id of created) {
    try { await step(serverRpc('tournament_delete', { id }), 'tournament_delete'); } catch { /* best effort */ }
  }
});

/** A fresh device user. */
const player = () => devicePlayer('t-device');

/** Users made before the tests, sorted by id: players(n) signs the first n in again in that order. */
const players = sortedPlayerPool(12, 't-device');

/** A fresh tournament through the tournament_create RPC (deleted after the file); answers its id. */
async function tournament(fields = {}) {
  const id = fields.id ?? uniqueId('t');
  const answer = await step(serverRpc('tournament_create', {
    authoritative: false, sort_order: 'desc', operator: 'best', reset_schedule: '', metadata: {}, title: '',
    description: '', category: 0, start_time: 0, end_time: 0, duration: 3600, max_size: 0, max_num_score: 0,
    join_required: false, ...fields, id,
  }), 'tournament_create');
  assert.deepEqual(answer, { id });
  created.push(id);
  return id;
}

/**
 * A start time no other test or run uses: far in the future (2065..2094), on a whole 1000 seconds, so a
 * listing filtered by [start, start + 999] sees only this test's tournaments.
 */
const futureWindow = () => 3_000_000_000 + randomInt(0, 900_000) * 1000;
/** The same in the past (2017..2018), for tournaments that have ended. */
const pastWindow = () => 1_500_000_000 + randomInt(0, 30_000) * 1000;
/**
 * A start for tournaments running now: 2020..2021 on a whole 1000 seconds, ending ACTIVE_SPAN later (2061,
 * before any futureWindow): a listing filtered by [start, start + ACTIVE_SPAN] sees only the test's own.
 */
const ACTIVE_SPAN = 1_300_000_000;
const activeWindow = () => 1_600_000_000 + randomInt(0, 30_000) * 1000;

/** The generated client's listTournaments: the JSON answer as it came. */
function listT(p, { catStart, catEnd, start, end, limit, cursor } = {}, label = 'listTournaments') {
  return step(p.client.apiClient.listTournaments(p.token, catStart, catEnd, start, end, limit, cursor), label);
}

/** The generated client's record write (PUT): the JSON answer as it came. */
function write(p, id, record, label = `writeTournamentRecord ${JSON.stringify(record)}`) {
  return step(p.client.apiClient.writeTournamentRecord(p.token, id, record), label);
}

function join(p, id, label = 'joinTournament') {
  return step(p.client.joinTournament(p.session, id), label);
}

/** The generated client's record list: the JSON answer as it came. */
function records(p, id, { owners, limit, cursor, expiry } = {}, label = 'listTournamentRecords') {
  return step(p.client.apiClient.listTournamentRecords(p.token, id, owners, limit, cursor, expiry), label);
}

function around(p, id, ownerId, { limit, cursor, expiry } = {}, label = 'listTournamentRecordsAroundOwner') {
  return step(p.client.apiClient.listTournamentRecordsAroundOwner(p.token, id, ownerId, limit, expiry, cursor), label);
}

/** Refused with exactly this HTTP status, gRPC code and message. */
async function refused(promise, status, code, message, label) {
  const body = await expectHttpError(promise, status, code, label);
  assert.equal(body.message, message, `${label}: message`);
  return body;
}

function rawRefused(res, status, code, message, label) {
  assert.equal(res.status, status, `${label}: status (${JSON.stringify(res.body)})`);
  assert.equal(res.body.code, code, `${label}: code`);
  assert.equal(res.body.message, message, `${label}: message`);
}

const rows = (list = []) => list.map((r) => [r.owner_id, r.score ?? '0', r.subscore ?? '0', r.rank]);
const seconds = (rfc3339) => Date.parse(rfc3339) / 1000;

/** The next instant of cron "0 0 * * 1" (Monday 00:00 UTC, strictly after now) in epoch seconds. */
function nextMonday(nowMs = Date.now()) {
  const d = new Date(nowMs);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const days = ((8 - d.getUTCDay()) % 7) || 7;
  return midnight / 1000 + days * 86400;
}

/** The next 1 January 00:00 UTC (cron "0 0 1 1 *") in epoch seconds. */
const nextNewYear = (nowMs = Date.now()) => Date.UTC(new Date(nowMs).getUTCFullYear() + 1, 0, 1) / 1000;

describe('tournaments', S, () => {
  test('weekly-cup, created at load: every field of a listed tournament', T, async () => {
    const p = await player();
    let cursor;
    let cup;
    do {
      const page = await listT(p, { catStart: 1, catEnd: 1, limit: 100, cursor });
      cup = (page.tournaments ?? []).find((t) => t.id === 'weekly-cup');
      cursor = page.cursor;
    } while (!cup && cursor);
    assert.ok(cup, 'weekly-cup is listed');
    const now = Date.now() / 1000;
    assert.deepEqual(Object.keys(cup).sort(), ['can_enter', 'category', 'create_time', 'description', 'duration', 'end_active',
      'id', 'max_num_score', 'max_size', 'metadata', 'next_reset', 'operator', 'prev_reset', 'sort_order', 'start_active',
      'start_time', 'title'], 'size 0, authoritative false and end_time none are left out');
    assert.equal(cup.title, 'Weekly cup');
    assert.equal(cup.description, 'Best score of the week');
    assert.equal(cup.category, 1);
    assert.equal(cup.sort_order, 1, 'desc is 1');
    assert.equal(cup.operator, 1, 'best is 1 (the Operator enum as a number)');
    assert.equal(cup.max_size, MAX_INT32, 'max_size 0 is stored as the int32 maximum');
    assert.equal(cup.max_num_score, 1000000, 'max_num_score 0 is stored as 1000000');
    assert.equal(cup.duration, 604800);
    assert.equal(cup.metadata, '{}');
    assert.equal(cup.can_enter, true);
    assert.match(cup.create_time, WHOLE_SECONDS);
    assert.equal(cup.start_time, cup.create_time, 'start_time 0 is the creation time');
    const monday = nextMonday();
    assert.equal(cup.next_reset, monday);
    assert.equal(cup.end_active, monday, 'the active period ends at the reset (duration is a week)');
    assert.equal(cup.prev_reset, monday - 7 * 86400);
    assert.equal(cup.start_active, Math.max(seconds(cup.start_time), monday - 7 * 86400),
      'the period started at the last reset, or at the start time if that is later');
    assert.ok(cup.start_active <= now);
    // The nakama-js wrapper drops operator and prev_reset.
    const w = await step(p.client.listTournaments(p.session, 1, 1, undefined, undefined, 100), 'wrapper listTournaments');
    const wc = w.tournaments.find((t) => t.id === 'weekly-cup');
    assert.equal(wc.operator, undefined);
    assert.equal(wc.prev_reset, undefined);
    assert.equal(wc.max_size, MAX_INT32);
    assert.equal(wc.size, 0, 'the wrapper turns absent numbers into 0');
  });

  test('tournament_create: the fields as listed', T, async () => {
    const p = await player();
    const start = futureWindow();
    const full = await tournament({
      authoritative: true, sort_order: 'asc', operator: 'incr', metadata: { k: 'v' }, title: 'Title', description: 'Desc',
      category: 7, start_time: start, end_time: start + 500, duration: 100, max_size: 3, max_num_score: 2, join_required: true,
    });
    const min = await tournament({ start_time: start + 1, end_time: start + 600 });
    const page = await listT(p, { start, end: start + 999 });
    assert.deepEqual(page.tournaments.map((t) => t.id), [full, min], 'ordered by start time');
    assert.equal(page.cursor, undefined);
    const [a, b] = page.tournaments;
    // metadata compared parsed: the reference renders it as jsonb ('{"k": "v"}'), Gantry as written (docs/COMPATIBILITY.md)
    assert.deepEqual({ ...a, metadata: JSON.parse(a.metadata) }, {
      id: full, title: 'Title', description: 'Desc', category: 7, max_size: 3, max_num_score: 2,
      end_active: start + 100, metadata: { k: 'v' }, create_time: a.create_time, start_time: new Date(start * 1000).toISOString().replace('.000', ''),
      end_time: new Date((start + 500) * 1000).toISOString().replace('.000', ''), duration: 100, start_active: start,
      next_reset: start + 500, operator: 3, authoritative: true,
    }, 'asc is 0 (left out), incr is 3; next_reset is the end time when there is no reset');
    assert.ok(Math.abs(seconds(a.create_time) - Date.now() / 1000) < 60, 'create_time is now');
    assert.equal(b.can_enter, undefined, 'a tournament that has not started: can_enter false (left out)');
    assert.equal(b.max_size, MAX_INT32);
    assert.equal(b.max_num_score, 1000000);
    assert.equal(b.sort_order, 1);
    assert.equal(b.operator, 1);
    assert.equal(b.title, undefined, 'an empty title is left out');
    // join_required is not in the listing: a join and a write show it.
    // Creating the same id again is a no-op (the first definition stays).
    await tournament({ id: full, title: 'Other', start_time: start + 2, end_time: start + 700 });
    const again = await listT(p, { start, end: start + 999 });
    assert.deepEqual(again.tournaments.map((t) => [t.id, t.title]), [[full, 'Title'], [min, undefined]]);
  });

  test('listTournaments: category and time filters, the default, cursor, limit', LONG, async () => {
    const p = await player();
    const start = futureWindow();
    // Categories 101..104 are this test's only: the listings without an end filter are kept to them.
    const t1 = await tournament({ category: 101, start_time: start, end_time: start + 100 });
    const t2 = await tournament({ category: 102, start_time: start + 10, end_time: start + 100 });
    const t3 = await tournament({ category: 103, start_time: start + 10, end_time: start + 200 });
    const t4 = await tournament({ category: 103, start_time: start + 20, end_time: start + 50 });
    const open = await tournament({ category: 104, start_time: start + 30 }); // never ends
    const ids = async (q) => ((await listT(p, q)).tournaments ?? []).map((t) => t.id);
    // Order: start time, then the LATER end first, then category, then id.
    assert.deepEqual(await ids({ start, end: start + 999 }), [t1, t3, t2, t4]);
    assert.deepEqual(await ids({ start: start + 10, end: start + 999 }), [t3, t2, t4], 'start_time: tournaments starting at or after it');
    assert.deepEqual(await ids({ start, end: start + 100 }), [t1, t2, t4], 'end_time: tournaments ending at or before it');
    assert.deepEqual(await ids({ start, end: start + 99 }), [t4]);
    assert.deepEqual(await ids({ catStart: 101, catEnd: 104, start, end: 0 }), [open], 'end_time 0: only tournaments that never end');
    assert.deepEqual(await ids({ catStart: 101, catEnd: 104, start }), [t1, t3, t2, t4, open],
      'no end_time: every tournament that has not ended, those without end too');
    assert.deepEqual(await ids({ catStart: 101, catEnd: 104 }), [t1, t3, t2, t4, open], 'no time filter: the same');
    assert.deepEqual(await ids({ catStart: 102, catEnd: 103, start, end: start + 999 }), [t3, t2, t4]);
    assert.deepEqual(await ids({ catStart: 103, catEnd: 103, start, end: start + 999 }), [t3, t4]);
    assert.deepEqual(await ids({ catStart: 102, start, end: start + 999 }), [t3, t2, t4], 'category_start alone');
    assert.deepEqual(await ids({ catEnd: 101, start, end: start + 999 }), [t1], 'category_end alone');
    // Cursor: pages of 2.
    const p1 = await listT(p, { start, end: start + 999, limit: 2 });
    assert.deepEqual(p1.tournaments.map((t) => t.id), [t1, t3]);
    assert.ok(p1.cursor);
    const p2 = await listT(p, { start, end: start + 999, limit: 2, cursor: p1.cursor });
    assert.deepEqual(p2.tournaments.map((t) => t.id), [t2, t4]);
    assert.equal(p2.cursor, undefined, 'the reference gives no cursor when the last page is exactly full');
    const p3 = await listT(p, { start, end: start + 999, limit: 3 });
    assert.ok(p3.cursor);
    const p4 = await listT(p, { start, end: start + 999, limit: 3, cursor: p3.cursor });
    assert.deepEqual(p4.tournaments.map((t) => t.id), [t4]);
    // An empty answer.
    const none = await listT(p, { start: start + 900, end: start + 999 });
    assert.deepEqual(none, {});
    // Bounds and messages.
    const base = `/v2/tournament?start_time=${start}&end_time=${start + 999}`;
    for (const bad of [0, 101, -1]) {
      rawRefused(await rest('GET', `${base}&limit=${bad}`, { token: p.token }), 400, INVALID_ARGUMENT, 'Limit must be between 1 and 100.', `limit ${bad}`);
    }
    assert.equal((await rest('GET', `${base}&limit=100`, { token: p.token })).status, 200);
    rawRefused(await rest('GET', '/v2/tournament?category_end=128', { token: p.token }), 400, INVALID_ARGUMENT,
      'Tournament category end must be >=0 and <128.', 'category_end 128');
    rawRefused(await rest('GET', '/v2/tournament?category_start=5&category_end=4', { token: p.token }), 400, INVALID_ARGUMENT,
      'Tournament category end must be greater than category start.', 'category_end < category_start');
    assert.equal((await rest('GET', '/v2/tournament?category_start=5&category_end=5&limit=1', { token: p.token })).status, 200);
    const catStartOnly = await rest('GET', '/v2/tournament?category_start=200&limit=1', { token: p.token });
    assert.deepEqual([catStartOnly.status, catStartOnly.body], [200, {}], 'category_start 200 alone is not checked: nothing');
    rawRefused(await rest('GET', `/v2/tournament?start_time=${start}&end_time=${start - 1}`, { token: p.token }), 400, INVALID_ARGUMENT,
      'Tournament end time must be greater than start time.', 'end before start');
    // A bad cursor: HTTP 500 with gRPC code 2 (Unknown) and the internal error's text.
    rawRefused(await rest('GET', '/v2/tournament?cursor=garbage', { token: p.token }), 500, 2, 'leaderboard cursor invalid', 'bad cursor');
    const negCat = await rest('GET', '/v2/tournament?category_start=-1', { token: p.token });
    assert.equal(negCat.status, 400, `category_start -1 (an unsigned field): ${JSON.stringify(negCat.body)}`);
    await expectHttpError(newClient().apiClient.listTournaments(''), 401, UNAUTHENTICATED, 'no token');
  });

  test('join required: write before join refused; join, size, can_enter; joining again', T, async () => {
    const [a, b] = await players(2);
    const start = activeWindow();
    const id = await tournament({ join_required: true, max_size: 5, start_time: start, end_time: start + ACTIVE_SPAN, duration: ACTIVE_SPAN });
    const listed = async () => {
      const page = await listT(a, { start, end: start + ACTIVE_SPAN });
      assert.deepEqual(page.tournaments.map((t) => t.id), [id]);
      return page.tournaments[0];
    };
    assert.equal((await listed()).size, undefined, 'size 0 before any join');
    assert.equal((await listed()).can_enter, true);
    await refused(a.client.apiClient.writeTournamentRecord(a.token, id, { score: '1' }), 400, FAILED_PRECONDITION, JOIN_FIRST, 'write before join');
    assert.equal(await join(a, id), true);
    // A join writes an empty record: score 0, num_score 0.
    const l = await records(a, id);
    assert.deepEqual(rows(l.records), [[a.id, '0', '0', '1']]);
    assert.equal(l.records[0].num_score, undefined, 'num_score 0 is left out');
    assert.equal(l.records[0].max_num_score, 1000000);
    assert.equal(l.records[0].username, a.username);
    assert.equal(await join(a, id), true, 'joining again is a success');
    const r = await write(a, id, { score: '10', subscore: '1', metadata: '{"a":1}' });
    // metadata compared parsed: the reference renders it as jsonb ('{"a": 1}'), Gantry as written (docs/COMPATIBILITY.md)
    assert.deepEqual([r.score, r.subscore, r.num_score, r.rank, JSON.parse(r.metadata)], ['10', '1', 1, '1', { a: 1 }]);
    assert.equal(seconds(r.expiry_time), start + ACTIVE_SPAN, 'no reset: the record expires at the end time');
    assert.equal((await listed()).size, 1, 'a join counts; joining again and writing do not');
    await join(b, id);
    assert.equal((await listed()).size, 2);
    const rl = await records(a, id);
    assert.deepEqual(rows(rl.records), [[a.id, '10', '1', '1'], [b.id, '0', '0', '2']]);
    assert.equal(rl.rank_count, '2');
  });

  test('join_required false: joining is a no-op success; the first write enters', T, async () => {
    const [a] = await players(1);
    const id = await tournament({ join_required: false, max_size: 5 });
    assert.equal(await join(a, id), true);
    assert.deepEqual(await records(a, id), {}, 'the join wrote nothing');
    const r = await write(a, id, { score: '3' });
    assert.deepEqual([r.score, r.num_score, r.max_num_score], ['3', 1, 1000000]);
    assert.equal(r.expiry_time, undefined, 'no reset and no end: no expiry_time');
    // The wrapper.
    const w = await step(a.client.writeTournamentRecord(a.session, id, { score: '4', subscore: '0' }), 'wrapper write');
    assert.equal(w.score, 4);
    assert.equal(w.num_score, 2);
  });

  test('max_size: joins and writes past it are refused; size and can_enter in the listing', T, async () => {
    const [a, b, c] = await players(3);
    const start = activeWindow();
    const end = start + ACTIVE_SPAN;
    const joined = await tournament({ join_required: true, max_size: 2, start_time: start, end_time: end, duration: ACTIVE_SPAN });
    await join(a, joined);
    await join(b, joined);
    await refused(c.client.apiClient.joinTournament(c.token, joined), 400, INVALID_ARGUMENT, FULL_JOIN, 'third join');
    await join(a, joined); // already in: still a success

    const open = await tournament({ join_required: false, max_size: 2, start_time: start + 1, end_time: end, duration: ACTIVE_SPAN });
    await write(a, open, { score: '1' });
    await write(b, open, { score: '2' });
    await write(a, open, { score: '3' });
    await refused(c.client.apiClient.writeTournamentRecord(c.token, open, { score: '4' }), 400, FAILED_PRECONDITION, FULL_WRITE, 'third writer');
    const l = await records(a, open);
    assert.deepEqual(rows(l.records), [[a.id, '3', '0', '1'], [b.id, '2', '0', '2']], 'the refused write left nothing');
    // Without a max size, size is not counted.
    const free = await tournament({ start_time: start + 2, end_time: end, duration: ACTIVE_SPAN });
    await write(a, free, { score: '1' });

    const listed = await listT(a, { start, end });
    assert.deepEqual(listed.tournaments.map((t) => [t.id, t.size, t.max_size, t.can_enter]), [
      [joined, 2, 2, undefined],
      [open, 2, 2, undefined],
      [free, undefined, MAX_INT32, true],
    ], 'full: can_enter false (left out); no max size: size stays 0 (left out)');
  });

  test('max_num_score: attempts past it refused; tournament_add_attempt raises it', T, async () => {
    const [a, b] = await players(2);
    const id = await tournament({ max_num_score: 2, operator: 'incr' });
    let r = await write(a, id, { score: '1' });
    assert.deepEqual([r.score, r.num_score, r.max_num_score], ['1', 1, 2]);
    r = await write(a, id, { score: '1' });
    assert.deepEqual([r.score, r.num_score], ['2', 2]);
    await refused(a.client.apiClient.writeTournamentRecord(a.token, id, { score: '1' }), 400, FAILED_PRECONDITION, MAX_ATTEMPTS, 'third attempt');
    assert.deepEqual(rows((await records(a, id)).records), [[a.id, '2', '0', '1']], 'the refused attempt changed nothing');
    assert.deepEqual(await step(serverRpc('tournament_add_attempt', { id, owner_id: a.id, count: 2 }), 'add_attempt'), { id });
    const listed = (await records(a, id)).records[0];
    assert.equal(listed.max_num_score, 4);
    assert.equal(listed.num_score, 2);
    r = await write(a, id, { score: '1' });
    assert.deepEqual([r.score, r.num_score, r.max_num_score], ['3', 3, 4]);
    await step(serverRpc('tournament_add_attempt', { id, owner_id: a.id, count: -1 }), 'add_attempt -1');
    await refused(a.client.apiClient.writeTournamentRecord(a.token, id, { score: '1' }), 400, FAILED_PRECONDITION, MAX_ATTEMPTS, 'after -1');
    // For an owner without a record: a success that changes nothing.
    await step(serverRpc('tournament_add_attempt', { id, owner_id: b.id, count: 5 }), 'add_attempt without record');
    r = await write(b, id, { score: '1' });
    assert.equal(r.max_num_score, 2);
    // join_required: the write that would pass max_num_score is refused the same way.
    const jr = await tournament({ max_num_score: 1, join_required: true });
    await join(a, jr);
    r = await write(a, jr, { score: '5' });
    assert.deepEqual([r.score, r.num_score, r.max_num_score], ['5', 1, 1]);
    const second = await rest('PUT', `/v2/tournament/${jr}`, { token: a.token, body: { score: '6' } });
    assert.deepEqual([second.status, second.body.score, second.body.num_score], [200, '5', 1],
      'join required: a write past max_num_score answers 200 with the record unchanged');
  });

  test('a tournament that has not started: join allowed, write refused', T, async () => {
    const [a] = await players(1);
    const start = futureWindow();
    const id = await tournament({ start_time: start, end_time: start + 7200, join_required: true });
    assert.equal(await join(a, id), true, 'joining before the start is allowed');
    await refused(a.client.apiClient.writeTournamentRecord(a.token, id, { score: '1' }), 400, FAILED_PRECONDITION, NOT_ACTIVE_WRITE, 'write before start');
    const l = await records(a, id);
    assert.deepEqual(rows(l.records), [[a.id, '0', '0', '1']]);
    const listed = await listT(a, { start, end: start + 7200 });
    assert.deepEqual(listed.tournaments.map((x) => x.id), [id]);
    const t = listed.tournaments[0];
    assert.equal(t.can_enter, undefined);
    assert.equal(t.start_active, start);
    assert.equal(t.end_active, start + 3600);
    assert.equal(t.next_reset, start + 7200, 'no reset: next_reset is the end time');
    // A reset schedule with a short duration: outside the active period now.
    const closed = await tournament({ reset_schedule: '0 0 1 1 *', duration: 1 });
    await refused(a.client.apiClient.writeTournamentRecord(a.token, closed, { score: '1' }), 400, FAILED_PRECONDITION, NOT_ACTIVE_WRITE, 'outside the active period');
    // Started in the past without reset or end: active only for its duration after the start.
    const past = await tournament({ start_time: pastWindow(), duration: 100, join_required: true });
    await refused(a.client.apiClient.joinTournament(a.token, past), 400, INVALID_ARGUMENT, NOT_ACTIVE_JOIN, 'join after the only period');
    await refused(a.client.apiClient.writeTournamentRecord(a.token, past, { score: '1' }), 400, FAILED_PRECONDITION, NOT_ACTIVE_WRITE, 'write after the only period');
    // A join only checks that the current period's end has not passed, and the reference places the
    // period of a tournament created after this year's only active second on next year's: joining works.
    assert.equal(await join(a, closed), true, 'join outside the active period');
  });

  test('an ended tournament (start and end in the past): created, listed only when asked, closed', T, async () => {
    const [a] = await players(1);
    const start = pastWindow();
    // Category 127 is this test's only, so the listings without an end filter are kept to its two.
    const id = await tournament({ category: 127, start_time: start, end_time: start + 100, join_required: true });
    const running = await tournament({ category: 127, start_time: start + 1 });
    const asked = await listT(a, { start, end: start + 999 });
    assert.deepEqual(asked.tournaments.map((t) => t.id), [id], 'an end_time filter lists ended tournaments');
    const t = asked.tournaments[0];
    assert.equal(t.can_enter, undefined);
    assert.equal(t.start_active, start);
    assert.equal(t.end_active, start + 100);
    assert.equal(t.next_reset, start + 100);
    const byStart = await listT(a, { catStart: 127, catEnd: 127, start });
    assert.deepEqual(byStart.tournaments.map((x) => x.id), [running], 'without end_time: ended tournaments are left out');
    const byCategory = await listT(a, { catStart: 127, catEnd: 127 });
    assert.deepEqual(byCategory.tournaments.map((x) => x.id), [running], 'the default: the same');
    await refused(a.client.apiClient.joinTournament(a.token, id), 400, INVALID_ARGUMENT, NOT_ACTIVE_JOIN, 'join');
    await refused(a.client.apiClient.writeTournamentRecord(a.token, id, { score: '1' }), 404, NOT_FOUND, ENDED_WRITE, 'write');
    await refused(a.client.apiClient.listTournamentRecords(a.token, id), 404, NOT_FOUND, ENDED_LIST, 'list records');
    const withExpiry = await records(a, id, { expiry: String(start + 100) });
    assert.deepEqual(withExpiry, {}, 'with an expiry the ended tournament lists (nothing)');
    const aroundEnded = await around(a, id, a.id, { limit: 3 });
    assert.deepEqual(aroundEnded, {}, 'around owner does not check the end');
  });

  test('a tournament with a reset: the record expires at the next reset', T, async () => {
    const [a] = await players(1);
    const id = await tournament({ reset_schedule: '0 0 1 1 *', duration: 366 * 86400 });
    const r = await write(a, id, { score: '2' });
    assert.equal(seconds(r.expiry_time), nextNewYear());
    const l = await records(a, id);
    assert.equal(seconds(l.records[0].expiry_time), nextNewYear());
    assert.deepEqual(await records(a, id, { expiry: String(nextNewYear() + 1) }), {});
  });

  test('records: order, ranks, default limit 10, owner_records, cursors, around owner', LONG, async () => {
    const ps = await players(12);
    const id = await tournament();
    for (let i = 0; i < ps.length; i++) await write(ps[i], id, { score: String(120 - 10 * i) });
    const ranked = ps.map((p, i) => [p.id, String(120 - 10 * i), '0', String(i + 1)]);
    const p = ps[0];
    const dflt = await records(p, id);
    assert.deepEqual(rows(dflt.records), ranked.slice(0, 10), 'without limit: 10');
    assert.ok(dflt.next_cursor);
    assert.equal(dflt.rank_count, '12');
    const next = await records(p, id, { cursor: dflt.next_cursor });
    assert.deepEqual(rows(next.records), ranked.slice(10), 'a cursor without a limit: 10 again');
    assert.ok(next.prev_cursor);
    const owners = await records(p, id, { owners: [ps[11].id, ps[3].id] });
    assert.deepEqual(rows(owners.records), ranked.slice(0, 10), 'owner_ids without limit: still a page of 10');
    assert.deepEqual(rows(owners.owner_records).sort(), [ranked[11], ranked[3]].sort());
    const limited = await records(p, id, { limit: 3 });
    assert.deepEqual(rows(limited.records), ranked.slice(0, 3));
    // Around owner: the leaderboard's pages, but the prev_cursor is the NEXT cursor (a reference bug:
    // TournamentRecordsHaystack returns PrevCursor: results.NextCursor).
    const mid = await around(p, id, ps[5].id, { limit: 3 });
    assert.deepEqual(rows(mid.records), ranked.slice(4, 7));
    assert.ok(mid.next_cursor);
    assert.equal(mid.prev_cursor, mid.next_cursor);
    assert.equal(mid.rank_count, '12');
    const top = await around(p, id, ps[0].id, { limit: 3 });
    assert.deepEqual(rows(top.records), ranked.slice(0, 3));
    assert.equal(top.prev_cursor, top.next_cursor);
    const bottom = await around(p, id, ps[11].id, { limit: 3 });
    assert.deepEqual(rows(bottom.records), ranked.slice(9));
    assert.equal(bottom.next_cursor, undefined);
    assert.equal(bottom.prev_cursor, undefined, 'no next cursor: no prev cursor either');
    const dfltAround = await around(p, id, ps[5].id);
    assert.deepEqual(rows(dfltAround.records), ranked, 'around owner without limit: 100 (the leaderboard\'s is 1)');
    const nobody = await player();
    assert.deepEqual(await around(p, id, nobody.id, { limit: 3 }), {});
    // The wrapper drops rank_count.
    const w = await step(p.client.listTournamentRecordsAroundOwner(p.session, id, ps[5].id, 3), 'wrapper around');
    assert.deepEqual(w.records.map((r) => r.rank), [5, 6, 7]);
    assert.equal(w.rank_count, undefined);
  });

  test('authoritative tournaments: the client may not write; the server may', T, async () => {
    const [a] = await players(1);
    const id = await tournament({ authoritative: true });
    await refused(a.client.apiClient.writeTournamentRecord(a.token, id, { score: '1' }), 403, PERMISSION_DENIED,
      'Tournament only allows authoritative score submissions.', 'client write');
    const s = await step(serverRpc('tournament_record_write', { id, owner_id: a.id, username: a.username, score: 7, subscore: 1, metadata: { x: 1 } }), 'server write');
    assert.deepEqual(s, {
      leaderboard_id: id, owner_id: a.id, username: a.username, score: 7, subscore: 1, num_score: 1, max_num_score: 1000000,
      metadata: { x: 1 }, create_time: s.create_time, update_time: s.update_time, rank: 1,
    });
    // The reference maps the tournament errors wrongly here: 500, not 403.
    await refused(a.client.apiClient.deleteTournamentRecord(a.token, id), 500, 13,
      'Error deleting score from tournament.', 'client delete');
    assert.deepEqual(rows((await records(a, id)).records), [[a.id, '7', '1', '1']]);
  });

  test('delete your own tournament record', T, async () => {
    const [a, b] = await players(2);
    const id = await tournament();
    await write(a, id, { score: '1' });
    await write(b, id, { score: '2' });
    assert.deepEqual(await step(a.client.deleteTournamentRecord(a.session, id), 'deleteTournamentRecord'), {});
    assert.deepEqual(rows((await records(a, id)).records), [[b.id, '2', '0', '1']]);
    // Deleting a record that is not there, or on an unknown tournament: 500 on the reference (the
    // database's "no rows" and the tournament errors all fall to the default case).
    await refused(a.client.apiClient.deleteTournamentRecord(a.token, id), 500, 13, 'Error deleting score from tournament.', 'delete again');
    await refused(a.client.apiClient.deleteTournamentRecord(a.token, uniqueId('t')), 500, 13, 'Error deleting score from tournament.', 'unknown');
    rawRefused(await rest('DELETE', '/v2/tournament/', { token: a.token }), 400, INVALID_ARGUMENT, 'Invalid tournament ID.', 'empty id');
    const r = await write(a, id, { score: '1' });
    assert.equal(r.num_score, 1, 'writing after the delete starts a new record');
  });

  test('tournaments and leaderboards share ids: what each API does with the other', T, async () => {
    const [a] = await players(1);
    const lb = uniqueId('lb');
    await step(serverRpc('leaderboard_create', { id: lb, authoritative: false, sort_order: 'desc', operator: 'best', reset_schedule: '', metadata: {} }), 'leaderboard_create');
    await refused(a.client.apiClient.writeTournamentRecord(a.token, lb, { score: '1' }), 500, 13, 'Error writing score to tournament.', 'tournament write on a leaderboard');
    await refused(a.client.apiClient.listTournamentRecords(a.token, lb), 404, NOT_FOUND, NOT_FOUND_MSG, 'tournament list on a leaderboard');
    await refused(a.client.apiClient.joinTournament(a.token, lb), 404, NOT_FOUND, NOT_FOUND_MSG, 'join a leaderboard');
    const t = await tournament();
    const r = await step(a.client.apiClient.writeLeaderboardRecord(a.token, t, { score: '5' }), 'leaderboard write on a tournament');
    assert.equal(r.score, '5', 'the leaderboard API writes to a tournament');
    const l = await step(a.client.apiClient.listLeaderboardRecords(a.token, t, undefined, 10), 'leaderboard list on a tournament');
    assert.deepEqual(rows(l.records), [[a.id, '5', '0', '1']]);
    await step(serverRpc('leaderboard_delete', { id: lb }), 'leaderboard_delete');
  });

  test('unknown tournaments, empty ids, bad owners, bad cursors, bad metadata, limits', T, async () => {
    const [a] = await players(1);
    const id = await tournament();
    await write(a, id, { score: '1' });
    const unknown = uniqueId('t');
    await refused(a.client.apiClient.writeTournamentRecord(a.token, unknown, { score: '1' }), 404, NOT_FOUND, NOT_FOUND_MSG, 'write unknown');
    await refused(a.client.apiClient.joinTournament(a.token, unknown), 404, NOT_FOUND, NOT_FOUND_MSG, 'join unknown');
    await refused(a.client.apiClient.listTournamentRecords(a.token, unknown), 404, NOT_FOUND, NOT_FOUND_MSG, 'list unknown');
    await refused(a.client.apiClient.listTournamentRecordsAroundOwner(a.token, unknown, a.id, 3), 404, NOT_FOUND, NOT_FOUND_MSG, 'around unknown');
    rawRefused(await rest('GET', '/v2/tournament//owner/' + a.id, { token: a.token }), 404, NOT_FOUND, 'Not Found', 'around with an empty id: no route');
    rawRefused(await rest('PUT', '/v2/tournament/', { token: a.token, body: { score: '1' } }), 400, INVALID_ARGUMENT, 'Tournament ID must be provided.', 'write with an empty id');
    rawRefused(await rest('POST', '/v2/tournament//join', { token: a.token }), 404, NOT_FOUND, NOT_FOUND_MSG, 'join with an empty id');
    rawRefused(await rest('POST', '/v2/tournament/', { token: a.token, body: { score: '1' } }), 400, INVALID_ARGUMENT, 'Tournament ID must be provided.', 'POST write with an empty id');
    rawRefused(await rest('GET', '/v2/tournament/', { token: a.token }), 400, INVALID_ARGUMENT, 'Tournament ID must be provided', 'list with an empty id (no period)');
    rawRefused(await rest('GET', `/v2/tournament/${id}/owner/`, { token: a.token }), 400, INVALID_ARGUMENT,
      'Owner ID must be provided for a haystack query.', 'around with an empty owner');
    rawRefused(await rest('GET', `/v2/tournament/${id}?owner_ids=zzz`, { token: a.token }), 400, INVALID_ARGUMENT, 'One or more owner IDs are invalid.', 'bad owner');
    rawRefused(await rest('GET', `/v2/tournament/${id}/owner/zzz?limit=3`, { token: a.token }), 400, INVALID_ARGUMENT, 'Invalid owner ID provided.', 'bad around owner');
    rawRefused(await rest('GET', `/v2/tournament/${id}?cursor=garbage`, { token: a.token }), 400, INVALID_ARGUMENT, BAD_CURSOR, 'bad cursor');
    rawRefused(await rest('GET', `/v2/tournament/${id}/owner/${a.id}?limit=3&cursor=garbage`, { token: a.token }), 500, 13,
      'Error querying records from leaderboard.', 'bad around cursor');
    for (const bad of [0, 101]) {
      rawRefused(await rest('GET', `/v2/tournament/${id}?limit=${bad}`, { token: a.token }), 400, INVALID_ARGUMENT, BAD_LIMIT, `limit ${bad}`);
      rawRefused(await rest('GET', `/v2/tournament/${id}/owner/${a.id}?limit=${bad}`, { token: a.token }), 400, INVALID_ARGUMENT, BAD_LIMIT, `around limit ${bad}`);
    }
    await refused(a.client.apiClient.writeTournamentRecord(a.token, id, { score: '2', metadata: '[1]' }), 400, INVALID_ARGUMENT,
      'Metadata value must be JSON, if provided.', 'metadata [1]');
    const post = await rest('POST', `/v2/tournament/${id}`, { token: a.token, body: { score: '3' } });
    assert.deepEqual([post.status, post.body.score], [200, '3'], 'POST writes like PUT');
    await expectHttpError(newClient().apiClient.joinTournament('', id), 401, UNAUTHENTICATED, 'no token');
  });
});
