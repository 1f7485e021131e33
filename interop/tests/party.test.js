// Party interop tests: open and closed parties, join requests, promotion, kicks, leaving,
// closing and party data, through the official @heroiclabs/nakama-js client with JSON and
// protobuf sockets (see helpers.js for how the client behaves under Node).
//
// What nakama-js does with party replies (dist/nakama-js.cjs.js): createParty resolves with
// `response.party`; joinParty, leaveParty, closeParty, acceptPartyMember and removePartyMember
// resolve with the whole (empty) reply envelope; promotePartyMember resolves with
// `response.party_leader`, which is undefined because Nakama answers with an empty envelope too
// (the leader change arrives as an onpartyleader event); listPartyJoinRequests resolves with
// `response.party_join_request`; sendPartyData is sent without a cid and resolves at once.
// Errors reject with the Error message itself: {code, message}.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, SUITE_TIMEOUT_MS, STEP_TIMEOUT_MS,
  newClient, uniqueId, withTimeout, connect, closeAllSockets, eventQueue, serverReady,
} from './helpers.js';

const T = { timeout: TEST_TIMEOUT_MS };
const S = { timeout: SUITE_TIMEOUT_MS };
const step = (promise, label) => withTimeout(promise, STEP_TIMEOUT_MS, label);

// rtapi Error codes.
const BAD_INPUT = 3;

before(() => serverReady());
after(() => closeAllSockets());

/** A connected player with queues for every party event. */
async function player(format = 'json') {
  const client = newClient();
  const session = await step(client.authenticateDevice(uniqueId('party-device'), true), 'authenticateDevice');
  const socket = await connect(client, session, { format });
  const p = {
    session,
    socket,
    party: eventQueue(socket, 'onparty'),
    presence: eventQueue(socket, 'onpartypresence'),
    joinRequest: eventQueue(socket, 'onpartyjoinrequest'),
    leader: eventQueue(socket, 'onpartyleader'),
    close: eventQueue(socket, 'onpartyclose'),
    data: eventQueue(socket, 'onpartydata'),
    /** Every party event in arrival order, across the queues (for order checks). */
    log: [],
  };
  for (const handler of ['onparty', 'onpartypresence', 'onpartyjoinrequest', 'onpartyleader', 'onpartyclose', 'onpartydata']) {
    const queue = socket[handler];
    socket[handler] = (event) => { p.log.push(event); queue(event); };
  }
  return p;
}

/**
 * The member sees `leaver` leave and `newLeader` promoted, party_leader first: Nakama's tracker runs
 * the party's leave listener, which sends party_leader at once (party_handler.go Leave), before it
 * sends the presence events (tracker.go).
 */
async function seeLeaderLeaveAndSuccessor(m, leaver, newLeader) {
  const leave = await m.presence.next();
  assert.deepEqual(ids(leave.leaves), [leaver.self.session_id]);
  const leader = await m.leader.next();
  assert.equal(leader.presence.session_id, newLeader.self.session_id);
  assert.ok(m.log.indexOf(leader) < m.log.indexOf(leave), 'party_leader comes before the leave event');
}

/** Awaits `promise`, which must reject with an rtapi Error of `code`. Returns the error. */
async function expectSocketError(promise, code, label) {
  let result;
  try {
    result = await step(promise, label);
  } catch (err) {
    if (err instanceof Error) throw new Error(`${label}: expected error code ${code}, got ${err.message}`, { cause: err });
    assert.equal(err.code, code, `${label}: ${JSON.stringify(err)}`);
    assert.ok(typeof err.message === 'string' && err.message.length > 0, `${label}: error has a message`);
    return err;
  }
  throw new Error(`${label}: expected error code ${code}, but it succeeded: ${JSON.stringify(result)}`);
}

const ids = (presences) => (presences || []).map((p) => p.session_id);

/** The player creates a party and sees its own join; returns the party. */
async function create(p, open, maxSize) {
  const party = await step(p.socket.createParty(open, maxSize), 'createParty');
  const joined = await p.presence.next();
  assert.equal(joined.party_id, party.party_id);
  assert.deepEqual(ids(joined.joins), [party.self.session_id]);
  p.self = party.self;
  return party;
}

