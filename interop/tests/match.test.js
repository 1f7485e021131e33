// Match interop tests: relayed matches (create, join, presence events, match data to all or to
// some, leave) and joining a server-authoritative match (the tic-tac-toe example module, created
// through its RPC), through the official @heroiclabs/nakama-js client with JSON and protobuf
// sockets (see helpers.js for how the client behaves under Node).
//
// What nakama-js does with match replies (dist/nakama-js.cjs.js): createMatch and joinMatch
// resolve with `response.match`; leaveMatch resolves with the whole (empty) reply envelope;
// sendMatchState is sent without a cid and resolves at once (a string payload is base64'd on
// JSON sockets); onmatchdata gets match_data with op_code parsed to a number and data as a
// Uint8Array; client.rpc(session, id, input) POSTs JSON.stringify(input) and resolves with
// {id, payload: JSON.parse(payload)}; listMatches resolves with the MatchList JSON.
// Errors reject with the Error message itself: {code, message}.
//
// The server under test (NakamaJsInteropTest) runs the tic-tac-toe module: match handler
// "tictactoe" and RPC "tictactoe_create" answering {"match_id": ...}.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, connect, closeAllSockets, eventQueue, serverReady, sleep,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

// rtapi Error codes.
const MATCH_NOT_FOUND = 4;
const MATCH_JOIN_REJECTED = 5;

// tic-tac-toe op codes (examples/tictactoe).
const OP_MOVE = 1;
const OP_STATE = 2;
const OP_REJECTED = 3;

before(() => serverReady());
after(() => closeAllSockets());

/** A connected player with queues for match data and presence events. */
async function player(format = 'json') {
  const client = newClient();
  const session = await step(client.authenticateDevice(uniqueId('match-device'), true), 'authenticateDevice');
  const socket = await connect(client, session, { format });
  return {
    client,
    session,
    socket,
    data: eventQueue(socket, 'onmatchdata'),
    presence: eventQueue(socket, 'onmatchpresence'),
  };
}

/** Awaits `promise`, which must reject with an rtapi Error of `code`. Returns the error. */
async function expectSocketError(promise, code, label) {
  let result;
  try {
    result = await step(promise, label);
  } catch (err) {
    if (err instanceof Error) throw new Error(`${label}: expected error code ${code}, got ${err.message}`, { cause: err });
    assert.equal(err.code, code, `${label}: ${JSON.stringify(err)}`);
    return err;
  }
  throw new Error(`${label}: expected error code ${code}, but it succeeded: ${JSON.stringify(result)}`);
}

const userIds = (presences) => (presences || []).map((p) => p.user_id).sort();
const text = (data) => new TextDecoder().decode(data);

/** Waits for a presence event of `matchId` in which `userId` joins (or leaves). */
function seePresence(p, matchId, userId, kind = 'joins') {
  return p.presence.nextMatching(
    (e) => e.match_id === matchId && (e[kind] || []).some((x) => x.user_id === userId),
    STEP_TIMEOUT_MS, `${kind} of ${userId}`);
}