/** The player joins an open party: ack, then onparty, then its own join. Returns the party. */
async function joinOpen(p, partyId) {
  await step(p.socket.joinParty(partyId), 'joinParty');
  const party = await p.party.next();
  assert.equal(party.party_id, partyId);
  p.self = party.self;
  const joined = await p.presence.next();
  assert.deepEqual(ids(joined.joins), [party.self.session_id]);
  return party;
}

/** Every player in `members` sees `joiner` join. */
async function seeJoin(members, partyId, joiner) {
  for (const m of members) {
    const event = await m.presence.next();
    assert.equal(event.party_id, partyId);
    assert.deepEqual(ids(event.joins), [joiner.self.session_id]);
  }
}

for (const format of ['json', 'protobuf']) {
  describe(`open party (${format})`, S, () => {
    test('createParty makes the creator leader; joiners get onparty and everyone sees each join', T, async () => {
      const a = await player(format);
      const b = await player(format);
      const c = await player(format);
      const party = await create(a, true, 3);
      assert.match(party.party_id, /^[0-9a-f-]{36}\.\S+$/);
      assert.equal(party.open, true);
      assert.equal(party.max_size, 3);
      assert.equal(party.self.user_id, a.session.user_id);
      assert.equal(party.self.username, a.session.username);
      assert.deepEqual(party.leader, party.self);
      assert.deepEqual(ids(party.presences), [party.self.session_id]);

      const forB = await joinOpen(b, party.party_id);
      assert.equal(forB.leader.session_id, a.self.session_id);
      assert.deepEqual(ids(forB.presences), [a.self.session_id, b.self.session_id]);
      assert.equal(forB.self.user_id, b.session.user_id);
      await seeJoin([a], party.party_id, b);

      const forC = await joinOpen(c, party.party_id);
      assert.deepEqual(ids(forC.presences), [a.self.session_id, b.self.session_id, c.self.session_id]);
      await seeJoin([a, b], party.party_id, c);

      // max_size counts the leader: a fourth player is refused
      const d = await player(format);
      const err = await expectSocketError(d.socket.joinParty(party.party_id), BAD_INPUT, 'joinParty (full)');
      assert.match(err.message, /full/);
      await a.presence.expectNone(300);
    });

    test('sendPartyData reaches every other member with the sender and op code', T, async () => {
      const a = await player(format);
      const b = await player(format);
      const c = await player(format);
      const { party_id: id } = await create(a, true, 4);
      await joinOpen(b, id);
      await seeJoin([a], id, b);
      await joinOpen(c, id);
      await seeJoin([a, b], id, c);

      await step(b.socket.sendPartyData(id, 5, 'hello party'), 'sendPartyData');
      for (const m of [a, c]) {
        const data = await m.data.next();
        assert.equal(data.party_id, id);
        assert.equal(data.op_code, 5);
        assert.equal(data.presence.session_id, b.self.session_id);
        assert.equal(data.presence.user_id, b.session.user_id);
        assert.equal(new TextDecoder().decode(data.data), 'hello party');
      }
      await b.data.expectNone(300);

      const bytes = new Uint8Array([0, 1, 2, 254, 255]);
      await step(a.socket.sendPartyData(id, 2, bytes), 'sendPartyData (bytes)');
      assert.deepEqual(Array.from((await b.data.next()).data), Array.from(bytes));
      assert.deepEqual(Array.from((await c.data.next()).data), Array.from(bytes));
    });

    test('leaveParty is seen by the others; the last one out ends the party', T, async () => {
      const a = await player(format);
      const b = await player(format);
      const c = await player(format);
      const { party_id: id } = await create(a, true, 3);
      await joinOpen(b, id);
      await seeJoin([a], id, b);
      await joinOpen(c, id);
      await seeJoin([a, b], id, c);

      await step(c.socket.leaveParty(id), 'leaveParty');
      for (const m of [a, b]) {
        const event = await m.presence.next();
        assert.deepEqual(ids(event.leaves), [c.self.session_id]);
      }
      await c.presence.expectNone(300);
      await step(b.socket.leaveParty(id), 'leaveParty');
      assert.deepEqual(ids((await a.presence.next()).leaves), [b.self.session_id]);
      await step(a.socket.leaveParty(id), 'leaveParty');
      const err = await expectSocketError(c.socket.joinParty(id), BAD_INPUT, 'joinParty (gone)');
      assert.match(err.message, /not found/);
    });
  });
}

describe('closed party', S, () => {
  test('join requests reach the leader, are listed in order, accepted or declined', T, async () => {
    const a = await player();
    const b = await player();
    const c = await player('protobuf');
    const { party_id: id } = await create(a, false, 4);

    await step(b.socket.joinParty(id), 'joinParty (request)');
    const requestB = await a.joinRequest.next();
    assert.equal(requestB.party_id, id);
    assert.equal(requestB.presences.length, 1);
    assert.equal(requestB.presences[0].user_id, b.session.user_id);
    await step(c.socket.joinParty(id), 'joinParty (request)');
    const requestC = await a.joinRequest.next();
    assert.equal(requestC.presences[0].user_id, c.session.user_id);
    await b.party.expectNone(200);

    const listed = await step(a.socket.listPartyJoinRequests(id), 'listPartyJoinRequests');
    assert.equal(listed.party_id, id);
    assert.deepEqual(listed.presences.map((p) => p.user_id), [b.session.user_id, c.session.user_id]);

    // accept B: it receives the party, everyone sees it join
    await step(a.socket.acceptPartyMember(id, requestB.presences[0]), 'acceptPartyMember');
    const forB = await b.party.next();
    assert.ok(!forB.open, 'a closed party (JSON omits false)');
    assert.equal(forB.leader.session_id, a.self.session_id);
    assert.deepEqual(ids(forB.presences), [a.self.session_id, requestB.presences[0].session_id]);
    b.self = forB.self;
    await seeJoin([a, b], id, b);

    // decline C: removePartyMember on a request; C is not told
    await step(a.socket.removePartyMember(id, requestC.presences[0]), 'removePartyMember (decline)');
    const after = await step(a.socket.listPartyJoinRequests(id), 'listPartyJoinRequests');
    assert.deepEqual(after.presences || [], []);
    await c.party.expectNone(300);
    await c.close.expectNone(0);

    // a member who is not the leader cannot list or accept
    await expectSocketError(b.socket.listPartyJoinRequests(id), BAD_INPUT, 'listPartyJoinRequests (not leader)');
    await expectSocketError(b.socket.acceptPartyMember(id, requestC.presences[0]), BAD_INPUT,
      'acceptPartyMember (not leader)');
  });

  test('removePartyMember kicks: the kicked member gets onpartyclose, the others see it leave', T, async () => {
    const a = await player();
    const b = await player();
    const c = await player();
    const { party_id: id } = await create(a, false, 3);
    for (const p of [b, c]) {
      await step(p.socket.joinParty(id), 'joinParty (request)');
      const request = await a.joinRequest.next();
      await step(a.socket.acceptPartyMember(id, request.presences[0]), 'acceptPartyMember');
      p.self = (await p.party.next()).self;
    }
    await seeJoin([a, b], id, b);
    await seeJoin([a, b, c], id, c);

    await step(a.socket.removePartyMember(id, b.self), 'removePartyMember (kick)');
    const closed = await b.close.next();
    assert.equal(closed.party_id, id);
    for (const m of [a, c]) {
      assert.deepEqual(ids((await m.presence.next()).leaves), [b.self.session_id]);
    }
    // the leader cannot remove itself
    await expectSocketError(a.socket.removePartyMember(id, a.self), BAD_INPUT, 'removePartyMember (self)');
  });
});