for (const format of ['json', 'protobuf']) {
  describe(`relayed match (${format})`, S, () => {
    test('createMatch, joinMatch with metadata, and presence events for everyone, the joiner included', T, async () => {
      const a = await player(format);
      const b = await player(format);
      const match = await step(a.socket.createMatch(), 'createMatch');
      assert.match(match.match_id, /^[0-9a-f-]{36}\.$/);
      assert.ok(!match.authoritative);
      assert.equal(match.size, 1);
      assert.equal(match.self.user_id, a.session.user_id);
      await seePresence(a, match.match_id, a.session.user_id);

      const joined = await step(b.socket.joinMatch(match.match_id, undefined, { skill: '10' }), 'joinMatch');
      assert.equal(joined.match_id, match.match_id);
      assert.equal(joined.size, 1);
      assert.deepEqual(userIds(joined.presences), [a.session.user_id]);
      assert.equal(joined.self.user_id, b.session.user_id);
      // Nakama sends the reply and the joiner's own presence event in either order (pipeline and
      // tracker): the queue holds whichever came first.
      await seePresence(b, match.match_id, b.session.user_id);
      await seePresence(a, match.match_id, b.session.user_id);
    });

    // nakama-js-protobuf 1.4.0 encodes MatchCreate without its name field (the client drops the
    // name before it reaches any server), so named matches are a JSON-socket feature there.
    test('createMatch with a name gives every creator the same match', { ...T, skip: format === 'protobuf'
      && 'nakama-js-protobuf 1.4.0 does not encode MatchCreate.name' }, async () => {
      const a = await player(format);
      const b = await player(format);
      const name = uniqueId('room');
      const first = await step(a.socket.createMatch(name), 'createMatch(name)');
      const second = await step(b.socket.createMatch(name), 'createMatch(name) again');
      assert.equal(second.match_id, first.match_id);
      assert.deepEqual(userIds(second.presences), [a.session.user_id]);
      assert.equal(second.size, 2); // Nakama counts every member of a named match, the creator included
    });

    test('joinMatch again lists every member, the caller included', T, async () => {
      const a = await player(format);
      const b = await player(format);
      const { match_id: id } = await step(a.socket.createMatch(), 'createMatch');
      await step(b.socket.joinMatch(id), 'joinMatch');
      const again = await step(b.socket.joinMatch(id), 'joinMatch again');
      assert.deepEqual(userIds(again.presences), [a.session.user_id, b.session.user_id].sort());
      assert.equal(again.size, 2);
    });

    test('sendMatchState reaches every other player, or only the listed ones, and is not echoed', T, async () => {
      const a = await player(format);
      const b = await player(format);
      const c = await player(format);
      const { match_id: id } = await step(a.socket.createMatch(), 'createMatch');
      const bMatch = await step(b.socket.joinMatch(id), 'joinMatch b');
      const cMatch = await step(c.socket.joinMatch(id), 'joinMatch c');
      await seePresence(a, id, c.session.user_id);
      await seePresence(b, id, c.session.user_id);

      await step(a.socket.sendMatchState(id, 7, '{"hello":1}'), 'sendMatchState');
      for (const p of [b, c]) {
        const data = await p.data.next();
        assert.equal(data.match_id, id);
        assert.equal(data.op_code, 7);
        assert.equal(text(data.data), '{"hello":1}');
        assert.equal(data.presence.user_id, a.session.user_id);
      }
      await a.data.expectNone(300);

      // only to c, then to c and the sender itself
      await step(b.socket.sendMatchState(id, 8, 'for c', [cMatch.self]), 'sendMatchState to c');
      assert.equal(text((await c.data.next()).data), 'for c');
      await step(b.socket.sendMatchState(id, 9, 'for c and me', [cMatch.self, bMatch.self]), 'sendMatchState to c and self');
      assert.equal(text((await c.data.next()).data), 'for c and me');
      assert.equal(text((await b.data.next()).data), 'for c and me');
      await a.data.expectNone(300);

      const bytes = new Uint8Array([0, 1, 2, 254, 255]);
      await step(c.socket.sendMatchState(id, 10, bytes), 'sendMatchState (bytes)');
      assert.deepEqual(Array.from((await a.data.next()).data), Array.from(bytes));
      assert.deepEqual(Array.from((await b.data.next()).data), Array.from(bytes));

      // Any op code is relayed, a negative one too (pipeline_match.go has no op code check).
      await step(a.socket.sendMatchState(id, -1, 'negative'), 'sendMatchState(-1)');
      for (const p of [b, c]) {
        const data = await p.data.next();
        assert.equal(data.op_code, -1);
        assert.equal(text(data.data), 'negative');
      }
      await a.data.expectNone(200);
    });

    test('leaveMatch is seen by the others; an empty match ends', T, async () => {
      const a = await player(format);
      const b = await player(format);
      const { match_id: id } = await step(a.socket.createMatch(), 'createMatch');
      await step(b.socket.joinMatch(id), 'joinMatch');
      await seePresence(a, id, b.session.user_id);

      await step(b.socket.leaveMatch(id), 'leaveMatch b');
      await seePresence(a, id, b.session.user_id, 'leaves');
      await step(a.socket.leaveMatch(id), 'leaveMatch a');
      const err = await expectSocketError(b.socket.joinMatch(id), MATCH_NOT_FOUND, 'joinMatch (ended)');
      assert.ok(err.message.length > 0);
    });
  });
}