describe('leader', S, () => {
  test('promotePartyMember is announced to everyone; the new leader has the rights', T, async () => {
    const a = await player();
    const b = await player();
    const c = await player('protobuf');
    const { party_id: id } = await create(a, true, 3);
    await joinOpen(b, id);
    await seeJoin([a], id, b);
    await joinOpen(c, id);
    await seeJoin([a, b], id, c);

    const resolved = await step(a.socket.promotePartyMember(id, b.self), 'promotePartyMember');
    assert.equal(resolved, undefined, 'Nakama answers a promotion with an empty envelope');
    for (const m of [a, b, c]) {
      const event = await m.leader.next();
      assert.equal(event.party_id, id);
      assert.equal(event.presence.session_id, b.self.session_id);
    }
    await expectSocketError(a.socket.closeParty(id), BAD_INPUT, 'closeParty (no longer leader)');

    // the leader leaves: the longest-standing member (A) leads again, and everyone is told
    await step(b.socket.leaveParty(id), 'leaveParty (leader)');
    for (const m of [a, c]) {
      await seeLeaderLeaveAndSuccessor(m, b, a);
    }
  });

  test('the leader disconnecting hands the party to the longest-standing member', T, async () => {
    const a = await player();
    const b = await player();
    const c = await player();
    const { party_id: id } = await create(a, true, 3);
    await joinOpen(b, id);
    await seeJoin([a], id, b);
    await joinOpen(c, id);
    await seeJoin([a, b], id, c);

    a.socket.disconnect(false);
    for (const m of [b, c]) {
      await seeLeaderLeaveAndSuccessor(m, a, b);
    }
    const listed = await step(b.socket.listPartyJoinRequests(id), 'listPartyJoinRequests (new leader)');
    assert.equal(listed.party_id, id);
  });

  test('closeParty sends onpartyclose to every member, the leader included', T, async () => {
    const a = await player();
    const b = await player('protobuf');
    const c = await player();
    const { party_id: id } = await create(a, true, 3);
    await joinOpen(b, id);
    await seeJoin([a], id, b);
    await joinOpen(c, id);
    await seeJoin([a, b], id, c);

    await expectSocketError(b.socket.closeParty(id), BAD_INPUT, 'closeParty (not leader)');
    await step(a.socket.closeParty(id), 'closeParty');
    for (const m of [a, b, c]) {
      assert.equal((await m.close.next()).party_id, id);
    }
    await expectSocketError(b.socket.joinParty(id), BAD_INPUT, 'joinParty (closed)');
  });
});

describe('party bad input', S, () => {
  test('max size over 256, unknown parties and party matchmaking by a member are refused; max size 0 is a full party', T, async () => {
    const a = await player();
    // Nakama refuses only max_size < 0 or > 256 (pipeline_party.go, despite its message "must be
    // 1-256"): a party of max size 0 holds its creator, and every join is "party full"
    // (party_handler.go JoinRequest: members >= max size). 0 is omitted from the JSON reply.
    const empty = await create(a, true, 0);
    assert.ok(!empty.max_size, `max_size 0: ${JSON.stringify(empty)}`);
    assert.deepEqual(ids(empty.presences), [empty.self.session_id]);
    const outsider = await player();
    const full = await expectSocketError(outsider.socket.joinParty(empty.party_id), BAD_INPUT, 'joinParty(max 0)');
    assert.match(full.message, /full/);
    await step(a.socket.leaveParty(empty.party_id), 'leaveParty(max 0)');
    await expectSocketError(a.socket.createParty(true, 257), BAD_INPUT, 'createParty(max 257)');
    await expectSocketError(a.socket.createParty(true, -1), BAD_INPUT, 'createParty(max -1)');
    await expectSocketError(a.socket.joinParty('not-a-party'), BAD_INPUT, 'joinParty(malformed)');
    await expectSocketError(a.socket.joinParty('00000000-0000-4000-8000-000000000000.gantry'), BAD_INPUT,
      'joinParty(unknown)');
    const { party_id: id } = await create(a, true, 2);
    const m = await player();
    await joinOpen(m, id);
    const err = await expectSocketError(m.socket.addMatchmakerParty(id, '*', 2, 2), BAD_INPUT,
      'addMatchmakerParty by a member');
    assert.match(err.message, /leader/);
    await expectSocketError(a.socket.removeMatchmakerParty(id, 'ticket'), BAD_INPUT,
      'removeMatchmakerParty(unknown ticket)');
    await step(m.socket.leaveParty(id), 'leaveParty');
    // still working
    const b = await player();
    await joinOpen(b, id);
  });
});