describe('authoritative match (tic-tac-toe module)', S, () => {
  test('an RPC creates the match; two players join, are listed, play, and a third is rejected', T, async () => {
    const a = await player('json');
    const b = await player('protobuf');
    const c = await player('json');
    const rpc = await step(a.client.rpc(a.session, 'tictactoe_create', {}), 'rpc tictactoe_create');
    const id = rpc.payload.match_id;
    assert.match(id, /^[0-9a-f-]{36}\.\S+$/);

    // Listed within the label update interval. A JSON boolean in a label is indexed as the keyword
    // T or F (Nakama's match_common.go), so a game queries `label.open:T`.
    const query = '+label.game:tictactoe +label.open:T';
    let listed;
    for (let i = 0; i < 30 && !listed; i++) {
      const list = await step(a.client.listMatches(a.session, 100, true, undefined, undefined, undefined, query),
        'listMatches');
      listed = (list.matches || []).find((m) => m.match_id === id);
      if (!listed) await sleep(100);
    }
    assert.ok(listed, 'the new game is listed as open');
    assert.equal(listed.authoritative, true);
    assert.equal(listed.handler_name, 'tictactoe');
    assert.equal(listed.tick_rate, 5);
    // With a query, the label parameter is ignored, even an empty one (match_registry.go).
    const withEmptyLabel = await step(a.client.listMatches(a.session, 100, true, '', undefined, undefined, query),
      'listMatches(label=, query)');
    assert.ok((withEmptyLabel.matches || []).some((m) => m.match_id === id), 'listed with label= and a query');
    const asTrue = await step(a.client.listMatches(a.session, 100, true, undefined, undefined, undefined,
      '+label.game:tictactoe +label.open:true'), 'listMatches(open:true)');
    assert.ok(!(asTrue.matches || []).some((m) => m.match_id === id), 'label.open:true does not match a JSON true');

    const match = await step(a.socket.joinMatch(id), 'joinMatch a');
    assert.equal(match.authoritative, true);
    assert.equal(match.label, '{"open":true,"game":"tictactoe"}');
    await step(b.socket.joinMatch(id), 'joinMatch b');

    const start = JSON.parse(text((await a.data.nextMatching((d) => d.op_code === OP_STATE)).data));
    assert.equal(start.next, a.session.user_id, 'the first to sit plays X and starts');
    assert.equal(start.marks[b.session.user_id], 'O');

    const err = await expectSocketError(c.socket.joinMatch(id), MATCH_JOIN_REJECTED, 'joinMatch (third)');
    assert.equal(err.message, 'match full');

    await step(b.socket.sendMatchState(id, OP_MOVE, JSON.stringify({ cell: 4 })), 'out-of-turn move');
    const refused = await b.data.nextMatching((d) => d.op_code === OP_REJECTED);
    assert.equal(JSON.parse(text(refused.data)).reason, 'not your turn');

    await step(a.socket.sendMatchState(id, OP_MOVE, JSON.stringify({ cell: 4 })), 'move');
    for (const p of [a, b]) {
      const state = JSON.parse(text((await p.data.nextMatching((d) => d.op_code === OP_STATE)).data));
      assert.equal(state.board[4], 'X');
      assert.equal(state.next, b.session.user_id);
    }
  });
});
